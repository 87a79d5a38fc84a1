"""Job callables used by the scheduler tests (importable by a scheduler subprocess)."""
from datetime import timedelta

import mongoengine as me

from jobs import add_job


def count_run(ctx) -> dict:
    """Count how often this job really ran (one document per execution)."""
    me.get_db()["sample_job_calls"].insert_one({"run_id": ctx.run_id, "today": str(ctx.today)})
    return {"calls": me.get_db()["sample_job_calls"].count_documents({})}


def fail(ctx) -> dict:
    raise RuntimeError("Lieferant nicht erreichbar")


def register_sample_jobs(scheduler, app, **when) -> None:
    add_job(scheduler, "sample_count", "tests.jobs.sample:count_run", "counts its runs",
            lease=timedelta(seconds=30), **(when or {"hour": 3}))
    add_job(scheduler, "sample_fail", "tests.jobs.sample:fail", "always fails", hour=4)


# Deterministic hooks for the lease heartbeat test: the job says when it is running and
# runs until the test releases it.
blocking = {"started": None, "release": None, "running": 0, "most": 0}


def block_until_released(ctx) -> dict:
    """Run until the test sets blocking["release"]; count how many run at once."""
    blocking["running"] += 1
    blocking["most"] = max(blocking["most"], blocking["running"])
    try:
        blocking["started"].set()
        if not blocking["release"].wait(timeout=120):
            raise RuntimeError("the test never released the job")
        return {"ran": ctx.run_id}
    finally:
        blocking["running"] -= 1
