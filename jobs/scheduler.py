"""The scheduler process: APScheduler with its job store in MongoDB (never in web workers)."""
import copy
import logging
import pickle
import signal

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.mongodb import MongoDBJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from jobs.runner import BERLIN, JobSpec

JOBSTORE_COLLECTION = "apscheduler_jobs"


def next_run_times() -> dict:
    """Next run per job as the scheduler process stored it (None if it never started)."""
    from datetime import datetime, timezone

    import mongoengine as me

    coll = me.get_db()[JOBSTORE_COLLECTION]
    return {doc["_id"]: datetime.fromtimestamp(doc["next_run_time"], timezone.utc)
            for doc in coll.find({}, {"next_run_time": 1}) if doc.get("next_run_time")}


QUEUE_POLL_SECONDS = 10
log = logging.getLogger("backoffice.scheduler")


class StampingExecutor(ThreadPoolExecutor):
    """Pass each run its scheduled time, the key that makes a run happen only once."""

    def _do_submit_job(self, job, run_times):
        if job.func_ref == "jobs.runner:run_scheduled" and "scheduled_for" not in job.kwargs:
            stamped = copy.copy(job)  # pickling state drops the store alias: keep it
            stamped._jobstore_alias, stamped._scheduler = job._jobstore_alias, job._scheduler
            stamped.kwargs = {**job.kwargs, "scheduled_for": run_times[-1]}
            job = stamped
        return super()._do_submit_job(job, run_times[-1:])


class _JobStore(MongoDBJobStore):
    """The job store, whose client outlives the scheduler's shutdown.

    SIGTERM stops the scheduler process from a signal handler, which can interrupt the main
    loop in the middle of a job-store query; closing the client there made that query fail
    ("Cannot use MongoClient after close") and the process exit with 1. `run_forever` sets
    `close_later` and closes the client once the main loop has returned.
    """

    close_later = False

    def shutdown(self):
        if not self.close_later:
            super().shutdown()


def build_scheduler(app, scheduler_class=BlockingScheduler, register=None):
    """Create the scheduler with the MongoDB job store and every registered job."""
    from jobs import register_jobs
    from jobs.runner import bind

    # Its own client, closed after the main loop; the app's connection stays open.
    store = _JobStore(database=app.config["MONGODB_DB"],
                            collection=JOBSTORE_COLLECTION,
                            host=app.config["MONGODB_EFFECTIVE_URI"], tz_aware=True)
    scheduler = scheduler_class(
        jobstores={"default": store}, executors={"default": StampingExecutor(4)},
        job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
        timezone=BERLIN)
    bind(app, scheduler)
    (register or register_jobs)(scheduler, app)
    scheduler.add_job("jobs.scheduler:run_queued_requests", IntervalTrigger(
        seconds=QUEUE_POLL_SECONDS), id="_run_queued_requests", replace_existing=True,
        misfire_grace_time=None, coalesce=True, max_instances=1)
    return scheduler


def schedule(scheduler, spec: JobSpec) -> None:
    """Add a job, keeping a stored next run time so a missed run is caught up once."""
    kwargs = dict(trigger=spec.trigger, args=[spec.name], id=spec.name, name=spec.name,
                  replace_existing=True)
    pending = _stored_next_run(scheduler, spec)
    if pending is not None:
        kwargs["next_run_time"] = pending
    scheduler.add_job("jobs.runner:run_scheduled", **kwargs)


def _stored_next_run(scheduler, spec: JobSpec):
    store = scheduler._jobstores.get("default")
    if not isinstance(store, MongoDBJobStore):
        return None
    doc = store.collection.find_one({"_id": spec.name}, ["job_state"])
    if not doc:
        return None
    state = pickle.loads(doc["job_state"])
    if str(state.get("trigger")) != str(spec.trigger):
        return None  # the schedule changed: start from the new one
    return state.get("next_run_time")


def run_queued_requests() -> None:
    """Pick up "run now" requests queued from the Jobs screen."""
    from jobs.runner import _bound, run_queued

    with _bound["app"].app_context():
        run_queued()


def run_forever(app) -> None:
    """Start the blocking scheduler; logs go to stdout."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s "
                        "%(message)s")
    scheduler = build_scheduler(app)
    for store in scheduler._jobstores.values():
        store.close_later = True

    def stop(signum, frame):
        # systemd/Procfile stop with SIGTERM: let running jobs finish, then leave.
        log.info("signal %s: stopping after the running jobs finish", signum)
        scheduler.shutdown(wait=True)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("scheduler started with jobs: %s", ", ".join(j.id for j in scheduler.get_jobs()))
    try:
        scheduler.start()
    finally:
        for store in scheduler._jobstores.values():
            client = getattr(store, "client", None)
            if client is not None:
                client.close()
    log.info("scheduler stopped")
