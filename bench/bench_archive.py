"""Time the retention cleanup and archive upload/download against the raw driver.

Run from the project root:  .venv/bin/python bench/bench_archive.py [records] [upload_mb]
Not part of the test run. Starts its own embedded database on a free port (or uses
MONGODB_URI). The cleanup deletes 10 % of `records` archived files (small contents) and
is compared with raw pymongo deleting the same records, files entries and chunks; it runs
at records/5 too, so the peak memory shows whether it stays flat as the archive grows.
"""
import hashlib
import io
import os
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import database  # noqa: E402

import gridfs  # noqa: E402
import mongoengine as me  # noqa: E402
from bson import ObjectId  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2027, 1, 1)
EXPIRED_DATE = datetime(2026, 1, 10, tzinfo=timezone.utc)  # applicant file: gone 2026-07-11
KEPT_DATE = datetime(2026, 12, 1, tzinfo=timezone.utc)
BATCH = 2000


def make_app(uri: str, name: str):
    from app import create_app
    from seeds.reference import seed_reference

    app = create_app({"TESTING": True, "MONGODB_URI": uri, "MONGODB_DB": name,
                      "DATA_DIR": Path(tempfile.mkdtemp(prefix="bench-data-"))})
    with app.app_context():
        seed_reference()
    return app


def fill(records: int) -> None:
    """Insert records with one small content each (10 % expired) the way uploads store them."""
    db = me.get_db()
    for start in range(0, records, BATCH):
        contents, files, chunks, docs = [], [], [], []
        for n in range(start, min(start + BATCH, records)):
            data = f"%PDF-1.4 Beleg {n}".encode()
            sha, rid, gid = hashlib.sha256(data).hexdigest(), ObjectId(), ObjectId()
            expired = n % 10 == 0
            contents.append({"_id": sha, "grid_id": gid, "size": len(data),
                             "content_type": "application/pdf", "refs": [rid], "pending": [],
                             "stored": True, "deleting": False})
            files.append({"_id": gid, "length": len(data), "chunkSize": 261120,
                          "filename": f"Beleg {n}.pdf", "uploadDate": datetime.now(timezone.utc)})
            chunks.append({"files_id": gid, "n": 0, "data": data})
            day = EXPIRED_DATE if expired else KEPT_DATE
            docs.append({"_id": rid, "content": gid, "filename": f"Beleg {n}.pdf",
                         "content_type": "application/pdf", "size": len(data), "sha256": sha,
                         "category": "application", "document_date": day,
                         "keep_until": datetime(2026, 7, 10) if expired else datetime(2027, 6, 1),
                         "uploaded_by": "bench", "uploaded_at": datetime.now(timezone.utc)})
        db["archive_contents"].insert_many(contents)
        db["archive.files"].insert_many(files)
        db["archive.chunks"].insert_many(chunks)
        db["archived_files"].insert_many(docs)


def raw_delete() -> int:
    """The floor: raw pymongo deletes the same expired records, files and chunks."""
    db, deleted = me.get_db(), 0
    cutoff = datetime(TODAY.year, TODAY.month, TODAY.day)
    cursor = db["archived_files"].find({"keep_until": {"$lt": cutoff}},
                                       {"content": 1, "sha256": 1}, batch_size=BATCH)
    batch = []
    for doc in cursor:
        batch.append(doc)
        if len(batch) == BATCH:
            deleted += _raw_batch(db, batch)
            batch = []
    return deleted + (_raw_batch(db, batch) if batch else 0)


def _raw_batch(db, batch) -> int:
    grid_ids = [d["content"] for d in batch]
    db["archive.chunks"].delete_many({"files_id": {"$in": grid_ids}})
    db["archive.files"].delete_many({"_id": {"$in": grid_ids}})
    db["archive_contents"].delete_many({"_id": {"$in": [d["sha256"] for d in batch]}})
    db["archived_files"].delete_many({"_id": {"$in": [d["_id"] for d in batch]}})
    return len(batch)


def cleanup() -> int:
    from services.archive.purge import purge_expired_files

    return purge_expired_files("bench", today=TODAY).deleted


def measure(uri: str, records: int, function, label: str) -> tuple[float, int, int]:
    app = make_app(uri, f"bench_{label}_{records}_{ObjectId()}")
    with app.app_context():
        fill(records)
        tracemalloc.start()
        start = time.perf_counter()
        deleted = function()
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        left = me.get_db()["archive.chunks"].count_documents({})
        assert deleted == records // 10 and left == records - deleted, (deleted, left)
        me.get_connection().drop_database(me.get_db().name)
    return elapsed, peak, deleted


def upload_download(uri: str, megabytes: int) -> None:
    from services.archive.store import archive_file

    data = b"%PDF-1.4\n" + os.urandom(megabytes * 1024 * 1024 - 9)
    app = make_app(uri, f"bench_io_{ObjectId()}")
    with app.app_context():
        start = time.perf_counter()
        record = archive_file(io.BytesIO(data), "gross.pdf", category="letter",
                              document_date=date(2026, 1, 1), uploaded_by="bench",
                              max_bytes=len(data) + 1)
        ours_up = time.perf_counter() - start
        raw = gridfs.GridFS(me.get_db(), collection="raw")
        start = time.perf_counter()
        raw_id = raw.put(io.BytesIO(data), filename="gross.pdf")
        raw_up = time.perf_counter() - start
        start = time.perf_counter()
        content, got = record.content.get(), 0
        while chunk := content.readchunk():  # what the download view streams
            got += len(chunk)
        ours_down = time.perf_counter() - start
        start = time.perf_counter()
        raw_got = len(raw.get(raw_id).read())
        raw_down = time.perf_counter() - start
        assert got == raw_got == len(data)
        me.get_connection().drop_database(me.get_db().name)
    mb = megabytes
    print(f"upload {mb} MB:   archive_file {mb / ours_up:7.1f} MB/s   raw GridFS put "
          f"{mb / raw_up:7.1f} MB/s   ratio {ours_up / raw_up:.2f} x")
    print(f"download {mb} MB: streamed     {mb / ours_down:7.1f} MB/s   raw GridFS get "
          f"{mb / raw_down:7.1f} MB/s   ratio {ours_down / raw_down:.2f} x")


def main() -> None:
    """Print cleanup time and peak memory vs raw pymongo, and upload/download throughput."""
    records = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    megabytes = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    uri, stop = database("bench-archive-")
    try:
        for size in (records // 5, records):
            ours, ours_peak, deleted = measure(uri, size, cleanup, "ours")
            raw, raw_peak, _ = measure(uri, size, raw_delete, "raw")
            print(f"{size:>7,} records, {deleted:,} expired: purge_expired_files {ours:6.2f} s "
                  f"(peak {ours_peak / 1e6:5.2f} MB)   raw pymongo {raw:6.2f} s "
                  f"(peak {raw_peak / 1e6:5.2f} MB)   ratio {ours / raw:.2f} x")
        upload_download(uri, megabytes)
    finally:
        stop()


if __name__ == "__main__":
    main()
