"""Ledger and invoice figures: invoice PDF, trial balance on 200,000 lines, issuing.

Run from the project root:
    .venv/bin/python bench/bench_ledger_invoices.py pdf
    .venv/bin/python bench/bench_ledger_invoices.py trial-balance [lines]
    .venv/bin/python bench/bench_ledger_invoices.py issue [invoices] [workers]
Not part of the test run. Starts its own embedded database (like the tests) unless
MONGODB_URI is set. Every figure is printed next to the raw library doing the same work
in the same run (bare xhtml2pdf on the same HTML; raw pymongo over the same documents).
"""
import random
import sys
import tempfile
import threading
import time
import uuid
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import database  # noqa: E402


def start_app():
    """Return (app, stop) on a fresh database with the reference data."""
    from app import create_app
    from seeds.reference import seed_reference

    uri, stop_database = database("bench-db-")
    name = f"bench_{uuid.uuid4().hex[:8]}"
    app = create_app({"TESTING": True, "MONGODB_URI": uri, "MONGODB_DB": name,
                      "DATA_DIR": Path(tempfile.mkdtemp(prefix="bench-data-"))})
    ctx = app.app_context()
    ctx.push()
    seed_reference()

    def stop():
        import mongoengine as me
        me.get_connection().drop_database(name)
        ctx.pop()
        stop_database()
    return app, stop


def best_of(fn, repeat=5):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def interleaved(first, second, repeat):
    """Best time of each of two functions, run alternately so machine load hits both."""
    a, b = [], []
    for _ in range(repeat):
        for fn, times in ((first, a), (second, b)):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    return min(a), min(b)


# ---------------------------------------------------------------- pdf

def sample_invoice(lines: int):
    from models.invoice import Invoice, InvoiceLine
    from tests.factories import make_company, make_customer

    company, customer = make_company(), make_customer()
    rng = random.Random(lines)
    inv = Invoice(number="RE-2026-00042", kind="invoice", customer=customer,
                  issue_date=date(2026, 3, 15), service_date=date(2026, 3, 10),
                  due_date=date(2026, 3, 29), notes="Vielen Dank für Ihren Auftrag.",
                  lines=[InvoiceLine(description=f"Position {i}: Prüfung und Wartung Größe {i}",
                                     quantity=Decimal(rng.randint(1, 9)), unit="Std",
                                     unit_price=Decimal(rng.randint(1000, 99999)) / 100,
                                     vat_rate=rng.choice(("19", "19", "7")))
                         for i in range(1, lines + 1)])
    inv.recipient = {k: getattr(customer, k) or "" for k in
                     ("customer_no", "name", "street", "postal_code", "city", "country", "vat_id")}
    inv.supplier = {k: getattr(company, k) or "" for k in
                    ("name", "street", "postal_code", "city", "country", "vat_id", "tax_number",
                     "bank_name", "iban", "bic", "managing_director", "register")}
    return inv


def bench_pdf() -> None:
    import io

    from xhtml2pdf import pisa

    from services.invoicing import pdf as invoice_pdf
    from services.invoicing.issuing import rate_table, render_documents, totals_of

    rates = rate_table()
    for lines in (10, 300):
        inv = sample_invoice(lines)
        totals = totals_of(inv)
        html = invoice_pdf.invoice_html(inv, totals, rates)
        ours, bare = interleaved(
            lambda: invoice_pdf.render_invoice_pdf(inv, totals, rates),
            lambda: pisa.CreatePDF(html, dest=io.BytesIO(), encoding="utf-8",
                                   link_callback=lambda u, r: u),
            repeat=7 if lines < 100 else 3)
        template = best_of(lambda: invoice_pdf.invoice_html(inv, totals, rates))
        full = best_of(lambda: render_documents(inv, totals, rates), repeat=2)
        print(f"pdf {lines:>3} lines: ours {ours:.3f} s (template {template:.3f} s), bare "
              f"xhtml2pdf same HTML {bare:.3f} s, ratio {ours / bare:.2f}; with CII XML "
              f"build + XSD check + Factur-X embed {full:.3f} s")
    inv = sample_invoice(300)
    totals = totals_of(inv)
    invoice_pdf.CHUNK = 10_000
    one_table = best_of(lambda: invoice_pdf.render_invoice_pdf(inv, totals, rates), repeat=1)
    print(f"pdf 300 lines in ONE table (no chunking): {one_table:.3f} s")


# ---------------------------------------------------------------- trial balance

def bench_trial_balance(lines: int) -> None:
    from models.ledger import JournalEntry
    from services.ledger.reports import trial_balance

    coll = JournalEntry._get_collection()
    rng = random.Random(7)
    accounts = ["1000", "1200", "1400", "1600", "1776", "4120", "4210", "4930", "8400", "8300"]
    batch, entries = [], lines // 2
    start = time.perf_counter()
    for n in range(1, entries + 1):
        cents = rng.randint(100, 500_000)
        debit, credit = rng.sample(accounts, 2)
        day = datetime(2026, rng.randint(1, 12), rng.randint(1, 28))
        batch.append({"number": n, "fiscal_year": 2026, "date": day, "text": f"Buchung {n}",
                      "status": "posted", "source": "import",
                      "lines": [{"account": debit, "debit": cents, "credit": 0},
                                {"account": credit, "debit": 0, "credit": cents}]})
        if len(batch) == 5000:
            coll.insert_many(batch)
            batch = []
    if batch:
        coll.insert_many(batch)
    print(f"setup: {entries} entries / {lines} lines inserted in {time.perf_counter() - start:.1f} s")

    def raw_stream():
        sums = {}
        for doc in coll.find({"fiscal_year": 2026, "status": "posted"}, {"lines": 1, "_id": 0},
                             batch_size=5000):
            for line in doc["lines"]:
                pair = sums.setdefault(line["account"], [0, 0])
                pair[0] += line["debit"]
                pair[1] += line["credit"]
        return sums

    def raw_aggregate():
        return {r["_id"]: (r["d"], r["c"]) for r in coll.aggregate([
            {"$match": {"fiscal_year": 2026, "status": "posted"}}, {"$unwind": "$lines"},
            {"$group": {"_id": "$lines.account", "d": {"$sum": "$lines.debit"},
                        "c": {"$sum": "$lines.credit"}}}])}

    ours = best_of(lambda: trial_balance(2026), repeat=2)
    stream = best_of(raw_stream, repeat=2)
    agg = best_of(raw_aggregate, repeat=2)
    report, truth, pipeline = trial_balance(2026), raw_stream(), raw_aggregate()
    total_debit = sum(d for d, _ in truth.values())
    agg_debit = sum(d for d, _ in pipeline.values())
    agg_same = {k: tuple(v) for k, v in truth.items()} == pipeline
    print(f"trial balance, {lines} lines: ours {ours:.2f} s; raw pymongo streaming the same "
          f"sums {stream:.2f} s (ratio {ours / stream:.2f}); raw $unwind+$group {agg:.2f} s "
          f"(ratio {ours / agg:.2f})")
    print(f"  totals: ours debit {report.total('debit')} balanced={report.balanced}; "
          f"raw stream {Decimal(total_debit) / 100}; $unwind+$group {Decimal(agg_debit) / 100}"
          f"; per-account debit/credit of $unwind+$group "
          f"{'match' if agg_same else 'DIFFER (wrong on this server)'}")


# ---------------------------------------------------------------- issuing

def bench_issue(count: int, workers: int) -> None:
    from models.invoice import Invoice, InvoiceLine
    from services.invoicing import issuing as invoicing
    from tests.factories import make_company, make_customer

    make_company()
    customer = make_customer()

    def drafts(n):
        return [Invoice(customer=customer, issue_date=date(2026, 5, 4), service_date=date(2026, 5, 1),
                        lines=[InvoiceLine(description=f"Leistung {i}", quantity=Decimal("1"),
                                           unit="Std", unit_price=Decimal("80.00") + i,
                                           vat_rate="19") for i in range(3)]).save()
                for _ in range(n)]

    batch = drafts(count)
    start, marks = time.perf_counter(), []
    for n, inv in enumerate(batch, start=1):
        invoicing.issue_invoice(inv, "bench")
        if n % 100 == 0 or n == count:
            marks.append((n, time.perf_counter() - start))
    seq = time.perf_counter() - start
    print(f"issue {count} invoices sequentially: {seq:.1f} s, {count / seq:.2f} invoices/s")
    # Whether issuing slows as the collections grow: the rate of each block of 100.
    rates, prev_n, prev_t = [], 0, 0.0
    for n, t in marks:
        rates.append(f"{(n - prev_n) / (t - prev_t):.2f}")
        prev_n, prev_t = n, t
    print(f"  invoices/s per block of 100, in order: {' '.join(rates)}")

    batch = drafts(count)
    queue, lock = list(batch), threading.Lock()

    def worker():
        while True:
            with lock:
                if not queue:
                    return
                inv = queue.pop()
            invoicing.issue_invoice(inv, "bench")

    start = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    par = time.perf_counter() - start
    numbers = sorted(int(n.rsplit("-", 1)[1]) for n in Invoice.objects.scalar("number") if n)
    ok = numbers == list(range(1, 2 * count + 1))
    print(f"issue {count} invoices with {workers} threads: {par:.1f} s, {count / par:.2f} "
          f"invoices/s; numbers 1..{2 * count} without gap or duplicate: {ok}")


def main() -> None:
    what = sys.argv[1] if len(sys.argv) > 1 else "pdf"
    _, stop = start_app()
    try:
        if what == "pdf":
            bench_pdf()
        elif what == "trial-balance":
            bench_trial_balance(int(sys.argv[2]) if len(sys.argv) > 2 else 200_000)
        elif what == "issue":
            bench_issue(int(sys.argv[2]) if len(sys.argv) > 2 else 1000,
                        int(sys.argv[3]) if len(sys.argv) > 3 else 8)
    finally:
        stop()


if __name__ == "__main__":
    main()
