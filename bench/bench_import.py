"""Time the bulk CSV import against raw pymongo insert_many; measure peak RSS on 1M rows.

Run from the project root:  .venv/bin/python bench/bench_import.py [rows] [--rss-rows N] [--repeat N]
Starts its own embedded database server (as tests/conftest.py does), or uses MONGODB_URI.
Not part of the test run. Prints, all in one run on the same server:
  1. raw insert_many of the same pre-built documents, batches of 1,000 (the floor);
  2. run_import in insert mode into an empty collection (target >= 0.5x raw);
  3. the same file again in upsert mode, every row unchanged (target <= 2x insert time);
  4. peak RSS of a separate process importing --rss-rows rows (target < 300 MB).
"""
import argparse
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import database  # noqa: E402

HEADER = ("Personalnummer;Vorname;Nachname;E-Mail;Abteilung;Position;Eintrittsdatum;"
          "Bruttogehalt;Steuerklasse;IBAN;Ort;Kirchensteuer")
FIRST = ("Jürgen", "Anna", "Özlem", "Klaus", "Maria", "Søren", "Lena", "Björn")
LAST = ("Müller", "Schmidt", "Weiß", "Groß", "Köhler", "Meier", "Straße", "Bäcker")
DEPARTMENTS = ("Vertrieb", "Einkauf", "Lager", "Buchhaltung", "IT", "Personal")
CITIES = ("München", "Köln", "Düsseldorf", "Nürnberg", "Würzburg", "Lübeck")
IBANS = ("DE89370400440532013000", "DE02120300000000202051", "DE02500105170137075030")


def write_employee_file(path: Path, rows: int) -> None:
    """Write a cp1252, ';', CRLF employee file as German Excel saves it, line by line."""
    rng = random.Random(2026)
    with open(path, "w", encoding="cp1252", newline="") as out:
        out.write(HEADER + "\r\n")
        for number in range(1, rows + 1):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            salary = rng.randint(250_000, 950_000)
            out.write(";".join((
                f"P{number:07d}", first, last, f"p{number}@firma.example.com",
                rng.choice(DEPARTMENTS), "Sachbearbeitung",
                f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(1990, 2026)}",
                f"{salary // 100:,}".replace(",", ".") + f",{salary % 100:02d}",
                str(rng.randint(1, 6)), rng.choice(IBANS), rng.choice(CITIES),
                rng.choice(("ja", "nein")),
            )) + "\r\n")


def connect(uri: str, db_name: str) -> None:
    """Connect mongoengine to a database and create the indexes."""
    from models import connect_db
    connect_db(uri, db_name)


def prebuilt_documents(data: bytes) -> list[dict]:
    """Return the documents run_import would write, built before the clock starts."""
    from services.imports.csv_import.rows import RowBuilder
    from services.imports.csv_import.specs import EMPLOYEES
    from services.imports.csv_reader import read_rows

    reader = read_rows(data, EMPLOYEES.columns)
    builder = RowBuilder(EMPLOYEES, reader.header_map, {})
    return [builder.build(row) for row in reader]


def raw_insert(documents: list[dict]) -> float:
    """Insert the documents with pymongo insert_many in batches of 1,000; return seconds."""
    from models import Employee
    collection = Employee._get_collection()
    start = time.perf_counter()
    for index in range(0, len(documents), 1000):
        collection.insert_many(documents[index:index + 1000], ordered=False)
    return time.perf_counter() - start


def timed_import(data: bytes, mode: str):
    """Run the import; return (seconds, result)."""
    from services.imports.csv_import import ImportOptions, run_import
    start = time.perf_counter()
    result = run_import(data, "employees", ImportOptions(mode=mode, user="bench", filename="bench.csv"))
    return time.perf_counter() - start, result


def child_rss(path: str, uri: str) -> None:
    """In a fresh process: import the file, print peak RSS in MB and the summary."""
    connect(uri, f"bench_rss_{uuid.uuid4().hex[:8]}")
    from services.imports.csv_import import ImportOptions, run_import
    data = Path(path).read_bytes()
    start = time.perf_counter()
    result = run_import(data, "employees", ImportOptions(user="bench", filename=Path(path).name))
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{peak_kb / 1024:.0f} {seconds:.1f} {result.summary}")


def main() -> None:
    """Print the figures of all four measurements."""
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", nargs="?", type=int, default=100_000)
    parser.add_argument("--rss-rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=2, help="alternating runs; the best counts")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child_rss(*args.child)
    uri, stop = database("bench-import-db-")
    work = Path(tempfile.mkdtemp(prefix="bench-import-"))
    try:
        run_all(uri, work, args.rows, args.rss_rows, args.repeat)
    finally:
        stop()
        shutil.rmtree(work, ignore_errors=True)


def run_all(uri: str, work: Path, rows: int, rss_rows: int, repeat: int) -> None:
    """Run the measurements and print them."""
    import mongoengine as me
    path = work / "employees.csv"
    write_employee_file(path, rows)
    data = path.read_bytes()
    print(f"file: {rows:,} employee rows, {len(data) / 1e6:.1f} MB cp1252 ';' CRLF")

    raw_times, insert_times, upsert_times = [], [], []
    for attempt in range(repeat):  # alternate, best of each: other load on the machine hits both
        connect(uri, f"bench_raw_{attempt}")
        documents = prebuilt_documents(data)
        raw_times.append(raw_insert(documents))
        del documents
        me.get_db().client.drop_database(f"bench_raw_{attempt}")

        connect(uri, f"bench_import_{attempt}")
        insert_seconds, inserted = timed_import(data, "insert")
        upsert_seconds, upserted = timed_import(data, "upsert")
        me.get_db().client.drop_database(f"bench_import_{attempt}")
        assert inserted.inserted == rows and upserted.unchanged == rows, (inserted.summary, upserted.summary)
        insert_times.append(insert_seconds)
        upsert_times.append(upsert_seconds)
    raw_seconds, insert_seconds, upsert_seconds = min(raw_times), min(insert_times), min(upsert_times)
    print(f"best of {repeat} alternating runs each")

    print(f"raw insert_many (pre-built, 1,000/batch): {rows / raw_seconds:>9,.0f} rows/s  ({raw_seconds:.2f} s)")
    print(f"run_import insert (parse+validate+write): {rows / insert_seconds:>9,.0f} rows/s  "
          f"({insert_seconds:.2f} s)")
    print(f"ratio import/raw throughput:              {raw_seconds / insert_seconds:>9.2f} x  (target >= 0.5)")
    print(f"run_import upsert, all unchanged:         {rows / upsert_seconds:>9,.0f} rows/s  "
          f"({upsert_seconds:.2f} s)")
    print(f"ratio upsert/insert time:                 {upsert_seconds / insert_seconds:>9.2f} x  (target <= 2)")
    if rss_rows:
        big = work / "employees-big.csv"
        write_employee_file(big, rss_rows)
        output = subprocess.run([sys.executable, __file__, "--child", str(big), uri], check=True,
                                capture_output=True, text=True).stdout.split()
        print(f"{rss_rows:,} rows in a separate process: peak RSS {output[0]} MB (target < 300), "
              f"{output[1]} s, {' '.join(output[2:])}  (file {big.stat().st_size / 1e6:.0f} MB)")


if __name__ == "__main__":
    main()
