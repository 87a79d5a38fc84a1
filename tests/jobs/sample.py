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
