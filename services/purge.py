"""The retention cleanup: delete expired, non-held archived files and log each deletion.

Per file the writes happen in this order, so a crash between any two is finished by the
next run and never deletes a record without its log entry nor leaves orphaned chunks:
1. claim the record (`purge_run` set, only if still not held); from here the deletion is
   decided and a hold can no longer be set on it;
2. insert its deletion-log entry (_id = file id, so a repeat is a no-op);
3. remove the record id from its content's `refs`; if none are left, mark the content
   `deleting` (uploads then refuse to attach to it), delete chunks, files entry, content;
4. delete the record.
Every run first finishes claimed records and `deleting` contents left by a crash.
"""
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from bson import ObjectId
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from models.archive import ArchiveContent, ArchivedFile, DeletionLogEntry, DocumentCategory
from services.archive_store import remove_grid_file
from services.retention import is_expired
from services.retention_rules import keep_until_for

BATCH = 500
PENDING_STALE = timedelta(hours=1)  # an upload unconfirmed this long has crashed
FIELDS = {"filename": 1, "category": 1, "sha256": 1, "document_date": 1, "keep_until": 1,
          "content": 1, "hold_reason": 1, "purge_run": 1}

# Fault-injection point for the crash tests: called after every write.
after_write = None


@dataclass
class PurgeResult:
    deleted: int = 0
    resumed: int = 0
    contents_deleted: int = 0
    skipped_held: int = 0
    swept_uploads: int = 0
    would_delete: list = field(default_factory=list)

    def summary(self) -> dict:
        return {"deleted": self.deleted, "resumed": self.resumed,
                "contents_deleted": self.contents_deleted,
                "skipped_held": self.skipped_held, "swept_uploads": self.swept_uploads}


def _wrote() -> None:
    if after_write is not None:
        after_write()


def _as_date(value) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def held_categories() -> set[str]:
    """Codes of the categories under legal hold."""
    return {c["_id"] for c in DocumentCategory._get_collection().find(
        {"hold_reason": {"$nin": [None, ""]}}, {"_id": 1})}


def expired_candidates(today: date) -> Iterator[dict]:
    """Yield the raw records that may be deleted today (expired, not held, not claimed)."""
    held = held_categories()
    cutoff = datetime(today.year, today.month, today.day, tzinfo=timezone.utc)
    cursor = ArchivedFile._get_collection().find(
        {"keep_until": {"$lt": cutoff}, "purge_run": None}, FIELDS, batch_size=BATCH)
    for doc in cursor:
        if doc.get("hold_reason") or doc["category"] in held:
            continue
        # Recompute from the current rule: a stale stored date must never delete early.
        current = keep_until_for(doc["category"], _as_date(doc["document_date"]))
        if is_expired(current, today):
            doc["keep_until"] = current
            yield doc


def purge_expired_files(run_id: str, today: date, dry_run: bool = False) -> PurgeResult:
    """Delete every expired, non-held archived file (or list them when dry_run)."""
    result = PurgeResult()
    if dry_run:
        result.would_delete = [_describe(doc) for doc in expired_candidates(today)]
        return result
    result.resumed = finish_interrupted(result)
    result.swept_uploads = sweep_pending()
    for doc in expired_candidates(today):
        if _claim(doc["_id"], run_id):
            if doc["category"] in held_categories():
                _unclaim(doc["_id"], run_id)  # a category hold arrived meanwhile
                result.skipped_held += 1
                continue
            doc["purge_run"] = run_id
            finish_deletion(doc, result)
            result.deleted += 1
    return result


def _describe(doc: dict) -> dict:
    return {"id": str(doc["_id"]), "filename": doc["filename"], "category": doc["category"],
            "document_date": _as_date(doc["document_date"]), "keep_until": doc["keep_until"]}


def _claim(file_id: ObjectId, run_id: str) -> bool:
    claimed = ArchivedFile._get_collection().update_one(
        {"_id": file_id, "purge_run": None, "hold_reason": {"$in": [None, ""]}},
        {"$set": {"purge_run": run_id}})
    _wrote()
    return claimed.modified_count == 1


def _unclaim(file_id: ObjectId, run_id: str) -> None:
    ArchivedFile._get_collection().update_one(
        {"_id": file_id, "purge_run": run_id}, {"$set": {"purge_run": None}})


def finish_interrupted(result: PurgeResult) -> int:
    """Finish the deletions and content removals a crashed run left half done."""
    count = 0
    for doc in ArchivedFile._get_collection().find({"purge_run": {"$ne": None}}, FIELDS):
        doc["keep_until"] = _as_date(doc.get("keep_until"))
        finish_deletion(doc, result)
        count += 1
    for content in ArchiveContent._get_collection().find({"deleting": True}):
        _remove_content(content)
        result.contents_deleted += 1
    return count


def finish_deletion(doc: dict, result: PurgeResult) -> None:
    """Log, release the content and delete a claimed record (each step repeatable)."""
    _log(doc)
    if _release_content(doc):
        result.contents_deleted += 1
    ArchivedFile._get_collection().delete_one({"_id": doc["_id"]})
    _wrote()


def _log(doc: dict) -> None:
    entry = DeletionLogEntry(
        file_id=doc["_id"], filename=doc["filename"], category=doc["category"],
        sha256=doc["sha256"], document_date=_as_date(doc["document_date"]),
        keep_until=_as_date(doc["keep_until"]), run_id=doc["purge_run"],
        deleted_at=datetime.now(timezone.utc))
    entry.validate()
    try:
        DeletionLogEntry._get_collection().insert_one(entry.to_mongo())
    except DuplicateKeyError:
        return  # written before a crash: the first entry stands
    _wrote()


def _release_content(doc: dict) -> bool:
    """Drop the record's reference; remove the content if it was the last one."""
    coll = ArchiveContent._get_collection()
    content = coll.find_one_and_update(
        {"_id": doc["sha256"]}, {"$pull": {"refs": doc["_id"], "pending": doc["_id"]}},
        return_document=ReturnDocument.AFTER)
    if content is None:
        return _release_legacy(doc)
    _wrote()
    if content.get("refs"):
        return False
    marked = coll.find_one_and_update(
        {"_id": doc["sha256"], "refs": {"$size": 0}}, {"$set": {"deleting": True}},
        return_document=ReturnDocument.AFTER)
    if marked is None:
        return False  # a new upload attached meanwhile
    _wrote()
    _remove_content(marked)
    return True


def _remove_content(content: dict) -> None:
    remove_grid_file(content["grid_id"])
    _wrote()
    ArchiveContent._get_collection().delete_one({"_id": content["_id"], "deleting": True})
    _wrote()


def _release_legacy(doc: dict) -> bool:
    """Content stored before deduplication: delete it if no other record points to it."""
    grid_id = doc.get("content")
    if grid_id is None:
        return False
    others = ArchivedFile._get_collection().count_documents(
        {"content": grid_id, "_id": {"$ne": doc["_id"]}}, limit=1)
    if others:
        return False
    remove_grid_file(grid_id)
    _wrote()
    return True


def sweep_pending(now: datetime | None = None) -> int:
    """Drop references of uploads that crashed before their record was saved."""
    now = now or datetime.now(timezone.utc)
    coll, swept = ArchiveContent._get_collection(), 0
    for content in coll.find({"pending.0": {"$exists": True}}, {"pending": 1}):
        for record_id in content["pending"]:
            if record_id.generation_time > now - PENDING_STALE:
                continue  # may still be uploading
            exists = ArchivedFile._get_collection().count_documents({"_id": record_id},
                                                                     limit=1)
            pull = {"pending": record_id} if exists else {"pending": record_id,
                                                           "refs": record_id}
            coll.update_one({"_id": content["_id"]}, {"$pull": pull})
            swept += 0 if exists else 1
        _drop_if_unreferenced(content["_id"])
    return swept


def _drop_if_unreferenced(sha256: str) -> None:
    marked = ArchiveContent._get_collection().find_one_and_update(
        {"_id": sha256, "refs": {"$size": 0}}, {"$set": {"deleting": True}},
        return_document=ReturnDocument.AFTER)
    if marked is not None:
        _remove_content(marked)
