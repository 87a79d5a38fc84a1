"""DATEV export: time and peak Python memory (tracemalloc) of the Buchungsstapel at two sizes.

Run from the project root:
    .venv/bin/python bench/bench_datev.py [bookings ...]      (default: 10000 100000)
Not part of the test run. Starts its own embedded database unless MONGODB_URI is set.
Posted entries (three lines each: receivable, revenue 19 %, VAT) are inserted as raw
documents (the export reads only posted entries; the hash chain is not what is measured).
Next to each figure: raw pymongo reading the same entries with the same projection and
writing one naive `;` line per journal line to a file, in the same run. Flat memory
means the peak does not grow with the number of bookings.
"""
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_ledger_invoices import start_app  # noqa: E402


def insert_entries(count: int, start_number: int) -> None:
    from bson import ObjectId

    from models.ledger import JournalEntry

    docs, collection = [], JournalEntry._get_collection()
    for i in range(start_number, start_number + count):
        day = datetime(2026, 1, 1) + timedelta(days=i % 365)
        docs.append({"_id": ObjectId(), "number": i, "fiscal_year": 2026, "date": day,
                     "text": f"Rechnung RE-{i} Bäckerei Größer KG", "voucher_ref": f"RE-{i}",
                     "status": "posted", "source": "invoice", "lines": [
                         {"account": "1400", "debit": 11900, "credit": 0},
                         {"account": "8400", "debit": 0, "credit": 10000, "tax_key": "USt19"},
                         {"account": "1776", "debit": 0, "credit": 1900, "tax_key": "USt19"}]})
        if len(docs) == 5000:
            collection.insert_many(docs)
            docs = []
    if docs:
        collection.insert_many(docs)


def ours(directory: Path) -> int:
    from services.ledger.datev_export import export_bookings

    return export_bookings(date(2026, 1, 1), date(2026, 12, 31), directory, "bench").rows


def raw(directory: Path) -> int:
    from models.ledger import JournalEntry

    rows = 0
    with open(directory / "raw.csv", "w", encoding="cp1252", newline="") as out:
        for doc in JournalEntry._get_collection().find(
                {"status": "posted", "date": {"$gte": datetime(2026, 1, 1),
                                              "$lte": datetime(2026, 12, 31)}},
                {"date": 1, "number": 1, "text": 1, "voucher_ref": 1, "lines": 1},
                batch_size=1000).sort("date", 1):
            for line in doc["lines"]:
                out.write(f'{line["debit"] or line["credit"]};{line["account"]};'
                          f'{doc["date"]:%d%m};"{doc["voucher_ref"]}";"{doc["text"]}"\r\n')
                rows += 1
    return rows


def measure(fn, directory: Path) -> tuple[float, float, int]:
    start = time.perf_counter()
    rows = fn(directory)
    seconds = time.perf_counter() - start
    tracemalloc.start()
    fn(directory)
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return seconds, peak, rows


def main(sizes: list[int]) -> None:
    app, stop = start_app()
    from tests.factories import make_company

    make_company(datev_consultant_no=29098, datev_client_no=55003)
    done = 0
    try:
        for size in sizes:
            insert_entries(size - done, done + 1)
            done = size
            with tempfile.TemporaryDirectory() as tmp:
                t_ours, m_ours, n_ours = measure(ours, Path(tmp))
                t_raw, m_raw, n_raw = measure(raw, Path(tmp))
            print(f"{size:>7} bookings: export {t_ours:6.1f} s, peak {m_ours:6.2f} MB, "
                  f"{n_ours} DATEV lines | raw pymongo {t_raw:6.1f} s, peak {m_raw:6.2f} MB, "
                  f"{n_raw} lines | time ratio {t_ours / t_raw:4.1f}x", flush=True)
    finally:
        stop()


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10000, 100000])
