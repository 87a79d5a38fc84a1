"""The job lease heartbeat: a run longer than its lease keeps it; no second run starts."""
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

from jobs import add_job, ensure_registry
from jobs.runner import REGISTRY, claim_occurrence, execute, run_now
from models.jobs import JobLease, JobRun
from tests.jobs import sample

LEASE = timedelta(seconds=0.9)  # the heartbeat renews every 0.3 s


@pytest.fixture
def blocking_job(app):
    ensure_registry(app)
    saved = dict(REGISTRY)
    add_job(None, "slow", "tests.jobs.sample:block_until_released", "runs until released",
            lease=LEASE, hour=5)
    sample.blocking.update(started=threading.Event(), release=threading.Event(), running=0,
                           most=0)
    yield sample.blocking
    sample.blocking["release"].set()
    REGISTRY.clear()
    REGISTRY.update(saved)


def lease() -> dict:
    return JobLease._get_collection().find_one({"_id": "slow"}) or {}


def wait_for(condition, what: str, timeout: float = 60) -> None:
    """Poll a condition on the database (no timing assertion: only a deadlock bound)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


def test_a_run_longer_than_its_lease_keeps_it_and_a_second_run_is_skipped(blocking_job):
    due = datetime(2026, 11, 26, 4, 0, tzinfo=timezone.utc)
    first = claim_occurrence("slow", "slow@first", due, "schedule")
    result = {}
    worker = threading.Thread(target=lambda: result.update(run=execute(first)), daemon=True)
    worker.start()
    try:
        assert blocking_job["started"].wait(timeout=60), "the job never started"
        first_expiry = as_utc(lease()["expires_at"])
        assert lease()["run_id"] == "slow@first"
        # Past the first lease's end: only the heartbeat can keep the lease alive.
        wait_for(lambda: datetime.now(timezone.utc) > first_expiry + LEASE,
                 "the original lease to run out")
        wait_for(lambda: as_utc(lease()["expires_at"]) > datetime.now(timezone.utc),
                 "a renewed lease")
        held = lease()
        assert held["run_id"] == "slow@first" and as_utc(held["expires_at"]) > first_expiry

        # A second scheduler (another occurrence) and a manual run both find it held.
        second = execute(claim_occurrence("slow", "slow@second", due + timedelta(hours=1),
                                          "schedule"))
        manual = run_now("slow", requested_by="admin@firma.example.com")
        for other in (second, manual):
            assert other.status == "skipped"
            assert other.summary == {"reason": "run slow@first is still running"}
        assert JobRun.objects.get(pk="slow@first").status == "running"  # not "interrupted"
        assert blocking_job["most"] == 1
    finally:
        blocking_job["release"].set()
        worker.join(timeout=60)
    assert not worker.is_alive()
    assert result["run"].status == "ok" and result["run"].summary == {"ran": "slow@first"}
    assert lease()["run_id"] is None  # released at the end


def test_after_the_run_the_lease_is_free_for_the_next(blocking_job):
    blocking_job["release"].set()
    run = run_now("slow", requested_by="admin")
    assert run.status == "ok" and lease()["run_id"] is None
    again = run_now("slow", requested_by="admin")
    assert again.status == "ok"
