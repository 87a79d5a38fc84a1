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


def archive_many(items: list[dict], *, category: str, uploaded_by: str,
                 max_bytes: int) -> dict:
    """Archive several files with a few round trips per batch instead of ~10 per file.

    Each item: data (bytes), filename, document_date, description, record_id (pre-chosen,
    so a repeat after a crash finds the same record). The write order of `archive_file`
    is kept for the whole batch: claim every content, write the GridFS files of the
    contents this batch is the writer of (chunks, then their files entries), mark them
    stored, insert the records, confirm them. Returns {record_id: ArchivedFile or
    ArchiveError}; a record that exists already is returned as it is. Contents shared
    with a writer elsewhere, or left half-written by a crash, take the single-file path.
    """
    results: dict = {}
    if not items:
        return results
    cat = DocumentCategory.objects(pk=category).first()
    if cat is None:
        raise ArchiveError(f"there is no document category {category!r}")
    ids = [item["record_id"] for item in items]
    for record in ArchivedFile.objects(pk__in=ids):
        results[record.pk] = record
    todo, sniffed = [], {}
    for item in items:
        rid = item["record_id"]
        if rid in results or rid in sniffed:
            continue
        try:
            sniff = read_upload(io.BytesIO(item["data"]), safe_filename(item["filename"]), max_bytes)
        except ArchiveError as exc:
            results[rid] = exc
            continue
        if any(sniffed[o["record_id"]].sha256 == sniff.sha256 for o in todo):
            sniff.file.close()  # same content twice in one batch: the single-file path
            results[rid] = None
            continue
        sniffed[rid] = sniff
        todo.append(item)
    try:
        _archive_many(todo, sniffed, cat, uploaded_by, results)
    finally:
        for sniff in sniffed.values():
            sniff.file.close()
    for item in items:  # repeats of one content within the batch
        if results.get(item["record_id"]) is None:
            try:
                results[item["record_id"]] = archive_file(
                    io.BytesIO(item["data"]), item["filename"], category=category,
                    document_date=item["document_date"], uploaded_by=uploaded_by,
                    max_bytes=max_bytes, description=item.get("description"),
                    record_id=item["record_id"])
            except ArchiveError as exc:
                results[item["record_id"]] = exc
    return results


def _archive_many(todo, sniffed, cat, uploaded_by, results) -> None:
    from pymongo import UpdateOne
    from pymongo.errors import BulkWriteError

    if not todo:
        return
    coll = ArchiveContent._get_collection()
    now = datetime.now(timezone.utc)
    claims = [UpdateOne({"_id": sniffed[it["record_id"]].sha256, "deleting": {"$ne": True}},
                        {"$setOnInsert": {"grid_id": ObjectId(), "size": sniffed[it["record_id"]].size,
                                          "content_type": sniffed[it["record_id"]].content_type,
                                          "writer": it["record_id"], "stored": False,
                                          "deleting": False, "write_attempts": 0,
                                          "created_at": now},
                         "$addToSet": {"refs": it["record_id"], "pending": it["record_id"]}},
                        upsert=True) for it in todo]
    try:
        _bulk_write(coll, claims)
    except BulkWriteError as exc:  # content being removed by the cleanup right now
        for error in exc.details.get("writeErrors", []):
            rid = todo[error["index"]]["record_id"]
            results[rid] = ArchiveError("an identical file is being removed by the retention "
                                        "cleanup right now; upload it again in a minute")
        todo = [it for it in todo if it["record_id"] not in results]
    docs = {doc["_id"]: doc for doc in coll.find({"_id": {"$in": [sniffed[it["record_id"]].sha256
                                                                    for it in todo]}})}
    mine, contents = [], {}
    for it in todo:
        rid = it["record_id"]
        sniff = sniffed[rid]
        doc = docs.get(sniff.sha256)
        if doc is None or rid not in (doc.get("refs") or []):
            results[rid] = None  # claimed and gone meanwhile: the single-file path
            continue
        if doc.get("stored"):
            contents[rid] = doc
        elif doc.get("writer") == rid and not doc.get("write_attempts"):
            mine.append((it, doc))
        else:  # another writer, or a crashed attempt of ours: the careful single-file path
            try:
                contents[rid] = store_content(sniff, filename_for(safe_filename(it["filename"]),
                                                                  sniff.content_type), rid).to_mongo()
            except ArchiveError as exc:
                results[rid] = exc
    if mine:
        _bulk_write(coll, [UpdateOne({"_id": doc["_id"]}, {"$inc": {"write_attempts": 1}})
                           for _, doc in mine])
        _put_grid_files([(doc["grid_id"], sniffed[it["record_id"]],
                          filename_for(safe_filename(it["filename"]),
                                       sniffed[it["record_id"]].content_type))
                         for it, doc in mine])
        coll.update_many({"_id": {"$in": [doc["_id"] for _, doc in mine]}},
                         {"$set": {"stored": True}})
        contents.update({it["record_id"]: doc for it, doc in mine})
    keep = {}
    records = []
    for it in todo:
        rid = it["record_id"]
        if rid not in contents:
            continue
        sniff, day = sniffed[rid], it["document_date"]
        if day not in keep:
            keep[day] = keep_until_for(cat.pk, day)
        record = ArchivedFile(
            id=rid, filename=filename_for(safe_filename(it["filename"]), sniff.content_type),
            content_type=sniff.content_type, size=sniff.size, sha256=sniff.sha256, category=cat,
            document_date=day, description=it.get("description") or None,
            uploaded_by=uploaded_by, keep_until=keep[day])
        record.keep_until_min = record.keep_until
        record.content = GridFSProxy(contents[rid]["grid_id"], collection_name=BUCKET)
        record.validate()
        records.append(record)
    if records:
        try:
            ArchivedFile._get_collection().insert_many([r.to_mongo() for r in records],
                                                       ordered=False)
        except BulkWriteError as exc:  # a parallel import inserted the same record first
            if any(e.get("code") != 11000 for e in exc.details.get("writeErrors", [])):
                raise
        _bulk_write(coll, [UpdateOne({"_id": r.sha256}, {"$pull": {"pending": r.pk}})
                           for r in records])
        for r in records:
            r._created = False
            results[r.pk] = r


BULK_SLICE = 50  # updates per command: the embedded database stalls on 100 or more


def _bulk_write(coll, ops) -> None:
    """Unordered bulk writes in slices; a BulkWriteError's indexes refer to `ops`."""
    from pymongo.errors import BulkWriteError

    errors = []
    for start in range(0, len(ops), BULK_SLICE):
        try:
            coll.bulk_write(ops[start:start + BULK_SLICE], ordered=False)
        except BulkWriteError as exc:
            errors += [{**e, "index": e["index"] + start} for e in exc.details.get("writeErrors", [])]
    if errors:
        raise BulkWriteError({"writeErrors": errors})


def _put_grid_files(files) -> None:
    """Write several GridFS files as `GridFS.put` lays them out: chunks first, then entries."""
    from bson.binary import Binary

    db = me.get_db()
    chunk_size = 255 * 1024
    chunks, entries = [], []
    now = datetime.now(timezone.utc)
    for grid_id, sniff, filename in files:
        data = sniff.data
        for n, start in enumerate(range(0, len(data), chunk_size)):
            chunks.append({"files_id": grid_id, "n": n,
                           "data": Binary(data[start:start + chunk_size])})
        entries.append({"_id": grid_id, "filename": filename, "contentType": sniff.content_type,
                        "chunkSize": chunk_size, "length": len(data), "uploadDate": now})
    for start in range(0, len(chunks), 200):  # keep each insert well below the size limit
        db[f"{BUCKET}.chunks"].insert_many(chunks[start:start + 200], ordered=True)
    db[f"{BUCKET}.files"].insert_many(entries, ordered=True)
