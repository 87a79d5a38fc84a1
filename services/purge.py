"""The retention cleanup: delete expired, non-held archived files and log each deletion.

Files are handled in batches; within a batch the writes happen in this order, so a crash
between any two is finished by the next run and never deletes a record without its log
entry nor leaves orphaned chunks:
1. claim the records (`purge_run` set, only where still not held); from here on their
   deletion is decided and a hold can no longer be set on them;
2. insert their deletion-log entries (_id = file id, so a repeat is a no-op);
3. remove the record ids from their contents' `refs`;
4. mark the contents left without refs `deleting` (uploads then refuse to attach), delete
   their chunks, then their GridFS files entries, then the content documents;
5. delete the records.
Every run first finishes the claimed records and `deleting` contents a crash left.
"""
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from itertools import islice

import mongoengine as me
from pymongo import UpdateOne
from pymongo.errors import BulkWriteError

from models.archive import ArchiveContent, ArchivedFile, DeletionLogEntry, DocumentCategory
from models.archive import RetentionRule
from services.archive_store import BUCKET
from services.retention import Rule, is_expired, keep_until

BATCH = 500
PENDING_STALE = timedelta(hours=1)  # an upload unconfirmed this long has crashed
FIELDS = {"filename": 1, "category": 1, "sha256": 1, "document_date": 1, "keep_until": 1,
          "content": 1, "hold_reason": 1, "purge_run": 1}
DUPLICATE_KEY = 11000

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


def _batches(items: Iterable, size: int = BATCH) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def held_categories() -> set[str]:
    """Codes of the categories under legal hold."""
    return {c["_id"] for c in DocumentCategory._get_collection().find(
        {"hold_reason": {"$nin": [None, ""]}}, {"_id": 1})}


def current_rules() -> dict[str, Rule]:
    """Every category's retention rule as plain data."""
    return {r.category: Rule(r.period, r.unit, r.start, r.fixed_start)
            for r in RetentionRule.objects}


def expired_candidates(today: date) -> Iterator[dict]:
    """Yield the raw records that may be deleted today (expired, not held, not claimed)."""
    held, rules = held_categories(), current_rules()
    cutoff = datetime(today.year, today.month, today.day, tzinfo=timezone.utc)
    cursor = ArchivedFile._get_collection().find(
        {"keep_until": {"$lt": cutoff}, "purge_run": None}, FIELDS, batch_size=BATCH)
    for doc in cursor:
        if doc.get("hold_reason") or doc["category"] in held:
            continue
        # Recompute from the current rule: a stale stored date must never delete early.
        rule = rules.get(doc["category"])
        current = keep_until(rule, _as_date(doc["document_date"])) if rule else None
        if is_expired(current, today):
            doc["keep_until"] = current
            yield doc


def purge_expired_files(run_id: str, today: date, dry_run: bool = False) -> PurgeResult:
    """Delete every expired, non-held archived file (or list them when dry_run)."""
    result = PurgeResult()
    if dry_run:
        result.would_delete = [_describe(doc) for doc in expired_candidates(today)]
        return result
    finish_interrupted(result)
    result.swept_uploads = sweep_pending()
    for batch in _batches(expired_candidates(today)):
        claimed = _claim(batch, run_id, result)
        finish_deletions(claimed, result)
        result.deleted += len(claimed)
    return result


def _describe(doc: dict) -> dict:
    return {"id": str(doc["_id"]), "filename": doc["filename"], "category": doc["category"],
            "document_date": _as_date(doc["document_date"]), "keep_until": doc["keep_until"]}


def _claim(batch: list[dict], run_id: str, result: PurgeResult) -> list[dict]:
    """Claim the batch's records that are still not held; return those claimed."""
    coll, ids = ArchivedFile._get_collection(), [d["_id"] for d in batch]
    coll.update_many({"_id": {"$in": ids}, "purge_run": None,
                      "hold_reason": {"$in": [None, ""]}}, {"$set": {"purge_run": run_id}})
    _wrote()
    held = held_categories()  # a category hold set while the batch was read wins
    mine = {d["_id"] for d in coll.find({"_id": {"$in": ids}, "purge_run": run_id},
                                        {"_id": 1})}
    late = [d["_id"] for d in batch if d["_id"] in mine and d["category"] in held]
    if late:
        coll.update_many({"_id": {"$in": late}, "purge_run": run_id},
                         {"$set": {"purge_run": None}})
        result.skipped_held += len(late)
    claimed = [d for d in batch if d["_id"] in mine and d["category"] not in held]
    for doc in claimed:
        doc["purge_run"] = run_id
    return claimed


def finish_interrupted(result: PurgeResult) -> None:
    """Finish the deletions and content removals a crashed run left half done."""
    left = ArchivedFile._get_collection().find({"purge_run": {"$ne": None}}, FIELDS)
    for batch in _batches(left):
        for doc in batch:
            doc["keep_until"] = _as_date(doc.get("keep_until"))
        finish_deletions(batch, result)
        result.resumed += len(batch)
    stuck = list(ArchiveContent._get_collection().find({"deleting": True},
                                                       {"grid_id": 1}))
    result.contents_deleted += _remove_contents(stuck)


def finish_deletions(docs: list[dict], result: PurgeResult) -> None:
    """Log, release the content of and delete claimed records (each step repeatable)."""
    if not docs:
        return
    _log(docs)
    result.contents_deleted += _release_contents(docs)
    ArchivedFile._get_collection().delete_many({"_id": {"$in": [d["_id"] for d in docs]}})
    _wrote()


def _log(docs: list[dict]) -> None:
    now = datetime.now(timezone.utc)
    entries = []
    for doc in docs:
        entry = DeletionLogEntry(
            file_id=doc["_id"], filename=doc["filename"], category=doc["category"],
            sha256=doc["sha256"], document_date=_as_date(doc["document_date"]),
            keep_until=_as_date(doc["keep_until"]), run_id=doc["purge_run"], deleted_at=now)
        entry.validate()
        entries.append(entry.to_mongo())
    try:
        DeletionLogEntry._get_collection().insert_many(entries, ordered=False)
    except BulkWriteError as exc:
        # Entries written before a crash stand; anything else is a real error.
        if any(e["code"] != DUPLICATE_KEY for e in exc.details["writeErrors"]):
            raise
    _wrote()


def _release_contents(docs: list[dict]) -> int:
    """Drop the records' references; remove contents left without any. Return removed."""
    by_sha = defaultdict(list)
    for doc in docs:
        by_sha[doc["sha256"]].append(doc["_id"])
    coll = ArchiveContent._get_collection()
    known = {c["_id"] for c in coll.find({"_id": {"$in": list(by_sha)}}, {"_id": 1})}
    legacy = [d for d in docs if d["sha256"] not in known]
    if known:
        coll.bulk_write([UpdateOne({"_id": sha}, {"$pullAll": {"refs": ids, "pending": ids}})
                         for sha, ids in by_sha.items() if sha in known], ordered=False)
        _wrote()
    removed = _remove_unreferenced(list(known))
    return removed + sum(_release_legacy(doc) for doc in legacy)


def _remove_unreferenced(shas: list[str]) -> int:
    if not shas:
        return 0
    coll = ArchiveContent._get_collection()
    coll.update_many({"_id": {"$in": shas}, "refs": {"$size": 0}},
                     {"$set": {"deleting": True}})
    _wrote()
    return _remove_contents(list(coll.find({"_id": {"$in": shas}, "deleting": True},
                                           {"grid_id": 1})))


def _remove_contents(contents: list[dict]) -> int:
    """Delete chunks, then files entries, then the content documents marked deleting."""
    if not contents:
        return 0
    db, grid_ids = me.get_db(), [c["grid_id"] for c in contents]
    db[f"{BUCKET}.chunks"].delete_many({"files_id": {"$in": grid_ids}})
    _wrote()
    db[f"{BUCKET}.files"].delete_many({"_id": {"$in": grid_ids}})
    _wrote()
    ArchiveContent._get_collection().delete_many(
        {"_id": {"$in": [c["_id"] for c in contents]}, "deleting": True})
    _wrote()
    return len(contents)


def _release_legacy(doc: dict) -> int:
    """Content stored before deduplication: delete it if no other record points to it."""
    grid_id = doc.get("content")
    if grid_id is None:
        return 0
    others = ArchivedFile._get_collection().count_documents(
        {"content": grid_id, "_id": {"$ne": doc["_id"]}}, limit=1)
    if others:
        return 0
    db = me.get_db()
    db[f"{BUCKET}.chunks"].delete_many({"files_id": grid_id})
    db[f"{BUCKET}.files"].delete_one({"_id": grid_id})
    _wrote()
    return 1


def sweep_pending(now: datetime | None = None) -> int:
    """Drop references of uploads that crashed before their record was saved."""
    now = now or datetime.now(timezone.utc)
    coll, swept, touched = ArchiveContent._get_collection(), 0, []
    for content in coll.find({"pending.0": {"$exists": True}}, {"pending": 1}):
        stale = [i for i in content["pending"] if i.generation_time <= now - PENDING_STALE]
        if not stale:
            continue  # may still be uploading
        saved = {d["_id"] for d in ArchivedFile._get_collection().find(
            {"_id": {"$in": stale}}, {"_id": 1})}
        lost = [i for i in stale if i not in saved]
        coll.update_one({"_id": content["_id"]},
                        {"$pullAll": {"pending": stale, "refs": lost}})
        swept += len(lost)
        touched.append(content["_id"])
    _remove_unreferenced(touched)
    return swept
