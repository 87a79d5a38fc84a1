"""Closing reports from the period balances against the full recompute from the lines.

Run from the project root:
    .venv/bin/python bench/bench_reports.py reports [lines...]   e.g. reports 10000 50000
    .venv/bin/python bench/bench_reports.py posting [entries]
    .venv/bin/python bench/bench_reports.py sample [entries]
Not part of the test run. Starts its own embedded database (like the tests) unless
MONGODB_URI is set. `reports` fills a fresh database per size with posted entries (two
lines each, 10 % of them sales with a VAT line), builds their balances, then times the
trial balance, GuV, Bilanz, BWA and UStVA against raw pymongo streaming every line of
the year and summing it (what the reports did before). `posting` times post_new_entry
with and without the balance step (into two fiscal years, so the entries posted without
it are not caught up by the next one with it), interleaved in the same run, and raw
insert_one. `sample` posts the first entries of the same generator through
post_new_entry (the real balance maintenance) and checks that the raw fill's balance
documents for them are the same, so the raw-filled sizes stand for posted books.
"""
import os
import random
import sys
import time
from datetime import datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_ledger_invoices import best_of, start_app  # noqa: E402

ACCOUNTS = ["1000", "1200", "1400", "1600", "4120", "4210", "4930", "0420", "1740", "8300"]


CENTRES = ("", "", "100", "200")  # half the expense lines carry a cost centre
EXPENSE = ("4120", "4210", "4930")


def entries(count: int):
    """The bench's posted entries as stored documents (integer cents), numbered 1..count."""
    rng = random.Random(7)
    for n in range(1, count + 1):
        cents = rng.randint(100, 500_000)
        day = datetime(2026, rng.randint(1, 12), rng.randint(1, 28))
        if n % 10 == 0:  # a sale: receivable against revenue and output VAT
            vat = cents * 19 // 100
            doc_lines = [{"account": "1400", "debit": cents + vat, "credit": 0},
                         {"account": "8400", "debit": 0, "credit": cents, "tax_key": "USt19"},
                         {"account": "1776", "debit": 0, "credit": vat, "tax_key": "USt19"}]
        else:
            debit, credit = rng.sample(ACCOUNTS, 2)
            doc_lines = [{"account": debit, "debit": cents, "credit": 0},
                         {"account": credit, "debit": 0, "credit": cents}]
            centre = rng.choice(CENTRES)
            if centre and debit in EXPENSE:
                doc_lines[0]["cost_center"] = centre
        yield {"number": n, "fiscal_year": 2026, "date": day, "text": f"Buchung {n}",
               "status": "posted", "source": "import", "lines": doc_lines}


def raw_balances(docs) -> dict[str, list]:
    """The period balance documents of `docs`, summed with the posting code's entry_deltas."""
    from models.balance import balance_id
    from services.ledger.balances import entry_deltas

    sums = {}
    for doc in docs:
        for key, (d, c) in entry_deltas(doc).items():
            pair = sums.setdefault(balance_id(2026, *key), [0, 0, key])
            pair[0] += d
            pair[1] += c
    return sums


def fill(lines: int) -> float:
    """Insert lines/2 posted entries (raw insert_many) and their balances; return seconds."""
    from models.balance import BalanceHead, PeriodBalance
    from models.ledger import JournalEntry

    coll, count, start = JournalEntry._get_collection(), lines // 2, time.perf_counter()
    sums, batch = {}, []

    def flush():
        for bid, (d, c, key) in raw_balances(batch).items():
            pair = sums.setdefault(bid, [0, 0, key])
            pair[0] += d
            pair[1] += c
        coll.insert_many(batch, ordered=False)
        batch.clear()

    for doc in entries(count):
        batch.append(doc)
        if len(batch) == 5000:
            flush()
    if batch:
        flush()
    PeriodBalance._get_collection().insert_many([
        {"_id": bid, "year": 2026, "month": key[0], "account": key[1], "cost_center": key[2],
         "tax_key": key[3], "debit": d, "credit": c, "last": count}
        for bid, (d, c, key) in sums.items()])
    BalanceHead._get_collection().insert_one({"_id": 2026, "applied": count})
    return time.perf_counter() - start


def check_sample(count: int) -> None:
    """Post `count` of the bench's entries through post_new_entry (which keeps the balances)
    and compare the balances it wrote with the raw fill's for the same entries."""
    from datetime import date

    from models.balance import PeriodBalance
    from models.cost_center import CostCenter
    from services.ledger import posting
    from services.ledger.balances import verify_balances
    from services.ledger.reports import trial_balance

    app, stop = start_app()
    try:
        for code in ("100", "200"):
            CostCenter(code=code, name=f"Bench {code}").save()
        docs = list(entries(count))
        start = time.perf_counter()
        for doc in docs:
            posting.post_new_entry(
                date=date(2026, doc["date"].month, doc["date"].day), text=doc["text"],
                source="import", user="bench", lines=[
                    {**line, "debit": Decimal(line["debit"]) / 100,
                     "credit": Decimal(line["credit"]) / 100} for line in doc["lines"]])
        took = time.perf_counter() - start
        stored = {d["_id"]: (d["debit"], d["credit"])
                  for d in PeriodBalance._get_collection().find({"year": 2026})}
        raw = {bid: (d, c) for bid, (d, c, _key) in raw_balances(docs).items()}
        sums = {}
        for doc in docs:
            for line in doc["lines"]:
                pair = sums.setdefault(line["account"], [0, 0])
                pair[0] += line["debit"]
                pair[1] += line["credit"]
        tb = {r.account: (r.debit, r.credit) for r in trial_balance(2026).rows}
        same_tb = all(tb[a] == (Decimal(d) / 100, Decimal(c) / 100) for a, (d, c) in sums.items())
        print(f"sample: {count} entries posted through post_new_entry in {took:.1f} s; "
              f"{len(stored)} balance documents")
        print(f"  raw fill's balance documents equal the posting code's: {stored == raw}")
        print(f"  ledger verify (recompute from the lines) finds no difference: "
              f"{verify_balances(2026).ok}")
        print(f"  trial balance from the balances equals the line sums: {same_tb}")
    finally:
        stop()


def bench_reports(sizes: list[int]) -> None:
    from models.balance import PeriodBalance
    from models.ledger import JournalEntry
    from services.ledger import bwa, statements, vat_return
    from services.ledger.balances import verify_balances
    from services.ledger.reports import trial_balance

    for lines in sizes:
        app, stop = start_app()
        try:
            took = fill(lines)
            docs = PeriodBalance.objects.count()
            print(f"\n{lines} lines ({lines // 2} entries), {docs} balance documents, "
                  f"filled in {took:.1f} s ({lines / took:,.0f} lines/s)")
            coll = JournalEntry._get_collection()

            last = {}

            def raw_stream():
                sums = last["sums"] = {}
                for doc in coll.find({"fiscal_year": 2026, "status": "posted"},
                                     {"lines": 1, "_id": 0}, batch_size=5000):
                    for line in doc["lines"]:
                        pair = sums.setdefault(line["account"], [0, 0])
                        pair[0] += line["debit"]
                        pair[1] += line["credit"]
                return sums

            repeat = 2 if lines <= 100_000 else 1
            full = best_of(raw_stream, repeat=repeat)
            start = time.perf_counter()
            check = verify_balances(2026)
            ours_recompute = time.perf_counter() - start
            print(f"  full recompute from the lines: raw pymongo stream {full:.2f} s; "
                  f"`ledger verify` (balances.recompute + compare) {ours_recompute:.2f} s, "
                  f"differences: {len(check.differences)}")
            for name, fn in [("trial balance (SuSa) year", lambda: trial_balance(2026)),
                             ("GuV year", lambda: statements.profit_and_loss(2026)),
                             ("Bilanz 31.12.", lambda: statements.balance_sheet(2026)),
                             ("BWA December", lambda: bwa.bwa(2026, 12)),
                             ("UStVA Q4", lambda: vat_return.vat_return(2026, "Q4"))]:
                took = best_of(fn, repeat=5)
                print(f"  {name:<28} {took * 1000:8.1f} ms  (full recompute / this: "
                      f"{full / took:6.1f}x)")
            tb = {r.account: (r.debit, r.credit) for r in trial_balance(2026).rows}
            truth = last["sums"]  # the timed raw stream's sums: no extra pass
            same = all(tb[a] == (Decimal(d) / 100, Decimal(c) / 100)
                       for a, (d, c) in truth.items())
            print(f"  trial balance equals the raw line sums: {same}")
            print("  load average (1/5/15 min): %.1f %.1f %.1f" % os.getloadavg())
        finally:
            stop()


def bench_posting(entries: int) -> None:
    from datetime import date

    from models.ledger import JournalEntry
    from services.ledger import balances, posting

    app, stop = start_app()
    real = balances.apply_through
    try:
        def post(i, year):
            posting.post_new_entry(date=date(year, 1 + i % 12, 1), text="Bench", source="manual",
                                   user="bench", lines=[
                                       {"account": "4930", "debit": Decimal("1.00")},
                                       {"account": "1200", "credit": Decimal("1.00")}])

        with_b, without_b, raw_t, n = 0.0, 0.0, 0.0, 0
        raw = JournalEntry._get_collection().database["bench_raw"]
        for round_ in range(entries // 50):
            for maintain in (True, False) if round_ % 2 == 0 else (False, True):
                balances.apply_through = real if maintain else (lambda *a, **k: 0)
                start = time.perf_counter()
                for i in range(50):  # separate years: the skipped ones are not caught up
                    post(n + i, 2026 if maintain else 2027)
                took = time.perf_counter() - start
                with_b, without_b = (with_b + took, without_b) if maintain \
                    else (with_b, without_b + took)
                n += 50
            start = time.perf_counter()
            for i in range(50):
                raw.insert_one({"n": i, "lines": [{"account": "4930", "debit": 100}]})
            raw_t += time.perf_counter() - start
        balances.apply_through = real
        posting.recover_pending()  # the entries posted without the step get their balances
        half = entries // 50 * 50
        print(f"posting {half} entries each way, interleaved in rounds of 50:")
        print(f"  with balances    {half / with_b:7.1f} entries/s")
        print(f"  without balances {half / without_b:7.1f} entries/s "
              f"(with/without: {without_b / with_b:.2f})")
        print(f"  raw insert_one   {half / raw_t:7.1f} documents/s")
        print(f"  balances after recover match the lines: "
              f"{balances.verify_balances(2026).ok and balances.verify_balances(2027).ok}")
    finally:
        balances.apply_through = real
        stop()


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "reports"
    if what == "sample":
        check_sample(int(sys.argv[2]) if len(sys.argv) > 2 else 200)
    elif what == "reports":
        bench_reports([int(a) for a in sys.argv[2:]] or [10_000, 50_000])
    elif what == "posting":
        bench_posting(int(sys.argv[2]) if len(sys.argv) > 2 else 400)
    else:
        sys.exit(__doc__)
