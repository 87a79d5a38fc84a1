"""The nightly retention cleanup as a job."""
import os

from flask import current_app, has_app_context

from services.archive.purge import SHORTENED_GRACE_DAYS, purge_expired_files


def purge_expired(ctx) -> dict:
    """Delete every archived file whose retention ran out by the run's day (Berlin)."""
    return purge_expired_files(ctx.run_id, today=ctx.today, grace_days=_grace_days()).summary()


def _grace_days() -> int:
    """Days a shortened keep-until protects a file (config, else the environment)."""
    if has_app_context():
        return int(current_app.config.get("RETENTION_GRACE_DAYS", SHORTENED_GRACE_DAYS))
    return int(os.environ.get("BACKOFFICE_RETENTION_GRACE_DAYS", SHORTENED_GRACE_DAYS))
