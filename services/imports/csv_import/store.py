"""The few functions of the import that read or write the database, all in bulk.

FerretDB scans the whole collection for any filter other than _id, so everything the
import needs is read once, as one projection, and every write is keyed by _id.
"""
from datetime import datetime, timezone

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
    """Return natural key → (_id, fingerprint of `fields`, status) of the stored documents.

    With fields=None only the keys are read (insert mode into a collection).
    """
    projection = {key_field: 1, "status": 1, **{name: 1 for name in fields or ()}}
    existing = {}
    for doc in spec.document._get_collection().find({}, projection):
        key = doc.get(key_field)
        if key is None:
            continue
        print_ = digest(doc, fields) if fields else None
        # A key stored twice (possible for vouchers typed by hand) cannot be updated safely.
        existing[key] = None if key in existing else (doc["_id"], print_, doc.get("status"))
    return existing


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


def update_batch(spec: ImportSpec, updates: list[tuple[ObjectId, dict]], fields: tuple[str, ...],
                 user: str) -> int:
    """Set the given fields of stored documents by _id and log each change in the audit log."""
    if not updates:
        return 0
    collection = spec.document._get_collection()
    before = {doc["_id"]: doc for doc in collection.find({"_id": {"$in": [i for i, _ in updates]}})}
    now = datetime.now(timezone.utc)
    requests, audits = [], []
    for _id, new in updates:
        changes = {name: new[name] for name in fields if name in new}
        removed = {name: "" for name in fields if name not in new}
        operation = {"$set": {**changes, "updated_at": now}}
        if removed:
            operation["$unset"] = removed
        requests.append(UpdateOne({"_id": _id}, operation))
        old = before.get(_id, {})
        field_changes = [FieldChange(field=f, old=o, new=n)
                         for f, o, n in diff(_snapshot(old, fields), _snapshot(new, fields))]
        audits.append(AuditEntry(
            at=now, user=user, action="update", collection=collection.name, document_id=str(_id),
            label=f"CSV-Import {new.get(spec_key(spec), '')}"[:200], changes=field_changes,
        ).to_mongo())
    result = collection.bulk_write(requests, ordered=False)
    AuditEntry._get_collection().insert_many(audits, ordered=False)
    return result.matched_count


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
