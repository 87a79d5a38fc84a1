"""The few functions of the import that read or write the database, all in bulk.

FerretDB scans the whole collection for any filter other than _id, so everything the
import needs is read once, as one projection, and every write is keyed by _id.
"""
from datetime import datetime, timezone
from typing import NamedTuple

from bson import ObjectId
from bson.raw_bson import RawBSONDocument
from pymongo import UpdateOne
from pymongo.errors import BulkWriteError

from models.audit import AuditEntry, FieldChange
from models.ledger import Account
from services.core.audit import diff

from .rows import comparable, digest
from .specs import ImportSpec

DUPLICATE_KEY = 11000


def load_references(spec: ImportSpec) -> dict[str, dict]:
    """Return column → {natural key: _id} for every reference column of the spec."""
    result = {}
    for column, reference in spec.references.items():
        cursor = reference.document._get_collection().find({}, {reference.key_field: 1})
        result[column] = {doc[reference.key_field]: doc["_id"] for doc in cursor
                          if reference.key_field in doc}
    return result


def load_accounts() -> set[str]:
    """Return the numbers of the chart of accounts."""
    return {doc["number"] for doc in Account._get_collection().find({}, {"number": 1})}


def load_existing(spec: ImportSpec, key_field: str, fields: tuple[str, ...] | None) -> dict:
    """Return natural key → Stored(_id, fingerprint of `fields`, status, updated_at, ...).

    With fields=None only the keys are read (insert mode into a collection).
    """
    extra = EXTRA_FIELDS.get(spec.name, ())
    projection = {key_field: 1, "status": 1, "updated_at": 1,
                  **{name: 1 for name in (*(fields or ()), *extra)}}
    existing = {}
    for doc in spec.document._get_collection().find({}, projection):
        key = doc.get(key_field)
        if key is None:
            continue
        print_ = digest(doc, fields) if fields else None
        # A key stored twice (possible for vouchers typed by hand) cannot be updated safely.
        existing[key] = None if key in existing else Stored(
            doc["_id"], print_, doc.get("status"), doc.get("updated_at"),
            {name: doc.get(name) for name in extra})
    return existing


class Stored(NamedTuple):
    """What the check pass read of a stored document; `updated_at` is the write's precondition."""

    id: ObjectId
    fingerprint: str | None
    status: str | None
    updated_at: datetime | None
    extra: dict


# Read besides the compared fields: what the business rules of an update need to see.
EXTRA_FIELDS = {"stock_items": ("quantity", "ledger_version"), "tickets": ("status",)}


def precondition(spec: ImportSpec, stored: Stored) -> dict:
    """Return the filter under which an update may still be written (compare-and-set).

    The document must be as the check pass saw it (same `updated_at`); a journal entry
    must moreover still be a draft, whoever changed it meanwhile.
    """
    condition = {"_id": stored.id, "updated_at": stored.updated_at}
    if spec.name == "journal_entries":
        condition["status"] = "draft"
    return condition


def insert_batch(spec: ImportSpec, documents: list[bytes]) -> tuple[int, list[int]]:
    """Insert BSON documents unordered; return the count and the indexes refused as duplicates."""
    if not documents:
        return 0, []
    collection = spec.document._get_collection()
    try:
        collection.insert_many([RawBSONDocument(doc) for doc in documents], ordered=False)
        return len(documents), []  # acknowledged without error: every one went in
    except BulkWriteError as error:
        details = error.details
        duplicates = [e["index"] for e in details["writeErrors"] if e["code"] == DUPLICATE_KEY]
        if len(duplicates) != len(details["writeErrors"]):
            raise
        return details["nInserted"], duplicates


def update_batch(spec: ImportSpec, updates: list[tuple[dict, dict]], fields: tuple[str, ...],
                 user: str) -> set[ObjectId]:
    """Set the given fields of stored documents under their preconditions; log each change.

    `updates` are (precondition filter, new document) pairs. Return the ids whose
    precondition no longer held: those documents were left untouched and not logged.
    """
    if not updates:
        return set()
    collection = spec.document._get_collection()
    ids = [condition["_id"] for condition, _ in updates]
    before = {doc["_id"]: doc for doc in collection.find({"_id": {"$in": ids}})}
    # Millisecond precision, as stored: the marker that tells afterwards which writes took.
    now = datetime.now(timezone.utc)
    now = now.replace(microsecond=now.microsecond // 1000 * 1000)
    requests, audits = [], {}
    for condition, new in updates:
        _id = condition["_id"]
        changes = {name: new[name] for name in fields if name in new}
        removed = {name: "" for name in fields if name not in new}
        operation = {"$set": {**changes, "updated_at": now}}
        if removed:
            operation["$unset"] = removed
        requests.append(UpdateOne(condition, operation))
        old = before.get(_id, {})
        field_changes = [FieldChange(field=f, old=o, new=n)
                         for f, o, n in diff(_snapshot(old, fields), _snapshot(new, fields))]
        audits[_id] = AuditEntry(
            at=now, user=user, action="update", collection=collection.name, document_id=str(_id),
            label=f"CSV-Import {new.get(spec_key(spec), '')}"[:200], changes=field_changes,
        ).to_mongo()
    result = collection.bulk_write(requests, ordered=False)
    stale = set()
    if result.matched_count < len(requests):  # someone changed some of them meanwhile
        written = {doc["_id"] for doc in collection.find({"_id": {"$in": ids}}, {"updated_at": 1})
                   if _same_instant(doc.get("updated_at"), now)}
        stale = set(ids) - written
    logged = [entry for _id, entry in audits.items() if _id not in stale]
    if logged:
        AuditEntry._get_collection().insert_many(logged, ordered=False)
    return stale


def _same_instant(stored: datetime | None, now: datetime) -> bool:
    if stored is None:
        return False
    if stored.tzinfo is None:
        stored = stored.replace(tzinfo=timezone.utc)
    return stored == now


def _snapshot(document: dict, fields: tuple[str, ...]) -> dict:
    """Return the fields of a stored document as comparable plain values."""
    return {name: comparable(document.get(name)) for name in fields}


def spec_key(spec: ImportSpec) -> str:
    """Return the stored field holding the natural key."""
    return "voucher_ref" if spec.name == "journal_entries" else spec.key


def bump_ticket_counters(numbers: list[str]) -> None:
    """Move each year's ticket counter past imported numbers like T-2026-00042."""
    from models.counter import Counter

    highest: dict[str, int] = {}
    for number in numbers:
        parts = number.split("-")
        if len(parts) == 3 and parts[0] == "T" and parts[1].isdigit() and parts[2].isdigit():
            name = f"ticket-{parts[1]}"
            highest[name] = max(highest.get(name, 0), int(parts[2]))
    for name, value in highest.items():
        Counter._get_collection().update_one({"_id": name}, {"$max": {"value": value}}, upsert=True)
