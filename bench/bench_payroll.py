"""Time a payroll run for 10,000 employees and payslip PDFs for 1,000; print the figures.

Run from the project root:  .venv/bin/python bench/bench_payroll.py [employees] [pdfs]
Not part of the test run. Uses MONGODB_URI if set, otherwise starts the embedded
FerretDB on a free port with a scratch data directory (removed afterwards).
Floors measured in the same run: the raw pymongo insert of the same payslip documents,
and xhtml2pdf rendering the same HTML without the archive.
"""
import random
import signal
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import database  # noqa: E402


HR = "bench@firma.example.com"


def employees(count: int, prefix: str) -> list[dict]:
    """Raw employee documents with a realistic spread of pay data (money in cents)."""
    from models.health_fund import HealthFund

    rng = random.Random(2026)
    funds = [fund.pk for fund in HealthFund.objects]
    docs = []
    for n in range(count):
        gross = rng.choice((rng.randint(30_000, 60_300), rng.randint(200_000, 1_200_000)))
        docs.append({
            "personnel_no": f"{prefix}{n:06d}", "first_name": "Jürgen", "last_name": "Müller",
            "hire_date": _dt(date(2020, 1, 1) if n % 50 else date(2026, 3, 16)),
            "birth_date": _dt(date(rng.randint(1960, 2004), rng.randint(1, 12), 1)),
            "monthly_gross": gross, "tax_class": rng.randint(1, 6),
            "child_allowances": rng.choice((0, 5, 10, 20)),
            "children_under_25": rng.randint(0, 4), "church_tax": rng.random() < 0.5,
            "health_insurance_addon": rng.choice((250, 290, 320)),
            "childless": rng.random() < 0.3, "state": rng.choice(("BY", "NW", "SN", "BE")),
            "iban": "DE89370400440532013000", "status": "active",
            "health_fund": funds[n % len(funds)],
        })
    return docs


def _dt(day: date):
    from datetime import datetime, timezone
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)


def timed(label: str, function, *args):
    start = time.perf_counter()
    result = function(*args)
    elapsed = time.perf_counter() - start
    print(f"  {label:<44} {elapsed:8.2f} s")
    return result, elapsed


def bench_run(count: int) -> None:
    from models import Employee, PayrollRun, Payslip
    from services.payroll import posting, runs
    from services.payroll.calculation import calculate_pay
    from services.payroll.rates import rates_for_month

    Employee._get_collection().insert_many(employees(count, "B"))
    print(f"payroll run for {count:,} employees (03/2026)")
    start = time.perf_counter()
    run, _ = timed("create run", runs.create_run, 2026, 3, HR)
    run, t_calc = timed("calculate (tax engine + payslip records)", runs.calculate_run,
                        run.pk, HR)
    timed("approve", runs.approve_run, run.pk, HR)
    run, _ = timed("post (re-add payslips + journal entry)", posting.post_run, run.pk, HR)
    total = time.perf_counter() - start
    assert run.status == "posted" and run.totals.count == count, run
    print(f"  {'total':<44} {total:8.2f} s   (target < 30 s)")

    # The tax engine alone, on the same snapshots, without the database.
    rates = rates_for_month(2026, 3)
    inputs = [runs.pay_input(s.employee_data) for s in Payslip.objects(run=run).no_cache()]
    _, t_engine = timed("pay calculation only (no database)",
                        lambda: [calculate_pay(p, 2026, 3, rates) for p in inputs])
    print(f"  per employee: pay calculation {t_engine / count * 1e6:.0f} µs, "
          f"whole calculate step {t_calc / count * 1e6:.0f} µs")

    docs = list(Payslip._get_collection().find({"run": run.pk}))
    scratch = Payslip._get_collection().database["bench_raw_payslips"]
    for doc in docs:
        doc.pop("_id")
    _, t_raw = timed("floor: raw insert_many of the same payslips",
                     scratch.insert_many, docs)
    print(f"  calculate step / raw insert = {t_calc / t_raw:.1f}x")
    print(f"  run total {PayrollRun.objects.get(pk=run.pk).totals.employer_cost} € "
          f"employer cost")


def bench_pdfs(count: int) -> None:
    from models import Employee, Payslip
    from services.payroll import documents, runs
    from services.payroll.render import html_to_pdf, render_html

    Employee._get_collection().delete_many({})  # April pays only these employees
    Employee._get_collection().insert_many(employees(count, "P"))
    run = runs.calculate_run(runs.create_run(2026, 4, HR).pk, HR)
    runs.approve_run(run.pk, HR)
    company = documents.Company("Muster Handels GmbH", "Musterstraße 1, 80331 München")
    print(f"payslip PDFs for {count:,} employees (04/2026)")
    issued, t_issue = timed("render + archive (issue_payslips)",
                            documents.issue_payslips, run.pk, HR, company)
    assert issued == count
    print(f"  pages/s (1 page per payslip)                 {count / t_issue:8.1f}")
    slips = list(Payslip.objects(run=run).limit(200))
    _, t_floor = timed(f"floor: xhtml2pdf only, {len(slips)} of the same HTML",
                       lambda: [html_to_pdf(render_html("payslip.html", slip=s,
                                                        company=company)) for s in slips])
    print(f"  pages/s xhtml2pdf alone                      {len(slips) / t_floor:8.1f}")
    print(f"  issue / render-only per page = "
          f"{(t_issue / count) / (t_floor / len(slips)):.2f}x")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    pdfs = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000
    from app import create_app
    from seeds.reference import seed_reference

    # A terminated benchmark still stops the database it started (finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    uri, stop_database = database("bench-payroll-")
    name = f"bench_{uuid.uuid4().hex[:8]}"
    try:
        app = create_app({"TESTING": True, "MONGODB_URI": uri, "MONGODB_DB": name,
                          "DATA_DIR": Path(tempfile.mkdtemp(prefix="bench-data-"))})
        with app.app_context():
            from models import ensure_indexes
            ensure_indexes()
            seed_reference()
            bench_run(count)
            if pdfs:
                bench_pdfs(pdfs)
            import mongoengine as me
            me.get_connection().drop_database(name)
    finally:
        stop_database()


if __name__ == "__main__":
    main()
