"""Log-in throttling that holds across processes: counters live in the database.

A log-in attempt first takes a slot on every counter it falls under, each with one
conditional `$inc` (`failures < limit` in the filter), and only then is the password
verified. So at most `limit` guesses per counter and window are ever verified, however
many requests arrive at once. A success gives its slots back.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from models.login_attempt import LoginThrottle


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class Refused:
    """No slot was free: the key and until when it stays closed."""

    key: str
    until: datetime


def take_slots(counters: list[tuple[str, ThrottlePolicy]],
               now: datetime | None = None) -> Refused | None:
    """Take one attempt slot on every key; on a full key give back those taken and refuse."""
    now = now or datetime.now(timezone.utc)
    taken = []
    for key, policy in counters:
        until = _take(key, policy, now)
        if until is not None:
            for done in taken:
                give_back(done)
            return Refused(key, until)
        taken.append(key)
    return None


def give_back(key: str) -> None:
    """Return one slot of a key (the attempt it stood for succeeded)."""
    LoginThrottle._get_collection().update_one(
        {"_id": key, "failures": {"$gt": 0}}, {"$inc": {"failures": -1}})


def clear(key: str) -> None:
    """Forget the attempts of a key after a successful log-in."""
    LoginThrottle.objects(key=key).delete()


def _take(key: str, policy: ThrottlePolicy, now: datetime) -> datetime | None:
    """Take a slot of one key; return None when taken, else until when the key is full."""
    coll = LoginThrottle._get_collection()
    # A window that has run out starts again empty (compare-and-set on its start).
    coll.update_one({"_id": key, "window_start": {"$lt": now - policy.window}},
                    {"$set": {"failures": 0, "window_start": now}})
    try:
        coll.update_one({"_id": key}, {"$setOnInsert": {"failures": 0, "window_start": now}},
                        upsert=True)
    except DuplicateKeyError:
        pass  # a parallel attempt created it
    doc = coll.find_one_and_update({"_id": key, "failures": {"$lt": policy.max_failures}},
                                   {"$inc": {"failures": 1}},
                                   return_document=ReturnDocument.AFTER)
    if doc is not None:
        return None
    full = coll.find_one({"_id": key}) or {}
    return _aware(full.get("window_start") or now) + policy.window


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
