"""The per-token rate limit taken in batches: never more than the limit per minute, over
several worker processes (each with its own batch, simulated by separate holdings)."""
from datetime import datetime, timedelta, timezone

import pytest

from models.api import RateCounter
from services.api import rate_limit

MINUTE = datetime(2026, 3, 2, 10, 0, 0, tzinfo=timezone.utc)


@pytest.fixture
def worker(monkeypatch):
    """Switch to a fresh worker process: its own (empty) holdings of taken requests."""
    def switch():
        monkeypatch.setattr(rate_limit, "_held", {})
    switch()
    return switch


def counter(token_id, minute=MINUTE):
    doc = RateCounter._get_collection().find_one({"_id": f"{token_id}:{minute:%Y%m%d%H%M}"})
    return doc["count"] if doc else 0


@pytest.mark.parametrize("limit, batch", [(1, 1), (3, 1), (99, 1), (100, 2), (149, 2),
                                          (600, 12), (1000, 20), (1049, 20), (100_000, 20)])
def test_batch_is_a_fiftieth_of_the_limit_at_most_20(limit, batch):
    assert rate_limit.batch_size(limit) == batch


def test_one_process_gets_exactly_the_limit_and_writes_once_per_batch(app, worker):
    token = "t1"
    results = [rate_limit.hit(token, 600, MINUTE + timedelta(seconds=1)) for _ in range(601)]
    assert results[:600] == [None] * 600
    assert results[600] == 59  # refused until the next minute
    assert counter(token) == 600
    # one hit: the process took 12 at once (one write for 12 requests)
    worker()
    rate_limit.hit("t2", 600, MINUTE)
    assert counter("t2") == 12


def test_two_processes_together_never_exceed_the_limit(app, worker):
    token, now = "t3", MINUTE + timedelta(seconds=5)
    assert rate_limit.batch_size(610) == 12
    assert rate_limit.hit(token, 610, now) is None  # process A takes 12, uses 1
    held_by_a = rate_limit._held
    worker()  # process B
    b = [rate_limit.hit(token, 610, now) for _ in range(610)]
    # 49 batches of 12 (to 600), then 10 single ones: refused early by A's 11 unused
    assert b.count(None) == 49 * 12 + 10 == 598
    assert counter(token) == 610
    rate_limit._held = held_by_a  # A uses what it holds, then is refused as well
    a = [rate_limit.hit(token, 610, now) for _ in range(12)]
    assert a.count(None) == 11 and a[-1] is not None
    assert 1 + 11 + 598 == 610 == counter(token)


def test_near_the_limit_requests_are_taken_one_at_a_time(app, worker):
    token = "t4"
    key = f"{token}:{MINUTE:%Y%m%d%H%M}"
    RateCounter._get_collection().insert_one({"_id": key, "count": 99,
                                              "window_end": MINUTE + timedelta(minutes=1)})
    assert rate_limit.hit(token, 100, MINUTE) is None  # a batch of 2 no longer fits; 1 does
    assert counter(token) == 100
    assert rate_limit.hit(token, 100, MINUTE) == 60


def test_what_a_process_holds_is_not_used_in_the_next_minute(app, worker):
    token = "t5"
    assert rate_limit.hit(token, 600, MINUTE + timedelta(seconds=59)) is None  # holds 11
    nxt = MINUTE + timedelta(minutes=1)
    RateCounter._get_collection().insert_one({"_id": f"{token}:{nxt:%Y%m%d%H%M}",
                                              "count": 600, "window_end": nxt})
    assert rate_limit.hit(token, 600, nxt) == 60
