"""Time the payroll calculation with absences read (issue 18) against the same run without.

Run from the project root:
    .venv/bin/python bench/bench_payroll_absences.py [employees] [history months]
Not part of the test run. Starts the embedded FerretDB unless MONGODB_URI is set. The
employees of bench/bench_payroll.py; a fifth of them get absences in 03/2026: vacation
(paid, read but no effect), unpaid leave, a long illness (sick pay ends in March) and
parental leave. The same month is calculated first without, then with the absences
(discarding the first run), so the ratio is measured on the same data in the same run.
`history months` (default 0): every employee also gets one approved unpaid absence in each
of that many months before 2026 (from 01/2024 on), the absences of past years a real
database holds; the month's reading must not grow with them.
"""
import signal
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_payroll import HR, employees  # noqa: E402
from bench.common import database  # noqa: E402


def _dt(day: date):
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)


def absences(employee_ids: list, types: dict) -> list[dict]:
    """One absence for every fifth employee, rotating over four kinds."""
    kinds = (("urlaub", date(2026, 3, 9), date(2026, 3, 13)),
             ("unbezahlt", date(2026, 3, 2), date(2026, 3, 6)),
             ("krank", date(2026, 1, 12), date(2026, 3, 31)),
             ("elternzeit", date(2026, 3, 16), date(2026, 9, 30)))
    docs = []
    for n, pk in enumerate(employee_ids[::5]):
        code, start, end = kinds[n % 4]
        docs.append({"employee": pk, "absence_type": types[code], "start": _dt(start),
                     "end": _dt(end), "status": "approved", "days": 5,
                     "half_day_start": False, "half_day_end": False})
    return docs


def history(employee_ids: list, types: dict, months: int) -> list[dict]:
    """One approved 3-day unpaid absence per employee in each of `months` past months."""
    docs = []
    for k in range(months):
        year, month = 2024 + k // 12, k % 12 + 1
        for pk in employee_ids:
            docs.append({"employee": pk, "absence_type": types["unbezahlt"],
                         "start": _dt(date(year, month, 3)), "end": _dt(date(year, month, 5)),
                         "status": "approved", "days": 3, "half_day_start": False,
                         "half_day_end": False})
    return docs


def server_cpu() -> float:
    """CPU seconds (user + system) of this process's descendants: the embedded database."""
    import os

    ticks, children, frontier = os.sysconf("SC_CLK_TCK"), {}, {os.getpid()}
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    while frontier:
        frontier = {pid for pid, (ppid, _) in stats.items() if ppid in frontier} - set(children)
        children.update({pid: stats[pid][1] for pid in frontier})
    return sum(children.values()) / ticks


def calculate(label: str) -> tuple[float, object]:
    from services.payroll import runs

    run = runs.create_run(2026, 3, HR)
    start, cpu, db_cpu = time.perf_counter(), time.process_time(), server_cpu()
    run = runs.calculate_run(run.pk, HR)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    db_cpu = server_cpu() - db_cpu
    # CPU seconds of this process and of the database: less at the mercy of the load
    print(f"  {label:<44} {elapsed:8.2f} s   (CPU app {cpu:6.2f} s, database {db_cpu:6.2f} s)"
          f"   gross {run.totals.gross} €")
    return elapsed, run


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    months = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    from app import create_app
    from seeds.reference import seed_reference

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    uri, stop_database = database("bench-absences-")
    name = f"bench_{uuid.uuid4().hex[:8]}"
    try:
        app = create_app({"TESTING": True, "MONGODB_URI": uri, "MONGODB_DB": name,
                          "DATA_DIR": Path(tempfile.mkdtemp(prefix="bench-data-"))})
        with app.app_context():
            from models import Absence, AbsenceType, Employee, ensure_indexes
            from services.payroll import runs

            ensure_indexes()
            seed_reference()
            Employee._get_collection().insert_many(employees(count, "A"))
            ids = [d["_id"] for d in Employee._get_collection().find({}, {"_id": 1})]
            types = {t.code: t.pk for t in AbsenceType.objects}
            print(f"payroll calculation 03/2026, {count:,} employees")
            t_without, run = calculate("calculate without absences")
            runs.discard_run(run.pk, HR)
            docs = absences(ids, types)
            Absence._get_collection().insert_many(docs)
            past = history(ids, types, months)
            for at in range(0, len(past), 5000):
                Absence._get_collection().insert_many(past[at:at + 5000])
            if past:
                print(f"  + {len(past):,} approved absences of {months} past months")
            t_with, run = calculate(f"calculate with {len(docs):,} absences read")
            print(f"  with / without absences = {t_with / t_without:.2f}x; "
                  f"per employee {t_with / count * 1e6:.0f} µs; "
                  f"extrapolated to 10,000: {t_with / count * 10_000:.1f} s (target < 30 s)")
            import mongoengine as me
            me.get_connection().drop_database(name)
    finally:
        stop_database()


if __name__ == "__main__":
    main()
