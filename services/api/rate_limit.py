"""Requests per token and minute, counted in the database so every worker sees one count.

The counter `<token id>:<minute>` is raised only while the raise keeps it within the limit
(the limit is in the update filter); when the filter fails on an existing counter, the
upsert collides with it and nothing is counted. So that a request does not pay one write,
a process takes a few requests of the minute at once (`batch_size`: 1 below a limit of 100,
at most RESERVE_MAX) and counts them down in memory; the last ones of a minute are taken
one at a time. Never more than the limit is let through per minute; a worker process
may still hold up to batch - 1 unused requests when another one reaches the limit, so
with W processes up to W x (batch - 1) requests of a minute can be refused early.
"""
import threading
from datetime import datetime, timedelta, timezone

from pymongo.errors import DuplicateKeyError

from models.api import RateCounter

DEFAULT_PER_MINUTE = 600
RESERVE_MAX = 20

_held: dict = {}  # token id -> [counter id, requests taken but not used yet]
_lock = threading.Lock()


def batch_size(limit: int) -> int:
    """How many requests of a minute one process takes at once."""
    return max(1, min(RESERVE_MAX, limit // 50))


def hit(token_id, limit: int, now: datetime | None = None) -> int | None:
    """Count one request; return None if allowed, else the seconds until the next window."""
    now = now or datetime.now(timezone.utc)
    minute = now.replace(second=0, microsecond=0)
    window_end = minute + timedelta(minutes=1)
    key = f"{token_id}:{minute:%Y%m%d%H%M}"
    with _lock:
        held = _held.get(token_id)
        if held is not None and held[0] == key and held[1] > 0:
            held[1] -= 1
            return None
    taken = _take(key, limit, batch_size(limit), window_end)
    if not taken:
        return max(1, int((window_end - now).total_seconds() + 0.999))
    with _lock:
        held = _held.get(token_id)
        spare = held[1] if held is not None and held[0] == key else 0
        _held[token_id] = [key, spare + taken - 1]
    return None


def _take(key: str, limit: int, wanted: int, window_end: datetime) -> int:
    """Raise the counter by `wanted` (or, near the limit, by 1); return how many were taken."""
    coll = RateCounter._get_collection()
    for n in dict.fromkeys((min(wanted, limit), 1)):
        try:
            coll.update_one({"_id": key, "count": {"$lte": limit - n}},
                            {"$inc": {"count": n}, "$setOnInsert": {"window_end": window_end}},
                            upsert=True)
            return n
        except DuplicateKeyError:
            continue
    return 0


def purge_expired(now: datetime | None = None) -> int:
    """Drop the counters of minutes that are over."""
    now = now or datetime.now(timezone.utc)
    return RateCounter._get_collection().delete_many(
        {"window_end": {"$lt": now}}).deleted_count
