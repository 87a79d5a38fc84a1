"""Run a registered job exactly once per due time, record it, and never overlap itself.

Each occurrence has a JobRun whose _id is `<job>@<scheduled time, UTC>`: inserting it is
the claim, so a second scheduler process that reaches the same occurrence gets a
duplicate key and does nothing. The run then takes the job's lease (one document per
job, with an expiry renewed by a heartbeat) so a manual run and a scheduled run never
overlap; a run that finds the lease held is recorded as skipped. A run whose process
died leaves its lease to expire; the next run records it as failed ("interrupted").
"""
import socket
import threading
import traceback
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from mongoengine.errors import NotUniqueError
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from models.jobs import JobLease, JobRun

BERLIN = ZoneInfo("Europe/Berlin")
REGISTRY: dict = {}  # job name -> JobSpec, filled by jobs.register_jobs
_bound = {"app": None, "scheduler": None}


@dataclass
class JobSpec:
    name: str
    func: str  # "module:function", importable by the scheduler process
    trigger: object  # an APScheduler trigger
    description: str
    lease: timedelta = timedelta(minutes=10)
    retry_after: timedelta | None = timedelta(minutes=15)


@dataclass
class JobContext:
    """What a job callable receives."""

    run_id: str
    job: str
    scheduled_for: datetime
    today: date  # the day in Europe/Berlin when the run was due
    extra: dict = field(default_factory=dict)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def bind(app, scheduler=None) -> None:
    """Tell the runner which app (and scheduler, for retries) this process serves."""
    _bound.update(app=app, scheduler=scheduler)


def resolve(func_ref: str):
    """Import a job callable from its "module:function" reference."""
    import importlib

    module, _, name = func_ref.partition(":")
    return getattr(importlib.import_module(module), name)


def run_scheduled(name: str, scheduled_for: datetime | None = None, attempt: int = 0):
    """Entry point the scheduler calls (in the scheduler process) for a due job."""
    scheduled_for = (scheduled_for or utcnow()).astimezone(timezone.utc)
    suffix = f"#retry{attempt}" if attempt else ""
    run_id = occurrence_id(REGISTRY[name], scheduled_for) + suffix
    with _bound["app"].app_context():
        run = claim_occurrence(name, run_id, scheduled_for, "schedule")
        if run is not None:
            execute(run)
            _maybe_retry(run, attempt)


def occurrence_id(spec: JobSpec, scheduled_for: datetime) -> str:
    """Name one due time of a job: the key that lets only one process run it.

    Cron jobs are keyed by Berlin wall-clock time, so "daily at 02:00" runs once on the
    night the clocks go back, although APScheduler fires at both 02:00s; interval jobs
    by UTC, so every interval runs.
    """
    from apscheduler.triggers.cron import CronTrigger

    if isinstance(spec.trigger, CronTrigger):
        return f"{spec.name}@{scheduled_for.astimezone(BERLIN):%Y-%m-%dT%H:%M:%S} Berlin"
    return f"{spec.name}@{scheduled_for.astimezone(timezone.utc):%Y-%m-%dT%H:%M:%SZ}"


def claim_occurrence(name: str, run_id: str, scheduled_for: datetime, trigger: str,
                     requested_by: str | None = None) -> JobRun | None:
    """Insert the run's record; None if another process already claimed this occurrence."""
    run = JobRun(run_id=run_id, job=name, scheduled_for=scheduled_for, trigger=trigger,
                 requested_by=requested_by, status="running", started_at=utcnow(),
                 host=socket.gethostname())
    try:
        return run.save(force_insert=True)
    except NotUniqueError:
        return None


def queue_manual_run(name: str, requested_by: str) -> JobRun:
    """Ask the scheduler process to run a job now (the "run now" button)."""
    if name not in REGISTRY:
        raise KeyError(name)
    now = utcnow()
    return JobRun(run_id=f"{name}@manual-{now:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}",
                  job=name, scheduled_for=now, trigger="manual", requested_by=requested_by,
                  status="queued").save(force_insert=True)


def run_queued() -> int:
    """Run every queued manual request (each taken by exactly one process)."""
    count = 0
    while True:
        doc = JobRun._get_collection().find_one_and_update(
            {"status": "queued"}, {"$set": {"status": "running", "started_at": utcnow(),
                                            "host": socket.gethostname()}},
            return_document=ReturnDocument.AFTER)
        if doc is None:
            return count
        execute(JobRun._from_son(doc))
        count += 1


def run_now(name: str, requested_by: str) -> JobRun:
    """Run a job in this process at once, through the same lease as scheduled runs."""
    if name not in REGISTRY:
        raise KeyError(name)
    run = claim_occurrence(name, f"{name}@manual-{utcnow():%Y%m%dT%H%M%S}-"
                           f"{uuid.uuid4().hex[:6]}", utcnow(), "manual", requested_by)
    return execute(run)


def execute(run: JobRun) -> JobRun:
    """Take the job's lease, call the job, and record how it went."""
    spec = REGISTRY[run.job]
    holder = acquire_lease(run.job, run.run_id, spec.lease)
    if holder is not None:
        return _finish(run, "skipped", {"reason": f"run {holder} is still running"})
    stop = _heartbeat(run.job, run.run_id, spec.lease)
    try:
        context = JobContext(run.run_id, run.job, run.scheduled_for,
                             run.scheduled_for.astimezone(BERLIN).date())
        summary = resolve(spec.func)(context) or {}
        return _finish(run, "ok", summary)
    except Exception:  # a failing job is recorded, never crashes the scheduler
        return _finish(run, "failed", {}, traceback.format_exc()[-4000:])
    finally:
        stop.set()
        release_lease(run.job, run.run_id)


def _finish(run: JobRun, status: str, summary: dict, error: str | None = None) -> JobRun:
    run.status, run.summary, run.error = status, summary, error
    run.finished_at = utcnow()
    return run.save()


def acquire_lease(job: str, run_id: str, duration: timedelta) -> str | None:
    """Take the job's lease; return None on success or the run id that holds it."""
    now, coll = utcnow(), JobLease._get_collection()
    try:
        before = coll.find_one_and_update(
            {"_id": job, "$or": [{"run_id": None}, {"expires_at": {"$lt": now}}]},
            {"$set": {"run_id": run_id, "expires_at": now + duration}},
            upsert=True, return_document=ReturnDocument.BEFORE)
    except DuplicateKeyError:
        held = coll.find_one({"_id": job}) or {}
        return held.get("run_id") or "another run"
    if before and before.get("run_id"):
        JobRun.objects(run_id=before["run_id"], status="running").update(
            set__status="failed", set__finished_at=now,
            set__error="interrupted: its process stopped before the run finished")
    return None


def release_lease(job: str, run_id: str) -> None:
    JobLease._get_collection().update_one({"_id": job, "run_id": run_id},
                                          {"$set": {"run_id": None, "expires_at": None}})


def _heartbeat(job: str, run_id: str, duration: timedelta) -> threading.Event:
    """Keep extending the lease while the run is alive."""
    stop = threading.Event()

    def beat():
        while not stop.wait(duration.total_seconds() / 3):
            JobLease._get_collection().update_one(
                {"_id": job, "run_id": run_id}, {"$set": {"expires_at": utcnow() + duration}})

    threading.Thread(target=beat, daemon=True, name=f"lease-{job}").start()
    return stop


def _maybe_retry(run: JobRun, attempt: int) -> None:
    """A failed scheduled run is retried once, `retry_after` later, by the scheduler."""
    spec, scheduler = REGISTRY[run.job], _bound["scheduler"]
    if run.status != "failed" or attempt or scheduler is None or spec.retry_after is None:
        return
    scheduler.add_job("jobs.runner:run_scheduled", "date",
                      run_date=utcnow() + spec.retry_after, id=f"{run.run_id}#retry",
                      args=[run.job], replace_existing=True, misfire_grace_time=None,
                      kwargs={"scheduled_for": run.scheduled_for, "attempt": 1})
