"""The retention cleanup: delete expired, non-held archived files and log each deletion.

Files go in batches, each with a constant number of bulk writes (on FerretDB every
filtered write is a scan, so per-file updates would make the cleanup quadratic). Within
a batch the writes happen in this order, so a crash between any two is finished by the
next run, never deletes a record without its log entry and leaves no orphaned chunks:
1. insert the batch document listing the files: the claim; then drop files a legal hold
   reached meanwhile (a hold set after this point is refused, see services.archive.holds);
2. insert the deletion-log entries (_id = file id; entries already there stand);
3. remove the references of contents shared with files that stay;
4. record in the batch document the contents that lose their last reference (SHA-256 and
   GridFS id), delete those content documents (guarded by their reference count, so an
   upload attaching meanwhile keeps its content), then their chunks and files entries;
5. delete the records, then mark the batch done.
Every run first finishes the open batches a crash left.
"""
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from itertools import islice

import mongoengine as me
from pymongo import ReturnDocument

from models.archive import (ArchiveContent, ArchivedFile, DeletionLogEntry, DocumentCategory,
                            PurgeBatch, RetentionRule)
from services.archive.store import BUCKET
from services.archive.retention import Rule, is_expired, keep_until

BATCH = 2000
PENDING_STALE = timedelta(hours=1)  # an upload unconfirmed this long has crashed
FIELDS = {"filename": 1, "category": 1, "sha256": 1, "document_date": 1, "keep_until": 1,
          "content": 1, "hold_reason": 1, "keep_until_min": 1}
SHORTENED_GRACE_DAYS = 30  # default of BACKOFFICE_RETENTION_GRACE_DAYS

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


def _batches(items: Iterable, size: int) -> Iterator[list]:
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


def open_batches() -> list[dict]:
    """The cleanup batches not yet finished (their files are being deleted)."""
    return list(PurgeBatch._get_collection().find({"done": False}))


def deletable_filter(today: date, grace_days: int = SHORTENED_GRACE_DAYS) -> dict:
    """The conditions a record must meet in the database to be deleted today.

    Expired, also by its lawful floor, and not shortened within the grace period
    unless an admin released it.
    """
    cutoff = datetime(today.year, today.month, today.day, tzinfo=timezone.utc)
    recent = cutoff - timedelta(days=grace_days)
    return {"keep_until": {"$lt": cutoff},
            "$and": [{"$or": [{"keep_until_min": None}, {"keep_until_min": {"$lt": cutoff}}]},
                     {"$or": [{"keep_until_shortened_at": None},
                              {"keep_until_shortened_at": {"$lt": recent}},
                              {"deletion_released_at": {"$ne": None}}]}]}


def expired_candidates(today: date, grace_days: int = SHORTENED_GRACE_DAYS) -> Iterator[dict]:
    """Yield the raw records that may be deleted today (expired, not held)."""
    held, rules = held_categories(), current_rules()
    cursor = ArchivedFile._get_collection().find(
        deletable_filter(today, grace_days), FIELDS, batch_size=BATCH)
    for doc in cursor:
        if doc.get("hold_reason") or doc["category"] in held:
            continue
        # Recompute from the current rule: a stale stored date must never delete early,
        # nor one below the floor fixed at filing (a backdated document date).
        rule = rules.get(doc["category"])
        current = keep_until(rule, _as_date(doc["document_date"])) if rule else None
        floor = _as_date(doc.get("keep_until_min"))
        if current is not None and floor is not None:
            current = max(current, floor)
        if is_expired(current, today):
            doc["keep_until"] = current
            yield doc


def purge_expired_files(run_id: str, today: date, dry_run: bool = False,
                        batch_size: int = BATCH,
                        grace_days: int = SHORTENED_GRACE_DAYS) -> PurgeResult:
    """Delete every expired, non-held archived file (or list them when dry_run)."""
    result = PurgeResult()
    if dry_run:
        result.would_delete = [_describe(doc) for doc in expired_candidates(today, grace_days)]
        return result
    finish_interrupted(result)
    result.swept_uploads = sweep_pending()
    # Streamed: memory stays flat however many files expire (deleted ones simply do not
    # come back from the cursor).
    for number, batch in enumerate(_batches(expired_candidates(today, grace_days), batch_size)):
        batch_id = f"{run_id}#{number}"
        docs = _claim(batch_id, run_id, batch, result, deletable_filter(today, grace_days))
        _finish_batch(batch_id, run_id, docs, [], result)
        result.deleted += len(docs)
    return result


def _describe(doc: dict) -> dict:
    return {"id": str(doc["_id"]), "filename": doc["filename"], "category": doc["category"],
            "document_date": _as_date(doc["document_date"]), "keep_until": doc["keep_until"]}


def _claim(batch_id: str, run_id: str, batch: list[dict], result: PurgeResult,
           deletable: dict) -> list[dict]:
    """Insert the batch document, then drop the files a hold or an edit reached meanwhile.

    After the claim, metadata edits and holds are refused (services.archive.holds.being_deleted);
    what changed before it is seen here, as the database has it now.
    """
    coll = PurgeBatch._get_collection()
    ids = [d["_id"] for d in batch]
    coll.insert_one({"_id": batch_id, "run_id": run_id, "ids": ids,
                     "doomed": [], "done": False, "created_at": datetime.now(timezone.utc)})
    _wrote()
    held_cats = held_categories()
    still = {d["_id"]: d for d in ArchivedFile._get_collection().find(
        {"_id": {"$in": ids}, **deletable}, {"hold_reason": 1, "category": 1,
                                             "document_date": 1})}
    held = {i for i, d in still.items() if d.get("hold_reason")}
    held |= {d["_id"] for d in batch if d["category"] in held_cats}
    # gone from the deletable set, or re-dated / re-filed since it was read: it stays
    held |= {d["_id"] for d in batch if d["_id"] not in still
             or still[d["_id"]]["category"] != d["category"]
             or still[d["_id"]]["document_date"] != d["document_date"]}
    if held:
        coll.update_one({"_id": batch_id}, {"$pullAll": {"ids": list(held)}})
        result.skipped_held += len(held)
    return [d for d in batch if d["_id"] not in held]


def finish_interrupted(result: PurgeResult) -> None:
    """Finish the batches and content removals a crashed run left half done."""
    for batch in open_batches():
        docs = list(ArchivedFile._get_collection().find({"_id": {"$in": batch["ids"]}},
                                                        FIELDS))
        for doc in docs:
            doc["keep_until"] = _as_date(doc.get("keep_until"))
        docs = _drop_unlogged_held(batch["_id"], docs, result)
        _finish_batch(batch["_id"], batch["run_id"], docs, batch.get("doomed", []), result)
        result.resumed += len(docs)
    stuck = list(ArchiveContent._get_collection().find({"deleting": True}, {"grid_id": 1}))
    result.contents_deleted += _remove_marked(stuck)


def _drop_unlogged_held(batch_id: str, docs: list[dict], result: PurgeResult) -> list[dict]:
    """A crash before the hold check: honour holds, unless the deletion is already logged."""
    held_cats = held_categories()
    held = {d["_id"] for d in docs if d.get("hold_reason") or d["category"] in held_cats}
    if not held:
        return docs
    logged = {e["_id"] for e in DeletionLogEntry._get_collection().find(
        {"_id": {"$in": list(held)}}, {"_id": 1})}
    keep = held - logged
    if keep:
        PurgeBatch._get_collection().update_one({"_id": batch_id},
                                                {"$pullAll": {"ids": list(keep)}})
        result.skipped_held += len(keep)
    return [d for d in docs if d["_id"] not in keep]


def _finish_batch(batch_id: str, run_id: str, docs: list[dict], doomed: list[dict],
                  result: PurgeResult) -> None:
    """Log, release the contents of and delete a claimed batch (each step repeatable)."""
    if docs:
        _log(docs, run_id)
        result.contents_deleted += _release_contents(batch_id, docs, doomed)
        ArchivedFile._get_collection().delete_many(
            {"_id": {"$in": [d["_id"] for d in docs]}})
        _wrote()
    elif doomed:
        result.contents_deleted += _remove_doomed(doomed, {})
    PurgeBatch._get_collection().update_one({"_id": batch_id}, {"$set": {"done": True}})
    _wrote()


def _log(docs: list[dict], run_id: str) -> None:
    coll, now = DeletionLogEntry._get_collection(), datetime.now(timezone.utc)
    written = {e["_id"] for e in coll.find({"_id": {"$in": [d["_id"] for d in docs]}},
                                           {"_id": 1})}  # before a crash: they stand
    entries = []
    for doc in docs:
        if doc["_id"] in written:
            continue
        entry = DeletionLogEntry(
            file_id=doc["_id"], filename=doc["filename"], category=doc["category"],
            sha256=doc["sha256"], document_date=_as_date(doc["document_date"]),
            keep_until=_as_date(doc["keep_until"]), run_id=run_id, deleted_at=now)
        entry.validate()
        entries.append(entry.to_mongo())
    if entries:
        coll.insert_many(entries)
        _wrote()


def _release_contents(batch_id: str, docs: list[dict], doomed_before: list[dict]) -> int:
    """Drop the batch's references; remove contents left without any. Return removed."""
    by_sha = defaultdict(set)
    for doc in docs:
        by_sha[doc["sha256"]].add(doc["_id"])
    coll = ArchiveContent._get_collection()
    contents = {c["_id"]: c for c in coll.find({"_id": {"$in": list(by_sha)}},
                                               {"refs": 1, "grid_id": 1})}
    doomed = []
    for sha, content in contents.items():
        refs = set(content.get("refs") or ())
        if refs <= by_sha[sha]:
            doomed.append({"sha": sha, "grid_id": content["grid_id"], "refs": len(refs)})
        else:  # shared with files that stay: only drop these references (rare)
            _pull_refs(sha, by_sha[sha])
    if doomed:
        PurgeBatch._get_collection().update_one(
            {"_id": batch_id}, {"$push": {"doomed": {"$each": doomed}}})
        _wrote()
        for count in {d["refs"] for d in doomed}:
            coll.delete_many({"_id": {"$in": [d["sha"] for d in doomed if d["refs"] == count]},
                              "refs": {"$size": count}})
            _wrote()
    known = _content_files(contents, doomed_before + doomed)  # sha -> its GridFS file
    removed = _remove_doomed(doomed_before + doomed, by_sha)
    legacy = [d for d in docs if d.get("content") != known.get(d["sha256"])]
    return removed + sum(_release_legacy(doc) for doc in legacy)


def _pull_refs(sha: str, ids: set) -> None:
    ArchiveContent._get_collection().update_one(
        {"_id": sha}, {"$pullAll": {"refs": list(ids), "pending": list(ids)}})
    _wrote()


def _remove_doomed(doomed: list[dict], by_sha: dict) -> int:
    """Delete the GridFS files of doomed contents whose document is gone."""
    if not doomed:
        return 0
    still = {c["_id"]: c["grid_id"] for c in ArchiveContent._get_collection().find(
        {"_id": {"$in": [d["sha"] for d in doomed]}}, {"grid_id": 1})}
    gone = [d["grid_id"] for d in doomed if still.get(d["sha"]) != d["grid_id"]]
    for d in doomed:
        if still.get(d["sha"]) == d["grid_id"] and d["sha"] in by_sha:
            _pull_refs(d["sha"], by_sha[d["sha"]])  # an upload attached meanwhile: it stays
    if gone:
        db = me.get_db()
        db[f"{BUCKET}.chunks"].delete_many({"files_id": {"$in": gone}})
        _wrote()
        db[f"{BUCKET}.files"].delete_many({"_id": {"$in": gone}})
        _wrote()
    return len(gone)


def _remove_marked(contents: list[dict]) -> int:
    """Delete chunks, files entries, then content documents marked `deleting`."""
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
    coll, swept = ArchiveContent._get_collection(), 0
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
        marked = coll.find_one_and_update(
            {"_id": content["_id"], "refs": {"$size": 0}}, {"$set": {"deleting": True}},
            return_document=ReturnDocument.AFTER)
        if marked:
            _remove_marked([marked])
    return swept


def _content_files(contents: dict, doomed: list[dict]) -> dict:
    """SHA-256 -> the GridFS file of its content document (stored, or doomed by this batch).

    A record pointing to another file was filed before deduplication and owns that file,
    even when the same bytes were archived again later (then a content document exists).
    """
    files = {d["sha"]: d["grid_id"] for d in doomed}
    files.update((sha, content["grid_id"]) for sha, content in contents.items())
    return files
