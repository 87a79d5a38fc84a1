"""Demo company and reference data: idempotent seeding."""
import io
from datetime import date, timedelta
from decimal import Decimal

from models import (Account, ArchivedFile, DocumentCategory, Employee, StockItem, Supplier,
                    Ticket, User)
from services.archive.store import archive_file

COUNTED = (Account, DocumentCategory, Employee, Supplier, StockItem, Ticket, ArchivedFile,
           User)


def store_file(category: str, filename: str, data: bytes = b"%PDF-1.4 test",
               document_date: date = date(2026, 1, 15), **kw) -> ArchivedFile:
    """Archive a file directly (test helper)."""
    return archive_file(io.BytesIO(data), filename, category=category,
                        document_date=document_date, uploaded_by=kw.pop("uploaded_by", "test"),
                        max_bytes=10**6, **kw)


def counts():
    return {doc.__name__: doc.objects.count() for doc in COUNTED}


def test_seed_demo_twice_gives_the_same_counts(runner, app):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "demo company loaded" in first.output
    after_first = counts()
    assert after_first["Employee"] == 50 and after_first["Supplier"] == 20
    assert after_first["StockItem"] == 200 and after_first["Ticket"] == 100
    assert after_first["User"] == 6 and after_first["ArchivedFile"] >= 3
    assert after_first["Account"] > 80
    from models.company import Company
    assert Company.current() is not None  # invoices can be issued at once

    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "nothing changed" in second.output
    assert counts() == after_first
    # The printed log-ins stay valid: the second run prints the same passwords.
    logins = [line.split() for line in first.output.splitlines() if "@" in line]
    assert logins == [line.split() for line in second.output.splitlines() if "@" in line]
    role, email, password = logins[0]
    assert User.objects.get(email=email).check_password(password)


def test_demo_data_is_plausible_and_valid(runner, app):
    runner.invoke(args=["seed-demo"])
    departments = set(Employee.objects.distinct("department"))
    assert {"Buchhaltung", "Lager", "IT"} <= departments
    for doc in (Employee, Supplier, StockItem, Ticket):
        for obj in doc.objects.limit(30):
            obj.validate()
    assert all(item.supplier for item in StockItem.objects.limit(20))
    _the_year_is_consistent(date.today())
    _payables_absences_and_it_are_there(date.today())
    _exchange_rates_are_there(date.today())


def _exchange_rates_are_there(today):
    """USD, GBP and CHF ECB rates of recent weekdays: a USD invoice of today finds one."""
    from models.exchange_rate import ExchangeRate
    from services.payables.fx import find_rate

    for currency in ("USD", "GBP", "CHF"):
        rates = list(ExchangeRate.objects(currency=currency, kind="ecb_day"))
        assert len(rates) == 5
        assert all(r.day < today and r.day.weekday() < 5 for r in rates)
        assert all(today - r.day <= timedelta(days=10) for r in rates)
        assert find_rate(currency, today).rate == max(rates, key=lambda r: r.day).rate


def test_demo_exchange_rates_on_the_ecb_days_before_christmas(app):
    from models.exchange_rate import ExchangeRate
    from seeds.demo_payables import seed_demo_exchange_rates

    # Monday 28.12.2026: back over Sunday 27th, Saturday 26th and Christmas Day (closed)
    assert seed_demo_exchange_rates(date(2026, 12, 28)) == {"exchange_rates": 15}
    days = sorted({r.day for r in ExchangeRate.objects})
    assert days == [date(2026, 12, 18), date(2026, 12, 21), date(2026, 12, 22),
                    date(2026, 12, 23), date(2026, 12, 24)]
    usd = ExchangeRate.objects.get(currency="USD", day=date(2026, 12, 24))
    assert usd.rate == Decimal("1.1634") and usd.kind == "ecb_day"
    assert seed_demo_exchange_rates(date(2026, 12, 28)) == {"exchange_rates": 0}  # kept
    assert ExchangeRate.objects.count() == 15


def _payables_absences_and_it_are_there(today):
    """Issue 20's remaining demo data: supplier e-invoices in each state, absences, IT."""
    from models.absence import Absence
    from models.it_asset import Asset, Licence
    from models.supplier_invoice import SupplierInvoice
    from services.compliance.calendar import statutory_items
    from services.hr.absences import balance
    from services.payables.approval import may_approve

    invoices = {inv.status: [] for inv in SupplierInvoice.objects}
    for inv in SupplierInvoice.objects:
        invoices[inv.status].append(inv)
        assert inv.source_format == "cii" and inv.source_file is not None  # the real intake
    assert set(invoices) == {"posted", "checked", "draft"}
    paid = [inv for inv in invoices["posted"] if inv.paid_total == inv.amount_due > 0]
    unpaid = [inv for inv in invoices["posted"] if not inv.paid_total]
    assert len(paid) == 1 and len(unpaid) == 1 and unpaid[0].due_date < today
    assert may_approve(invoices["checked"][0], User.objects.get(email="admin@backoffice.example.com"))
    (draft,) = invoices["draft"]
    assert {f.code for f in draft.findings if f.severity == "error"} >= {"BR-S-02"}
    # absences: spread over the year, each kind and state a clerk meets
    absences = list(Absence.objects)
    kinds = {(a.absence_type.code, a.status) for a in absences}
    assert {("urlaub", "approved"), ("urlaub", "requested"), ("krank", "approved")} <= kinds
    assert any(a.eau_result == "eau_present" for a in absences)
    # (in January the year's plan lies mostly ahead: then fewer past months are covered)
    assert len({(a.start.year, a.start.month) for a in absences}) >= (3 if today.month > 3 else 2)
    for person in {a.employee for a in absences}:
        account = balance(person, today.year, today)
        assert account.remaining >= 0, person      # nobody took more than the entitlement
    # IT: most devices handed out to someone, licence seats taken
    handed = Asset.objects(status="handed_out")
    assert handed.count() >= 5 and all(a.employee for a in handed)
    assert sum(len(lic.assignments) for lic in Licence.objects) >= 5
    # the past statutory filings are done; nothing due before today is left open
    from models.compliance import ComplianceDone
    done = set(ComplianceDone.objects.scalar("id"))
    start = (today.replace(day=1) - timedelta(days=300)).replace(day=1)
    assert all(item.key in done for item in statutory_items(start, today - timedelta(days=1)))
    # and no contract notice deadline missed months ago shows up as overdue: the printer
    # contract (from 1.1.2025, 24 months, 3 months' notice to its end) had 30.09.2026
    from services.compliance.calendar import contract_items
    assert all(item.key in done for item in contract_items(start, today - timedelta(days=1)))
    if start <= date(2026, 9, 30) < today:
        assert "contract:V-2025-002:2026-09-30" in done


def _the_year_is_consistent(today):
    """The demo's year (issue 20): checked against rules stated here, not the seed's code."""
    from decimal import Decimal

    from models.invoice import Invoice
    from models.payroll import PayrollRun
    from models.posting import FiscalYear
    from services.ledger.posting import verify_chain
    from services.ledger.reports import trial_balance
    from services.operations.stock_reports import valuation

    # a coherent catalogue: every article's supplier sells its category, no absurd values
    for item in StockItem.objects:
        assert Decimal("0.30") <= item.unit_cost <= Decimal("120.00"), item.name
        assert "Variante" not in item.name
    assert Decimal("20000") < valuation().total < Decimal("250000")  # was 6.3 M€ (issue 20)
    assert StockItem.objects(name__startswith="Europalette").first().unit == "H87"
    # tickets: the history follows the workflow; closed ones were resolved first
    for ticket in Ticket.objects(status__in=["resolved", "closed"]):
        steps = [change.to_status for change in ticket.history]
        assert steps[:2] == ["in_progress", "resolved"], steps
        assert ticket.resolved_at is not None
    assert Ticket.objects(status="closed").count() > 0
    # invoices over the past year: issued, paid, open and cancelled ones, none in the future
    issued = Invoice.objects(kind="invoice", status__ne="draft")
    assert issued.count() >= 20
    assert {inv.status for inv in issued} >= {"paid", "issued"}
    assert all(inv.issue_date <= today for inv in issued)
    assert min(inv.issue_date for inv in issued) < today.replace(day=1)
    for inv in Invoice.objects(status="paid"):
        assert sum(p.amount for p in inv.payments) == inv.gross_total
        assert all(p.date >= inv.issue_date for p in inv.payments)
    # payroll: one posted run for every past month of this year, its liabilities paid
    runs = PayrollRun.objects(year=today.year)
    assert sorted(r.month for r in runs) == list(range(1, today.month))
    assert all(r.status == "posted" and r.payments for r in runs)
    # the books: every chain verifies, the trial balance balances, past months are closed
    for year in FiscalYear.objects:
        assert verify_chain(year.year).ok
    report = trial_balance(today.year, date(today.year, 1, 1), today)
    assert report.total("debit") == report.total("credit")
    this_year = FiscalYear.objects.get(year=today.year)
    assert set(this_year.closed_months) == set(range(1, today.month))


def test_demo_company_is_not_loaded_into_a_used_database(runner, app):
    from tests.factories import make_employee

    make_employee()
    result = runner.invoke(args=["seed-demo"])
    assert "nothing changed" in result.output
    assert Employee.objects.count() == 1 and Supplier.objects.count() == 0


def test_seed_reference_is_idempotent(runner, app):
    before = counts()
    result = runner.invoke(args=["seed-reference"])
    assert result.exit_code == 0 and "accounts +0" in result.output
    assert counts() == before


def test_seed_demo_adds_company_customers_and_issuable_drafts(runner, app):
    from models import Company, Customer, Invoice
    from services.invoicing import issuing as invoicing

    runner.invoke(args=["seed-demo"])
    assert Company.current().name == "Backoffice Demo GmbH"
    assert Customer.objects.count() == 12  # 4 with the books, 8 more with the year's history
    draft = Invoice.objects(status="draft").first()
    assert invoicing.issue_invoice(draft, "demo").status == "issued"
    invoices = Invoice.objects.count()
    runner.invoke(args=["seed-demo"])
    assert Customer.objects.count() == 12 and Invoice.objects.count() == invoices
