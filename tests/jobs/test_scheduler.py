"""Scheduler processes against the real server: one run per due time, catch-up once."""
import subprocess
import sys
import textwrap
import time
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import mongoengine as me
import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from jobs import ensure_registry
from jobs.runner import REGISTRY, occurrence_id
from jobs.scheduler import build_scheduler
from models.jobs import JobRun
from tests.conftest import REPO
from tests.jobs.sample import register_sample_jobs

CHILD = textwrap.dedent("""
    import sys, time
    from apscheduler.events import EVENT_JOB_EXECUTED
    from apscheduler.schedulers.background import BackgroundScheduler
    from app import create_app
    from jobs.scheduler import build_scheduler
    import jobs.scheduler
    from tests.jobs.sample import register_sample_jobs

    app = create_app({"TESTING": True, "MONGODB_URI": sys.argv[1], "MONGODB_DB": sys.argv[2],
                      "DATA_DIR": sys.argv[3]})
    jobs.scheduler.JOBSTORE_COLLECTION = sys.argv[4]
    attempts = []
    with app.app_context():
        scheduler = build_scheduler(app, BackgroundScheduler, register=lambda s, a:
                                    register_sample_jobs(s, a, second="*/2"))
        scheduler.add_listener(lambda e: attempts.append(e.job_id)
                               if e.job_id == "sample_count" else None, EVENT_JOB_EXECUTED)
        scheduler.start()
        # Deterministic instead of "sleep 10 s": meet the other process, then run until two
        # due times after the meeting are done (both schedulers were running for them).
        import mongoengine as me
        from datetime import datetime, timezone
        from models.jobs import JobRun
        db, deadline = me.get_db(), time.monotonic() + float(sys.argv[5])
        db["scheduler_started"].insert_one({"at": datetime.now(timezone.utc)})
        while db["scheduler_started"].count_documents({}) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        both = max(d["at"] for d in db["scheduler_started"].find())
        while JobRun.objects(job="sample_count", status="ok", scheduled_for__gt=both).count() \
                < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        scheduler.shutdown(wait=True)
    print("attempts", attempts.count("sample_count"))
""")


@pytest.fixture
def sample_registry(app):
    ensure_registry(app)
    saved = dict(REGISTRY)
    yield
    REGISTRY.clear()
    REGISTRY.update(saved)


def start_child(app, db_server, store_collection, seconds=120.0):
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, db_server, app.config["MONGODB_DB"],
         str(app.config["DATA_DIR"]), store_collection, str(seconds)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("stores", [("apscheduler_jobs", "apscheduler_jobs"),
                                    ("store_a", "store_b")])
def test_two_scheduler_processes_run_each_due_time_once(app, db_server, stores):
    children = [start_child(app, db_server, store) for store in stores]
    try:
        outputs = [child.communicate(timeout=180) for child in children]
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait(timeout=30)
    for child, (out, err) in zip(children, outputs):
        assert child.returncode == 0, err[-3000:]
    attempts = sum(int(out.split("attempts")[-1]) for out, _ in outputs)
    runs = JobRun.objects(job="sample_count")
    calls = list(me.get_db()["sample_job_calls"].find())
    both = max(d["at"] for d in me.get_db()["scheduler_started"].find())
    assert runs.filter(scheduled_for__gt=both).count() >= 2  # (not the deadline)
    assert len(calls) == len(runs) == runs.filter(status="ok").count()
    assert len({c["run_id"] for c in calls}) == len(calls)  # no due time ran twice
    if stores[0] != stores[1]:  # separate stores: both fired every due time
        assert attempts > len(runs)


def test_missed_runs_after_downtime_are_caught_up_once(app, sample_registry):
    def register(s, a):
        register_sample_jobs(s, a, hour=3, minute=0)

    first = build_scheduler(app, BackgroundScheduler, register=register)
    first.start(paused=True)
    three_days_ago = datetime.now(timezone.utc) - timedelta(days=3)
    first.modify_job("sample_count", next_run_time=three_days_ago)
    first.shutdown(wait=False)

    restarted = build_scheduler(app, BackgroundScheduler, register=register)
    restarted.start()
    try:
        for _ in range(600):  # generous: the machine may be loaded; the run ends it early
            if JobRun.objects(job="sample_count", status__in=["ok", "failed"]).count():
                break
            time.sleep(0.1)
    finally:
        restarted.shutdown(wait=True)
    runs = JobRun.objects(job="sample_count")
    assert len(runs) == 1 and runs[0].status == "ok"
    assert me.get_db()["sample_job_calls"].count_documents({}) == 1
    # The one catch-up run stands for the latest missed 03:00 (Berlin).
    due = runs[0].scheduled_for.astimezone(ZoneInfo("Europe/Berlin"))
    assert (due.hour, due.minute) == (3, 0)
    assert datetime.now(timezone.utc) - runs[0].scheduled_for < timedelta(days=1, hours=1)


def test_the_nightly_cleanup_runs_once_per_day_across_both_dst_changes(sample_registry):
    """02:00 does not exist on the last Sunday of March and happens twice in October."""
    spec = REGISTRY["retention_cleanup"]
    berlin = ZoneInfo("Europe/Berlin")
    for start in (datetime(2027, 3, 25, 12, tzinfo=berlin),
                  datetime(2027, 10, 28, 12, tzinfo=berlin)):
        fire, fires = spec.trigger.get_next_fire_time(None, start), []
        while len(fires) < 7:
            fires.append(fire)
            now = fire.astimezone(timezone.utc) + timedelta(seconds=1)
            fire = spec.trigger.get_next_fire_time(fire, now)
        days = sorted({f.astimezone(berlin).date() for f in fires})
        keys = {occurrence_id(spec, f) for f in fires}
        assert len(keys) == len(days) and all((b - a).days == 1
                                              for a, b in zip(days, days[1:]))


def test_scheduler_process_starts_schedules_the_cleanup_at_2_and_stops_on_sigterm(
        app, db_server):
    import os
    import signal

    env = dict(os.environ, MONGODB_URI=db_server, MONGODB_DB=app.config["MONGODB_DB"],
               BACKOFFICE_ENV="development", BACKOFFICE_DATA_DIR=str(app.config["DATA_DIR"]))
    child = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "scheduler"],
                             cwd=REPO, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        for line in child.stdout:
            lines.append(line)
            if "Scheduler started" in line:
                break
        child.send_signal(signal.SIGTERM)
        rest, _ = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=30)
    assert child.returncode == 0, "".join(lines) + rest
    assert "scheduler stopped" in rest
    stored = me.get_db()["apscheduler_jobs"].find_one({"_id": "retention_cleanup"})
    due = datetime.fromtimestamp(stored["next_run_time"], ZoneInfo("Europe/Berlin"))
    assert (due.hour, due.minute) == (2, 0)
