"""Backup and restore against the raw driver doing the same reads and writes.

Starts its own embedded database, stores `employees` employees and `files` archived
files of 200 kB, then times: `create_backup` (SQLite snapshot, private server, gzip'd
BSON parts, manifest) against pymongo reading every collection of the live database and
gzip-writing it to one file; `restore_backup` (verify all parts first, insert, indexes)
against pymongo inserting the same raw documents. Usage:
    .venv/bin/python bench/bench_backup.py [employees] [files]
"""
import gzip
import io
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import database  # noqa: E402


def main(employees: int = 5000, files: int = 20) -> None:
    from bson.codec_options import CodecOptions
    from bson.raw_bson import RawBSONDocument
    import mongoengine as me

    from app import create_app
    from models import ensure_indexes
    from seeds.reference import seed_reference
    from services.archive.store import archive_file
    from services.backup.create import create_backup
    from services.backup.restore import restore_backup
    from tests.factories import make_employee

    uri, stop = database("bo-bench-backup-")
    work = Path(tempfile.mkdtemp(prefix="bo-bench-out-"))
    try:
        app = create_app({"TESTING": True, "MONGODB_URI": uri, "MONGODB_DB": "bench",
                          "DATA_DIR": work})
        with app.app_context():
            ensure_indexes()
            seed_reference()
            for n in range(employees):
                make_employee(personnel_no=f"B{n:06d}", last_name=f"Name{n}")
            for n in range(files):
                body = b"%PDF-1.4\n" + os.urandom(200_000) + b"\n%%EOF\n"
                archive_file(io.BytesIO(body), f"f{n}.pdf", category="invoice",
                             document_date=date(2026, 1, 2), uploaded_by="bench",
                             max_bytes=10**8)
            db = me.get_db()
            docs = sum(db[c].estimated_document_count() for c in db.list_collection_names())
            t0 = time.perf_counter()
            result = create_backup(uri, "bench", work / "ours")
            ours = time.perf_counter() - t0

            raw_opts = CodecOptions(document_class=RawBSONDocument)
            t0 = time.perf_counter()
            dump = {}
            with gzip.open(work / "raw.bson.gz", "wb", compresslevel=6) as out:
                for name in sorted(db.list_collection_names()):
                    rows = list(db.get_collection(name, codec_options=raw_opts).find()
                                .sort("_id", 1))
                    dump[name] = rows
                    for doc in rows:
                        out.write(doc.raw)
            raw = time.perf_counter() - t0

            client = me.get_connection()
            t0 = time.perf_counter()
            restore_backup(result.path, client["bench_restore_ours"], None)
            ours_restore = time.perf_counter() - t0
            target = client["bench_restore_raw"]
            t0 = time.perf_counter()
            for name, rows in dump.items():
                for i in range(0, len(rows), 500):
                    target[name].insert_many(rows[i:i + 500], ordered=True)
            raw_restore = time.perf_counter() - t0
        size = result.size / 2**20
        print(f"documents={docs} employees={employees} archived files={files} x 200 kB "
              f"backup file={size:.1f} MB method={result.manifest['method']}")
        print(f"backup:  create_backup {ours:.2f} s  raw pymongo dump {raw:.2f} s  "
              f"ratio {ours / raw:.2f} x")
        print(f"restore: restore_backup {ours_restore:.2f} s  raw insert_many "
              f"{raw_restore:.2f} s  ratio {ours_restore / raw_restore:.2f} x")
    finally:
        stop()
        import shutil
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
