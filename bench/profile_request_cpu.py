"""CPU per request of the load test's six list pages, split into the app and the database.

    .venv/bin/python bench/profile_request_cpu.py --rows 100000

Fills a fresh embedded database like `bench_load.py --rows N` (six collections of N
documents), then asks each request kind of the load test (first page, page 100, a search,
a detail page) on every list `--repeat` times through the app in this process, single user,
and prints per kind the app's CPU (`time.process_time`), the embedded database process's
CPU (from /proc) and the wall time, per request. Raw-driver figures for the same data are
in `bench_volume.py`; this splits the panel's own cost for the load test in BENCHMARKS.md.
"""
import argparse
import os
import shutil
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_load import VOLUME_PAGES  # noqa: E402
from bench.common import embedded_server  # noqa: E402


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    db = embedded_server("bench-cpu-")
    uri = db.start()
    os.environ.update({"BACKOFFICE_ENV": "development", "MONGODB_URI": uri,
                       "SECRET_KEY": "bench-secret-key-0123456789"})
    try:
        from app import create_app
        from bench.bench_volume import fill_panel
        from models import AuditEntry, Employee, JournalEntry, StockMovement
        from models.archive import ArchivedFile
        from models.invoice import Invoice
        from tests.factories import PASSWORD, make_user

        app = create_app({"MONGODB_URI": uri, "MONGODB_DB": "bench_cpu",
                          "BACKOFFICE_DATA_DIR": str(db.data_dir)})
        app.config["WTF_CSRF_ENABLED"] = False
        fill_panel(app, args.rows, (Employee, JournalEntry, Invoice, StockMovement,
                                    AuditEntry, ArchivedFile))
        with app.app_context():
            make_user("admin", email="cpu@bench.example.com")
            raw = Employee._get_db()
            ids = {coll: str(raw[coll].find_one({}, {"_id": 1}, skip=args.rows // 2)["_id"])
                   for _, _, _, coll in VOLUME_PAGES}
        pid = int((db.data_dir / "ferretdb.pid").read_text().split()[0])
        client = app.test_client()
        client.post("/login", data={"email": "cpu@bench.example.com", "password": PASSWORD})
        print(f"== {args.rows:,} documents per collection, {args.repeat} x 6 requests per kind")
        print(f"{'request':10} {'app CPU':>10} {'db CPU':>10} {'wall':>10}")
        for kind in ("first", "page 100", "search", "detail"):
            paths = [{"first": url, "page 100": url + "?page=99",
                      "search": url + "?" + urlencode({"search": term}),
                      "detail": url + "details/?id=" + ids[coll]}[kind]
                     for _, url, term, coll in VOLUME_PAGES]
            for path in paths:  # warm: caches, the task badge
                assert client.get(path).status_code == 200, path
            app0, db0, wall0 = time.process_time(), cpu_seconds(pid), time.monotonic()
            for _ in range(args.repeat):
                for path in paths:
                    client.get(path)
            n = args.repeat * len(paths)
            print(f"{kind:10} {(time.process_time() - app0) / n * 1000:7.1f} ms "
                  f"{(cpu_seconds(pid) - db0) / n * 1000:7.1f} ms "
                  f"{(time.monotonic() - wall0) / n * 1000:7.1f} ms", flush=True)
    finally:
        db.stop()
        shutil.rmtree(db.data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
