"""Log-in throttling that holds across processes: counters live in the database."""
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from pymongo import ReturnDocument

from models.login_attempt import LoginThrottle


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lockout: timedelta = timedelta(minutes=15)


def locked_until(keys: list[str], now: datetime | None = None) -> datetime | None:
    """Return until when any of the keys is locked, or None."""
    now = now or datetime.now(timezone.utc)
    latest = None
    for doc in LoginThrottle.objects(key__in=keys):
        if doc.locked_until and _aware(doc.locked_until) > now:
            latest = max(latest or now, _aware(doc.locked_until))
    return latest


def record_failure(key: str, policy: ThrottlePolicy, now: datetime | None = None) -> None:
    """Count a failed attempt atomically and lock the key when the limit is reached."""
    now = now or datetime.now(timezone.utc)
    coll = LoginThrottle._get_collection()
    # A window that has run out starts again at one failure.
    coll.update_one({"_id": key, "window_start": {"$lt": now - policy.window}},
                    {"$set": {"failures": 0, "window_start": now}})
    doc = coll.find_one_and_update(
        {"_id": key}, {"$inc": {"failures": 1}, "$setOnInsert": {"window_start": now}},
        upsert=True, return_document=ReturnDocument.AFTER)
    if doc["failures"] >= policy.max_failures:
        coll.update_one({"_id": key}, {"$set": {"locked_until": now + policy.lockout,
                                                "failures": 0, "window_start": now}})


def clear(key: str) -> None:
    """Forget the failures of a key after a successful log-in."""
    LoginThrottle.objects(key=key).delete()


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
