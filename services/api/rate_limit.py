"""Requests per token and minute, counted in the database so every worker sees one count.

The counter `<token id>:<minute>` is raised only while it is below the limit (the limit is
in the update filter); when the filter fails on an existing counter, the upsert collides
with it and the request is over the limit.
"""
from datetime import datetime, timedelta, timezone

from pymongo.errors import DuplicateKeyError

from models.api import RateCounter

DEFAULT_PER_MINUTE = 600


def hit(token_id, limit: int, now: datetime | None = None) -> int | None:
    """Count one request; return None if allowed, else the seconds until the next window."""
    now = now or datetime.now(timezone.utc)
    minute = now.replace(second=0, microsecond=0)
    window_end = minute + timedelta(minutes=1)
    try:
        RateCounter._get_collection().update_one(
            {"_id": f"{token_id}:{minute:%Y%m%d%H%M}", "count": {"$lt": limit}},
            {"$inc": {"count": 1}, "$setOnInsert": {"window_end": window_end}}, upsert=True)
    except DuplicateKeyError:
        return max(1, int((window_end - now).total_seconds() + 0.999))
    return None


def purge_expired(now: datetime | None = None) -> int:
    """Drop the counters of minutes that are over."""
    now = now or datetime.now(timezone.utc)
    return RateCounter._get_collection().delete_many(
        {"window_end": {"$lt": now}}).deleted_count
