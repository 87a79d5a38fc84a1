"""Idempotency keys: the first answer to a POST is kept 24 h and replayed for the same body.

The record `<token id>:<key>` is claimed by a unique insert, so of ten parallel POSTs with
one key exactly one runs; the others wait for its answer (or get 409 while it still runs).
Another body under a used key is refused (422). An answer of 5xx is not kept: the client
may retry with the same key.
"""
import hashlib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from pymongo.errors import DuplicateKeyError

from models.api import IdempotencyRecord
from services.core.errors import BusinessRuleError

KEEP = timedelta(hours=24)
STALE = timedelta(minutes=2)  # a pending claim this old is from a crashed request


class KeyConflict(BusinessRuleError):
    """The key was used with another request (422) or its first request still runs (409)."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


@dataclass
class StoredAnswer:
    status: int
    content_type: str
    body: bytes
    location: str | None


def record_id(token_id, key: str) -> str:
    return f"{token_id}:{key}"


def claim(token_id, key: str, method_path: str, body: bytes,
          wait_seconds: float = 10.0) -> StoredAnswer | None:
    """Claim the key for this request (None: go ahead) or return the first answer."""
    if not key or len(key) > 200:
        raise KeyConflict("Der Header Idempotency-Key fehlt oder ist länger als 200 Zeichen.",
                          400)
    rid, digest = record_id(token_id, key), hashlib.sha256(body).hexdigest()
    coll = IdempotencyRecord._get_collection()
    deadline = time.monotonic() + wait_seconds
    while True:
        now = datetime.now(timezone.utc)
        # An expired or crashed claim gives way (the TTL index may not have run yet).
        coll.delete_one({"_id": rid, "created_at": {"$lt": now - KEEP}})
        coll.delete_one({"_id": rid, "state": "pending", "created_at": {"$lt": now - STALE}})
        try:
            coll.insert_one({"_id": rid, "body_sha256": digest, "method_path": method_path,
                             "state": "pending", "created_at": now})
            return None
        except DuplicateKeyError:
            doc = coll.find_one({"_id": rid})
        if doc is None:
            continue
        if doc["body_sha256"] != digest or doc["method_path"] != method_path:
            raise KeyConflict("Dieser Idempotency-Key wurde schon für eine andere Anfrage "
                              "verwendet; für eine neue Anfrage einen neuen Schlüssel nehmen.",
                              422)
        if doc["state"] == "done":
            return StoredAnswer(doc["status"], doc["content_type"], bytes(doc["body"]),
                                doc.get("location"))
        if time.monotonic() > deadline:
            raise KeyConflict("Die erste Anfrage mit diesem Idempotency-Key läuft noch; "
                              "bitte gleich noch einmal senden.", 409)
        time.sleep(0.05)


def complete(token_id, key: str, answer: StoredAnswer) -> None:
    """Keep the answer for replays; an answer of 5xx releases the key instead."""
    coll = IdempotencyRecord._get_collection()
    if answer.status >= 500:
        release(token_id, key)
        return
    coll.update_one({"_id": record_id(token_id, key), "state": "pending"},
                    {"$set": {"state": "done", "status": answer.status,
                              "content_type": answer.content_type, "body": answer.body,
                              "location": answer.location}})


def release(token_id, key: str) -> None:
    """Give the key back (the request failed without an answer worth keeping)."""
    IdempotencyRecord._get_collection().delete_one({"_id": record_id(token_id, key),
                                                    "state": "pending"})


def purge_expired(now: datetime | None = None) -> int:
    """Forget answers older than 24 h (the embedded database has no TTL indexes)."""
    now = now or datetime.now(timezone.utc)
    return IdempotencyRecord._get_collection().delete_many(
        {"created_at": {"$lt": now - KEEP}}).deleted_count
