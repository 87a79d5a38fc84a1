"""A year of the demo company's business up to today, deterministic (fixed seed).

Invoices across the last twelve months (paid on time, late, a few still open, a few
cancelled), monthly payroll runs calculated, approved, posted and paid, and every month
before the current one closed. Everything goes through the same services a clerk uses
(issuing with PDF/A and e-invoice XML, the hash-chained journal, payroll posting), so
the demo's books are what the product would have produced. Runs only once, right after
the demo company is loaded into an empty database.
"""
import random
from datetime import date, timedelta
from decimal import Decimal

from models.customer import Customer
from models.invoice import Invoice, InvoiceLine
from models.stock import StockItem
from seeds.catalogue import sales_price

FINANCE, HR, ADMIN = "finance@backoffice.example.com", "hr@backoffice.example.com", \
    "admin@backoffice.example.com"
MORE_CUSTOMERS = (
    ("K0005", "Autohaus Berger GmbH & Co. KG", "Ringstraße 18", "90402", "Nürnberg"),
    ("K0006", "Elektro Schulte e. K.", "Am Bahnhof 2", "33602", "Bielefeld"),
    ("K0007", "Gärtnerei Lindner", "Feldweg 9", "01067", "Dresden"),
    ("K0008", "Hausverwaltung Krämer GmbH", "Schillerstraße 31", "60313", "Frankfurt am Main"),
    ("K0009", "Metallbau Özdemir GmbH", "Gewerbepark 5", "44135", "Dortmund"),
    ("K0010", "Spedition Hoffmann & Sohn", "Hafenstraße 77", "28195", "Bremen"),
    ("K0011", "Tischlerei Wagner", "Dorfstraße 4", "24103", "Kiel"),
    ("K0012", "Brauerei Zum Löwen GmbH", "Braugasse 1", "93047", "Regensburg"),
)
SERVICES = (("Montage vor Ort", "HUR", Decimal("68.00")),
            ("Lieferpauschale", "C62", Decimal("19.50")))
INVOICES = 200


def seed_demo_history(today: date, seed: int = 2026, invoices: int = INVOICES) -> dict:
    """Add the year's invoices, payments, payroll runs and closed months; return counts.

    `invoices` spreads that many over the year (the test suite uses a few to stay fast).
    """
    rng = random.Random(seed)
    customers = _customers()
    articles = list(StockItem.objects.only("name", "unit", "unit_cost").order_by("sku"))
    first = (today.replace(day=1) - timedelta(days=335)).replace(day=1)
    counts = {"invoices_issued": 0, "payments": 0, "invoices_cancelled": 0}
    recent = max(3, invoices // 10)          # the last three weeks: still open
    days = sorted([_workday(first + timedelta(days=rng.randrange((today - first).days)))
                   for _ in range(invoices - recent)]
                  + [_workday(today - timedelta(days=rng.randrange(3, 21))) for _ in range(recent)])
    for n, day in enumerate(d for d in days if d < today):
        _one_invoice(rng, n, day, today, rng.choice(customers), articles, counts)
    counts["payroll_runs"] = _payroll(today)
    counts["closed_months"] = _close_past_months(first, today)
    counts["filings_done"] = _past_filings_done(first, today)
    return counts


def _past_filings_done(first: date, today: date) -> int:
    """The year's statutory filings due before today are marked done (the demo filed them;
    their payroll runs are posted and paid), so the task lists show what is still open.
    So are contract notice deadlines already past: the demo company decided to keep
    those contracts (they renewed), rather than showing a deadline missed months ago."""
    from services.compliance.calendar import contract_items, mark_done, statutory_items

    items = statutory_items(first, today - timedelta(days=1)) \
        + contract_items(first, today - timedelta(days=1))
    for item in items:
        mark_done(item.key, ADMIN)
    return len(items)


def _customers() -> list[Customer]:
    for no, name, street, plz, city in MORE_CUSTOMERS:
        if not Customer.objects(customer_no=no).first():
            Customer(customer_no=no, name=name, street=street, postal_code=plz, city=city,
                     email=f"buchhaltung@{no.lower()}.example.com").save()
    return list(Customer.objects.order_by("customer_no"))


def _one_invoice(rng, n, day, today, customer, articles, counts) -> None:
    from services.invoicing.issuing import cancel_invoice, issue_invoice, record_payment

    lines = []
    for article in rng.sample(articles, rng.randrange(1, 5)):
        lines.append(InvoiceLine(description=article.name, unit=article.unit,
                                 quantity=Decimal(rng.randrange(1, 25)),
                                 unit_price=sales_price(article.unit_cost), vat_rate="19"))
    if rng.random() < 0.3:
        text, unit, price = rng.choice(SERVICES)
        lines.append(InvoiceLine(description=text, unit=unit, quantity=Decimal(rng.randrange(1, 6)),
                                 unit_price=price, vat_rate="19"))
    days_to_pay = rng.choice((14, 14, 30))
    draft = Invoice(customer=customer, issue_date=day, service_date=day, lines=lines,
                    payment_days=days_to_pay,
                    payment_terms=f"Zahlbar innerhalb von {days_to_pay} Tagen ohne Abzug.",
                    created_by=FINANCE).save()
    inv = issue_invoice(draft, FINANCE, today=day)
    counts["invoices_issued"] += 1
    fate = rng.random()
    if fate < 0.03 and day + timedelta(days=3) < today:
        cancel_invoice(inv, FINANCE, today=_workday(day + timedelta(days=3)))
        counts["invoices_cancelled"] += 1
        return
    late = fate > 0.85
    pay_day = _workday(day + timedelta(days=rng.randrange(3, days_to_pay + 1)
                                       + (rng.randrange(10, 45) if late else 0)))
    if pay_day < today:
        record_payment(inv, amount=inv.gross_total, day=pay_day, user=FINANCE,
                       key=f"demo-payment-{n}", reference=f"Überweisung {inv.number}")
        counts["payments"] += 1


def _payroll(today: date) -> int:
    """Monthly runs of this year up to last month: calculated, approved, posted, paid."""
    from services.payroll.payments import LIABILITIES, open_liabilities, pay_liability
    from services.payroll.posting import post_run
    from services.payroll.runs import approve_run, calculate_run, create_run

    done = 0
    for month in range(1, today.month):
        run = create_run(today.year, month, HR)
        calculate_run(run.pk, HR)
        approve_run(run.pk, ADMIN)
        run = post_run(run.pk, HR)
        paid_on = _workday(date(today.year, month, 25) if month < 12 else date(today.year, 12, 22))
        for kind in LIABILITIES:
            if open_liabilities(run).get(kind):
                pay_liability(run.pk, kind, HR, on=paid_on)
        done += 1
    return done


def _close_past_months(first: date, today: date) -> int:
    """Close every month before the current one (the books of the past are final)."""
    from services.ledger.periods import close_period

    closed, month = 0, first
    while month < today.replace(day=1):
        close_period(month.year, month.month, user=FINANCE)
        closed += 1
        month = (month + timedelta(days=32)).replace(day=1)
    return closed


def _workday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day
