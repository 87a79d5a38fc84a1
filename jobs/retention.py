"""The nightly retention cleanup as a job."""
from services.archive.purge import purge_expired_files


def purge_expired(ctx) -> dict:
    """Delete every archived file whose retention ran out by the run's day (Berlin)."""
    return purge_expired_files(ctx.run_id, today=ctx.today).summary()
