"""Filing documents into the archive: each content is stored once per SHA-256.

Write order (a crash between any two steps loses nothing and leaks nothing for long):
1. claim the content document (upsert keyed by SHA-256) and add the new record's id to
   `refs` and `pending`; the first claimant becomes the writer of the GridFS file;
2. the writer streams the GridFS file under the pre-chosen id and sets `stored`;
3. the record is inserted under its pre-chosen id;
4. its id leaves `pending`.
A record id left in `pending` by a crash is swept by the cleanup job
(`services.archive.purge.sweep_pending`); the content goes once no record needs it.
"""
import hashlib
import io
from datetime import date, datetime, timedelta, timezone

import gridfs
import mongoengine as me
from bson import ObjectId
from mongoengine.fields import GridFSProxy
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from models.archive import ArchiveContent, ArchivedFile, DocumentCategory
from services.archive.retention_rules import keep_until_for
from services.archive.upload import ArchiveError, Sniffed, filename_for, read_upload, safe_filename

BUCKET = "archive"
WRITER_STALE = timedelta(minutes=30)  # a writer silent this long is taken over


def grid() -> gridfs.GridFS:
    """Return the GridFS bucket that holds archived content."""
    return gridfs.GridFS(me.get_db(), collection=BUCKET)


def archive_file(stream, filename: str, *, category: str, document_date: date,
                 uploaded_by: str, max_bytes: int, description: str | None = None,
                 record_id: ObjectId | None = None) -> ArchivedFile:
    """Store an upload (deduplicated by SHA-256) and create its archive record."""
    name = safe_filename(filename)
    cat = DocumentCategory.objects(pk=category).first()
    if cat is None:
        codes = ", ".join(sorted(c.pk for c in DocumentCategory.objects.only("pk")))
        raise ArchiveError(f"there is no document category {category!r}; use one of: {codes}")
    if not isinstance(document_date, date):
        raise ArchiveError("the document date is missing")
    sniffed = read_upload(stream, name, max_bytes)
    name = filename_for(name, sniffed.content_type)
    try:
        record_id = record_id or ObjectId()
        content = store_content(sniffed, name, record_id)
        record = ArchivedFile(
            id=record_id, filename=name, content_type=sniffed.content_type,
            size=sniffed.size, sha256=sniffed.sha256, category=cat,
            document_date=document_date, description=description or None,
            uploaded_by=uploaded_by, keep_until=keep_until_for(cat.pk, document_date))
        record.keep_until_min = record.keep_until  # the lawful floor: never shortened silently
        record.content = GridFSProxy(content.grid_id, collection_name=BUCKET)
        record.save(force_insert=True)
        confirm_record(sniffed.sha256, record_id)
        return record
    finally:
        sniffed.file.close()


def store_content(sniffed: Sniffed, filename: str, record_id: ObjectId) -> ArchiveContent:
    """Reference existing identical content, or write it once; return its content document."""
    doc = _claim(sniffed, record_id)
    if not doc.get("stored"):
        if doc.get("writer") != record_id:
            doc = _take_over_if_stale(doc, record_id)
        _write_grid_file(sniffed.sha256, doc["grid_id"], sniffed, filename)
        ArchiveContent._get_collection().update_one(
            {"_id": sniffed.sha256}, {"$set": {"stored": True}})
        doc["stored"] = True
    return ArchiveContent._from_son(doc)


def _claim(sniffed: Sniffed, record_id: ObjectId) -> dict:
    coll = ArchiveContent._get_collection()
    now = datetime.now(timezone.utc)
    try:
        return coll.find_one_and_update(
            {"_id": sniffed.sha256, "deleting": {"$ne": True}},
            {"$setOnInsert": {"grid_id": ObjectId(), "size": sniffed.size,
                              "content_type": sniffed.content_type, "writer": record_id,
                              "stored": False, "deleting": False, "write_attempts": 0,
                              "created_at": now},
             "$addToSet": {"refs": record_id, "pending": record_id}},
            upsert=True, return_document=ReturnDocument.AFTER)
    except DuplicateKeyError:
        raise ArchiveError(
            "an identical file is being removed by the retention cleanup right now; "
            "upload it again in a minute") from None


def _take_over_if_stale(doc: dict, record_id: ObjectId) -> dict:
    """Become the writer if the previous one has gone quiet, else ask to retry."""
    writer = doc.get("writer")
    if writer and writer.generation_time > datetime.now(timezone.utc) - WRITER_STALE:
        ArchiveContent._get_collection().update_one(
            {"_id": doc["_id"]}, {"$pull": {"refs": record_id, "pending": record_id}})
        raise ArchiveError("the same file is being uploaded right now; "
                           "try again in a minute")
    taken = ArchiveContent._get_collection().find_one_and_update(
        {"_id": doc["_id"], "writer": writer, "stored": False},
        {"$set": {"writer": record_id}}, return_document=ReturnDocument.AFTER)
    if taken is None:
        return _reload_stored(doc["_id"])
    return taken


def _reload_stored(sha256: str) -> dict:
    doc = ArchiveContent._get_collection().find_one({"_id": sha256})
    if not doc or not doc.get("stored"):
        raise ArchiveError("the same file is being uploaded right now; try again in a minute")
    return doc


def _write_grid_file(sha256: str, grid_id: ObjectId, sniffed: Sniffed, filename: str) -> None:
    """Write the GridFS file under its chosen id, replacing a partial one from a crash.

    Each attempt is counted first; only when an earlier attempt may have left chunks
    are they removed. (Chunks are found by `files_id`, which FerretDB answers with a
    scan of every stored chunk: doing that on each upload made issuing slower the
    more documents the archive held.)
    """
    before = ArchiveContent._get_collection().find_one_and_update(
        {"_id": sha256}, {"$inc": {"write_attempts": 1}})  # no projection: FerretDB lacks it
    if before is None or before.get("write_attempts", 1):  # no count: stored before counting
        remove_grid_file(grid_id)
    sniffed.file.seek(0)
    grid().put(sniffed.file, _id=grid_id, filename=filename,
               content_type=sniffed.content_type)


def remove_grid_file(grid_id: ObjectId) -> None:
    """Delete a GridFS file's chunks, then its files entry (also a partial one)."""
    db = me.get_db()
    db[f"{BUCKET}.chunks"].delete_many({"files_id": grid_id})
    db[f"{BUCKET}.files"].delete_one({"_id": grid_id})


def confirm_record(sha256: str, record_id: ObjectId) -> None:
    """Mark a record's reference as confirmed (its document exists)."""
    ArchiveContent._get_collection().update_one(
        {"_id": sha256}, {"$pull": {"pending": record_id}})


def store_generated(data: bytes, filename: str, content_type: str, document_date: date,
                    user: str, *, key: str, category: str = "invoice") -> ArchivedFile:
    """Archive generated bytes once per key; a repeated call returns the first stored file.

    The record id is derived from the key, so a retry after a crash finds (or completes)
    the same record instead of filing the document twice.
    """
    record_id = ObjectId(hashlib.sha256(key.encode()).digest()[:12])
    existing = ArchivedFile.objects(pk=record_id).first()
    if existing is not None:
        return existing
    try:
        return archive_file(io.BytesIO(data), filename, category=category,
                            document_date=document_date, uploaded_by=user,
                            max_bytes=max(len(data), 1), description=f"[{key}]",
                            record_id=record_id)
    except (DuplicateKeyError, me.NotUniqueError):
        # A parallel call filed the same key first: keep its record, and drop the
        # reference this call may have added to different content.
        winner = ArchivedFile.objects.get(pk=record_id)
        mine = hashlib.sha256(data).hexdigest()
        if mine != winner.sha256:
            ArchiveContent._get_collection().update_one(
                {"_id": mine}, {"$pull": {"refs": record_id, "pending": record_id}})
        else:
            confirm_record(mine, record_id)
        return winner


def read_file(file_id) -> bytes:
    """Return the stored bytes of an archived file."""
    return ArchivedFile.objects.get(pk=file_id).content.get().read()
