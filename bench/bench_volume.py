"""Issue 22: look-ups, counts and list pages at 100,000 documents; print every figure.

Run from the project root:

    .venv/bin/python bench/bench_volume.py [docs] [--before] [--panel]

Starts its own embedded database (or uses MONGODB_URI) in a throw-away database and
fills it with raw `insert_many` (the fill is timed too). Part 1 is the raw driver
(pymongo) against collections carrying the indexes the models declare; `--before`
repeats each query on an unindexed copy of the same documents, which is what FerretDB
did for every query before the index pushdown (a scan decoding every document). Part 2
(`--panel`) logs in to the panel with the Flask test client and times its list pages of
employees, journal entries, stock movements and the audit log at that volume (first
page and page 100, with the total Flask-Admin counts), next to the raw driver doing the
page query and its count. Not part of the test run.
"""
import argparse
import os
import random
import re
import statistics
import sys
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bson.regex import Regex  # noqa: E402

from bench.common import database  # noqa: E402

LAST_NAMES = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner",
              "Becker", "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein",
              "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger",
              "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Schmitz", "Krause", "Meier"]
DEPARTMENTS = ["Vertrieb", "Einkauf", "Lager", "Buchhaltung", "Personal", "IT", "Service",
               "Produktion", "Geschäftsführung", "Marketing"]


def timed(fn, repeat):
    """Median and 95th percentile in ms of `repeat` calls (first call is a warm-up)."""
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(round(0.95 * len(samples))) - 1)]
    return statistics.median(samples), p95


def cpu_ms(fn, repeat):
    """Median CPU time in ms this process spends per call (the app's own work, which the
    other processes on a loaded machine do not inflate as much as the wall-clock time)."""
    samples = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        samples.append((time.process_time() - start) * 1000)
    return statistics.median(samples)


def fill(coll, docs, batch=2000):
    start = time.perf_counter()
    for i in range(0, len(docs), batch):
        coll.insert_many(docs[i:i + batch], ordered=False)
    return time.perf_counter() - start


def employee_docs(n, rng):
    hire = date(2000, 1, 1)
    return [{"personnel_no": f"P{i:06d}", "first_name": rng.choice(["Jürgen", "Anna", "Özlem",
                                                                    "Lukas", "Marie"]),
             "last_name": rng.choice(LAST_NAMES) + f" {i % 997:03d}",
             "department": rng.choice(DEPARTMENTS),
             "status": rng.choice(["active", "active", "inactive", "left"]),
             "hire_date": datetime.combine(hire + timedelta(days=i % 9000), datetime.min.time()),
             "monthly_gross": 250000 + (i * 7919) % 500000, "tax_class": 1 + i % 6,
             "iban": "DE89370400440532013000", "state": "BY",
             "created_at": datetime(2026, 1, 1) + timedelta(seconds=i)} for i in range(n)]


def audit_docs(n, rng):
    start = datetime(2025, 1, 1)
    return [{"at": start + timedelta(seconds=30 * i), "user": f"user{i % 40}@firma.example.com",
             "action": rng.choice(["create", "update", "delete"]),
             "collection": rng.choice(["employees", "journal_entries", "invoices"]),
             "document_id": uuid.uuid4().hex[:24], "label": f"Vorgang {i}",
             "changes": [{"field": "status", "old": "draft", "new": "posted"}]}
            for i in range(n)]


def part1(db, n, before, repeat):
    rng = random.Random(22)
    server = "MONGODB_URI" if os.environ.get("MONGODB_URI") else "embedded FerretDB"
    print(f"== raw driver, {n:,} documents per collection, {server}")
    employees, audit = db.employees, db.audit_log
    employees.create_index("personnel_no", unique=True)
    for name in ("last_name", "department", "status"):  # Employee.meta["indexes"]
        employees.create_index(name)
    audit.create_index([("at", -1)])  # AuditEntry.meta["indexes"]
    audit.create_index("collection")
    audit.create_index("document_id")
    emp = employee_docs(n, rng)
    aud = audit_docs(n, rng)
    print(f"fill employees: {fill(employees, [dict(d) for d in emp]):.1f} s, "
          f"audit log: {fill(audit, [dict(d) for d in aud]):.1f} s "
          f"(insert_many, batches of 2,000, with the indexes)")
    plain = {}
    if before:
        plain["employees"], plain["audit_log"] = db.employees_plain, db.audit_plain
        print(f"fill unindexed copies: {fill(plain['employees'], emp) + fill(plain['audit_log'], aud):.1f} s")

    keys = [f"P{rng.randrange(n):06d}" for _ in range(200)]
    it = iter(keys * 100)
    deep = 99 * 50

    def page(coll, sort, direction, skip, filter_=None):
        filter_ = filter_ or {}

        def run():
            rows = list(coll.find(filter_).sort(sort, direction).skip(skip).limit(50))
            total = coll.count_documents(filter_)
            assert len(rows) == min(50, max(0, total - skip)), (len(rows), total, skip)
        return run

    term = Regex(re.escape(f"P{n // 2:06d}"[:-1]), "i")  # matches 10 personnel numbers
    search = {"$or": [{f: term} for f in ("personnel_no", "last_name", "first_name",
                                          "department")]}
    cases = [
        ("look-up by unique key find_one({personnel_no})", "employees",
         lambda c: (lambda: c.find_one({"personnel_no": next(it)})), 5),
        ("count_documents({})", "employees", lambda c: (lambda: c.count_documents({})), 20),
        ("estimated_document_count()", "employees",
         lambda c: (lambda: c.estimated_document_count()), 20),
        ("count_documents({status: 'active'}) (~50 %)", "employees",
         lambda c: (lambda: c.count_documents({"status": "active"})), 20),
        ("count_documents({department: 'IT'}) (~10 %)", "employees",
         lambda c: (lambda: c.count_documents({"department": "IT"})), 20),
        ("page 1: sort last_name asc, limit 50 + count", "employees",
         lambda c: page(c, "last_name", 1, 0), 100),
        ("page 100: sort last_name asc, skip 4,950 + count", "employees",
         lambda c: page(c, "last_name", 1, deep), 100),
        ("page 1 newest first: sort at desc, limit 50 + count", "audit_log",
         lambda c: page(c, "at", -1, 0), 100),
        ("page 100 newest first: skip 4,950 + count", "audit_log",
         lambda c: page(c, "at", -1, deep), 100),
        ("filtered page 100: status active, sort last_name + count", "employees",
         lambda c: page(c, "last_name", 1, deep, {"status": "active"}), 100),
        ("search: $or of 4 regexes, page 1 + count", "employees",
         lambda c: page(c, "last_name", 1, 0, search), 300),
        ("the same search under $and (FerretDB's scan)", "employees",
         lambda c: page(c, "last_name", 1, 0, {"$and": [search]}), 300),
    ]
    print(f"{'query':58} {'median':>9} {'p95':>9} {'target':>7} {'before (scan)':>14}")
    for label, coll_name, make, target in cases:
        coll = employees if coll_name == "employees" else audit
        median, p95 = timed(make(coll), repeat)
        old = ""
        if before:
            old_median, _ = timed(make(plain[coll_name]), 1)
            old = f"{old_median:11.0f} ms"
        mark = "ok" if p95 < target else "MISSED"
        print(f"{label:58} {median:6.1f} ms {p95:6.1f} ms {target:4d} ms {old:>14} {mark}")


def inserts(db, n, rounds=3):
    """Insert cost of the declared indexes: the same documents into an indexed and an
    unindexed collection (employees' four indexes), alternating, best of `rounds` each."""
    rng = random.Random(5)
    docs = employee_docs(n, rng)
    best = {"indexed": float("inf"), "plain": float("inf")}
    for r in range(rounds):
        for kind in ("plain", "indexed") if r % 2 else ("indexed", "plain"):
            coll = db[f"ins_{kind}_{r}"]
            if kind == "indexed":
                coll.create_index("personnel_no", unique=True)
                for name in ("last_name", "department", "status"):
                    coll.create_index(name)
            else:
                coll.insert_one({"_id": "create"})
                coll.delete_one({"_id": "create"})
            best[kind] = min(best[kind], fill(coll, [dict(d) for d in docs]))
            coll.drop()
    print(f"== inserts, {n:,} employee documents, insert_many in batches of 2,000, "
          f"best of {rounds} alternating")
    print(f"without indexes {best['plain']:.1f} s ({n / best['plain']:,.0f} docs/s), with the 4 "
          f"declared indexes {best['indexed']:.1f} s ({n / best['indexed']:,.0f} docs/s): "
          f"{best['indexed'] / best['plain']:.2f}x")


def search_index_cost(db, n, rounds=3):
    """What the search indexes (issue 22) cost each write: audit entries, which every
    write of the product adds one at a time, inserted with insert_one into a collection
    with the indexes before (at, collection, document_id) and after (plus user and label),
    alternating, best of `rounds` each. The audit log is the collection with the most
    inserts and the two longest added keys, so this is the largest of the added costs."""
    rng = random.Random(7)
    docs = audit_docs(n, rng)
    sets = {"before": ("at", "collection", "document_id"),
            "after": ("at", "collection", "document_id", "user", "label")}
    best = {k: float("inf") for k in sets}
    for r in range(rounds):
        for kind in ("before", "after") if r % 2 else ("after", "before"):
            coll = db[f"search_cost_{kind}_{r}"]
            for name in sets[kind]:
                coll.create_index(name)
            started = time.perf_counter()
            for d in docs:
                coll.insert_one(dict(d))
            best[kind] = min(best[kind], time.perf_counter() - started)
            coll.drop()
    print(f"== insert_one of {n:,} audit entries, best of {rounds} alternating")
    print(f"3 indexes (before) {best['before'] * 1000 / n:.2f} ms each, 5 indexes (with user "
          f"and label for the search) {best['after'] * 1000 / n:.2f} ms each: "
          f"{best['after'] / best['before']:.2f}x")


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def fill_panel(app, n, models=None):
    """Fill the panel's collections to `n` documents each with raw `insert_many`: one
    document made by the application (factories / the archive service), copied with
    varying keys, dates and references. Returns the admin user and the stock items."""
    from models import (AuditEntry, Employee, JournalEntry, StockMovement, ensure_indexes)
    from models.archive import ArchivedFile
    from models.invoice import Invoice
    from seeds.reference import seed_reference
    from services.archive.store import archive_file
    from tests.factories import (make_customer, make_employee, make_entry, make_invoice,
                                 make_stock_item, make_user)

    import io

    models = models or (Employee, JournalEntry, StockMovement, AuditEntry)
    rng = random.Random(7)
    with app.app_context():
        ensure_indexes()
        seed_reference()
        user = make_user("admin")
        templates = {}
        items = [make_stock_item() for _ in range(40)]  # a page names up to 40 items
        customers = [make_customer() for _ in range(40)]
        for model in models:
            if model is Employee:
                make_employee()
            elif model is JournalEntry:
                make_entry()
            elif model is StockMovement:
                StockMovement(key="tmpl", kind="receipt", item=items[0], quantity=1,
                              date=date(2026, 1, 1), reason="Wareneingang", user="bench",
                              state="done").save()
            elif model is Invoice:
                make_invoice(customer=customers[0])
            elif model is ArchivedFile:
                archive_file(io.BytesIO(PDF), "beleg-vorlage.pdf", category="invoice",
                             document_date=date(2025, 1, 1), uploaded_by="bench",
                             max_bytes=1 << 20)
            templates[model] = model._get_collection().find_one() or \
                (audit_docs(1, rng)[0] if model is AuditEntry else None)
        start = datetime(2025, 1, 1, tzinfo=timezone.utc)

        def vary(model, i):
            doc = dict(templates[model])
            doc.pop("_id", None)
            stamp = start + timedelta(seconds=30 * i)
            if model is Employee:
                doc.update(personnel_no=f"B{i:06d}", last_name=rng.choice(LAST_NAMES),
                           department=rng.choice(DEPARTMENTS))
            elif model is JournalEntry:
                doc.update(date=datetime(2025, 1, 1) + timedelta(days=i % 700),
                           number=f"{i + 10:06d}", voucher_ref=f"B-{i:06d}")
            elif model is StockMovement:
                doc.update(key=f"bench-{i}", created_at=stamp, item=rng.choice(items).pk,
                           reference=f"WE-{i:06d}")
            elif model is Invoice:
                doc.update(number=f"RE-2025-{i:06d}", created_at=stamp, status="issued",
                           issue_date=datetime(2025, 1, 1) + timedelta(days=i % 700),
                           customer=rng.choice(customers).pk)
            elif model is ArchivedFile:
                doc.update(filename=f"beleg-{i:06d}.pdf", uploaded_at=stamp,
                           sha256=f"{i:064x}",
                           document_date=datetime(2025, 1, 1) + timedelta(days=i % 700))
            else:
                doc.update(at=stamp, document_id=uuid.uuid4().hex[:24], label=f"Vorgang {i}")
            return doc

        for model in templates:
            coll = model._get_collection()
            seconds = fill(coll, [vary(model, i) for i in range(n - coll.count_documents({}))])
            print(f"fill {coll.name}: {seconds:.1f} s", flush=True)
    return user, items


def part2(uri, db_name, n, repeat):
    """The panel's list pages through the Flask test client."""
    import re

    from app import create_app
    from models import AuditEntry, Employee, JournalEntry, StockMovement
    from tests.factories import PASSWORD

    app = create_app({"TESTING": True, "MONGODB_URI": uri, "MONGODB_DB": db_name,
                      "WTF_CSRF_ENABLED": False})
    user, _ = fill_panel(app, n)

    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.data[:300]
    pages = [("employees", Employee, "/admin/employees/", "last_name", 1),
             ("journal entries", JournalEntry, "/admin/journal/", "date", -1),
             ("stock movements", StockMovement, "/admin/stock_movements/", "created_at", -1),
             ("audit log", AuditEntry, "/admin/audit/", "at", -1)]
    print(f"== panel list pages at {n:,} rows (Flask test client, single user, {repeat} runs)")
    print(f"{'page':34} {'median':>9} {'p95':>9} {'target':>7}   raw page + count (median)")
    with app.app_context():
        for label, model, url, sort, direction in pages:
            coll = model._get_collection()
            for page_no in (0, min(99, n // 50 - 1)):  # 50 rows a page
                target = url + (f"?page={page_no}" if page_no else "")
                html = client.get(target)
                assert html.status_code == 200, (target, html.status_code)
                assert len(re.findall(rb"<td", html.data)) >= 20, target  # rows were rendered

                def panel(target=target):
                    assert client.get(target).status_code == 200

                def raw(skip=page_no * 50):
                    list(coll.find({}).sort(sort, direction).skip(skip).limit(50))
                    coll.count_documents({})
                median, p95 = timed(panel, repeat)
                raw_median, _ = timed(raw, repeat)
                cpu = cpu_ms(panel, repeat)
                mark = "ok" if p95 < 300 else "MISSED"
                print(f"{label + ' page ' + str(page_no + 1):34} {median:6.1f} ms {p95:6.1f} ms"
                      f"  300 ms   {raw_median:6.1f} ms {mark}  (app CPU {cpu:.0f} ms)")
        # The menu's task count is cached for a minute per user (views/tasks.py); a page that
        # computes it afresh, as the first page after that time does:
        app.config["TASK_BADGE_SECONDS"] = 0
        median, p95 = timed(lambda: client.get("/admin/journal/"), repeat)
        print(f"{'journal page 1, task count uncached':34} {median:6.1f} ms {p95:6.1f} ms")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("docs", nargs="?", type=int, default=100_000)
    parser.add_argument("--before", action="store_true",
                        help="also time each query on an unindexed copy (a full scan each)")
    parser.add_argument("--panel", action="store_true", help="also time the panel's list pages")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--inserts", type=int, default=0,
                        help="only time inserting this many documents with and without indexes")
    parser.add_argument("--search-index-cost", type=int, default=0,
                        help="only time inserting this many audit entries with the indexes "
                             "before and after the search indexes")
    args = parser.parse_args()

    from pymongo import MongoClient

    uri, stop = database("bench-volume-")
    client = MongoClient(uri)
    db_name = f"bench_volume_{uuid.uuid4().hex[:8]}"
    try:
        if args.inserts:
            inserts(client[db_name], args.inserts)
            return
        if args.search_index_cost:
            search_index_cost(client[db_name], args.search_index_cost)
            return
        part1(client[db_name], args.docs, args.before, args.repeat)
        if args.panel:
            part2(uri, db_name + "_panel", args.docs, args.repeat)
    finally:
        client.drop_database(db_name)
        client.drop_database(db_name + "_panel")
        client.close()
        stop()


if __name__ == "__main__":
    main()
