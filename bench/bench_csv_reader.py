"""Time services.imports.csv_reader on a 100,000-row German Excel export; print the figures.

Run from the project root:  .venv/bin/python bench/bench_csv_reader.py [rows]
Not part of the test run. The bare csv.reader pass over the same bytes (decoding
included) is the floor: the ratio says what typing, checking and line counting cost.
"""
import csv
import io
import random
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services.imports.csv_reader import Column, read_rows  # noqa: E402

COLUMNS = [
    Column("personnel_number", ("Personalnummer",), required=True, max_length=10),
    Column("first_name", ("Vorname",), required=True),
    Column("last_name", ("Nachname",), required=True),
    Column("hired_on", ("Eintrittsdatum",), kind="date"),
    Column("gross_salary", ("Bruttogehalt",), kind="decimal"),
    Column("tax_class", ("Steuerklasse",), kind="int", choices=(1, 2, 3, 4, 5, 6)),
    Column("children", ("Kinderfreibeträge",), kind="decimal"),
    Column("church_tax", ("Kirchensteuer",), kind="bool"),
    Column("email", ("E-Mail",), max_length=120),
    Column("city", ("Ort",)),
]
FIRST = ("Jürgen", "Anna", "Özlem", "Klaus", "Maria", "Søren", "Lena", "Björn")
LAST = ("Müller", "Schmidt", "Weiß", "Groß", "Köhler", "Meier", "Straße", "Bäcker")
CITIES = ("München", "Köln", "Düsseldorf", "Nürnberg", "Würzburg", "Lübeck")


def german_export(rows: int) -> bytes:
    """Return a cp1252, ';', CRLF file as German Excel saves it."""
    rng = random.Random(2026)
    lines = [";".join(c.aliases[0] for c in COLUMNS)]
    for number in range(1, rows + 1):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        salary = rng.randint(60_300, 950_000)
        lines.append(";".join((
            f"{number:06d}", first, last,
            f"{rng.randint(1, 28)}.{rng.randint(1, 12):02d}.{rng.randint(1990, 2026)}",
            f"{salary // 100:,}".replace(",", ".") + f",{salary % 100:02d}",
            str(rng.randint(1, 6)), rng.choice(("0", "0,5", "1", "1,5", "2")),
            rng.choice(("ja", "nein")), f"{first}.{last}@example.de".lower(), rng.choice(CITIES),
        )))
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def bare_csv(data: bytes) -> int:
    """Count the records the plain csv module reads from the same bytes."""
    stream = io.TextIOWrapper(io.BytesIO(data), encoding="cp1252", newline="")
    return sum(1 for _ in csv.reader(stream, delimiter=";"))


def typed_rows(data: bytes) -> int:
    """Count the typed rows read_rows yields, failing loudly on any cell error."""
    count = 0
    for row in read_rows(data, COLUMNS):
        if row.errors:
            raise SystemExit(f"unexpected errors in line {row.line}: {row.errors}")
        count += 1
    return count


def best_of(runs: int, function, data: bytes) -> tuple[float, int]:
    """Return the fastest wall time of several runs and the row count."""
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        count = function(data)
        timings.append(time.perf_counter() - start)
    return min(timings), count


def peak_memory(data: bytes) -> int:
    """Return the peak of Python allocations while streaming all rows (data not counted)."""
    tracemalloc.start()
    typed_rows(data)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main() -> None:
    """Print rows/s of read_rows next to the bare csv.reader, and the peak memory."""
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    data = german_export(rows)
    bare_time, bare_count = best_of(3, bare_csv, data)
    typed_time, typed_count = best_of(3, typed_rows, data)
    assert typed_count == rows and bare_count == rows + 1
    print(f"file: {rows:,} rows x {len(COLUMNS)} columns, {len(data) / 1e6:.1f} MB cp1252")
    print(f"csv.reader (bare):  {bare_count / bare_time:>10,.0f} rows/s  ({bare_time:.2f} s)")
    print(f"read_rows (typed):  {typed_count / typed_time:>10,.0f} rows/s  ({typed_time:.2f} s)")
    print(f"ratio typed/bare:   {typed_time / bare_time:>10.1f} x slower")
    print(f"peak memory while streaming: {peak_memory(data) / 1e6:.2f} MB "
          f"(file itself {len(data) / 1e6:.1f} MB, not counted)")


if __name__ == "__main__":
    main()
