"""Small factories with sensible defaults and keyword overrides."""
import itertools
from datetime import date
from decimal import Decimal

from models import Employee, HealthFund, JournalEntry, StockItem, Supplier, Ticket, User
from models.ledger import JournalLine

_seq = itertools.count(1)
PASSWORD = "Test-Passw0rd!"


def make_user(*roles, email=None, **kw) -> User:
    n = next(_seq)
    kw.setdefault("name", f"Test User {n}")
    user = User(email=email or f"user{n}@firma.example.com", roles=list(roles) or ["admin"],
                **kw)
    user.set_password(PASSWORD, fast=True)
    return user.save()


def betriebsnummer(seven_digits: str) -> str:
    """Append the check digit (weights 1,2,1,2,1,2,1, digit sums, modulo 10)."""
    total = sum(sum(map(int, str(int(d) * w)))
                for d, w in zip(seven_digits, (1, 2, 1, 2, 1, 2, 1)))
    return seven_digits + str(total % 10)


def make_health_fund(**kw) -> HealthFund:
    """A fund with add-on 2.90 %, U1 1.6 %, U2 0.44 % (test figures, not a real fund's)."""
    values = dict(name="Test-BKK", betriebsnummer=betriebsnummer("1234567"),
                  addon_rate=Decimal("2.90"), u1_rate=Decimal("1.6"), u2_rate=Decimal("0.44"))
    values.update(kw)
    existing = HealthFund.objects(betriebsnummer=values["betriebsnummer"]).first()
    return existing or HealthFund(**values).save()


def make_employee(**kw) -> Employee:
    n = next(_seq)
    values = dict(personnel_no=f"T{n:05d}", first_name="Jürgen", last_name="Müller",
                  hire_date=date(2020, 4, 1), monthly_gross=Decimal("3850.00"),
                  iban="DE89370400440532013000", state="BY")
    if "health_fund" not in kw:
        values["health_fund"] = make_health_fund()
    values.update(kw)
    return Employee(**values).save()


def make_supplier(**kw) -> Supplier:
    n = next(_seq)
    values = dict(supplier_no=f"S{n:05d}", name="Großhandel Schäfer GmbH",
                  vat_id="DE123456788", iban="DE89370400440532013000",
                  postal_code="80331", city="München")
    values.update(kw)
    return Supplier(**values).save()


def make_stock_item(**kw) -> StockItem:
    n = next(_seq)
    values = dict(sku=f"SKU-{n:05d}", name="Kabelbinder 200 mm", unit="Pkt",
                  quantity=Decimal("12"), unit_cost=Decimal("3.4900"))
    values.update(kw)
    return StockItem(**values).save()


def make_ticket(**kw) -> Ticket:
    values = dict(title="Drucker im Büro druckt nicht", priority="normal")
    values.update(kw)
    return Ticket(**values).save()


def make_entry(amount="119.00", **kw) -> JournalEntry:
    values = dict(date=date(2026, 3, 15), text="Büromaterial bar",
                  lines=[JournalLine(account="4930", debit=Decimal(amount)),
                         JournalLine(account="1000", credit=Decimal(amount))])
    values.update(kw)
    return JournalEntry(**values).save()


def make_company(**kw):
    from models.company import Company

    values = dict(name="Müller & Söhne GmbH", street="Hauptstraße 5", postal_code="80331",
                  city="München", vat_id="DE136695976", tax_number="143/123/45678",
                  bank_name="Stadtsparkasse München", iban="DE89370400440532013000",
                  bic="COBADEFFXXX", managing_director="Jörg Müller",
                  register="Amtsgericht München HRB 12345", email="rechnung@mueller.example.com")
    values.update(kw)
    return Company(**values).save()


def make_customer(**kw):
    from models.customer import Customer

    n = next(_seq)
    values = dict(customer_no=f"K{n:05d}", name="Bäckerei Größer KG", street="Lindenweg 12",
                  postal_code="10115", city="Berlin", vat_id="DE136695976",
                  email="buchhaltung@groesser.example.com")
    values.update(kw)
    return Customer(**values).save()


def make_invoice(lines=None, **kw):
    from models.invoice import Invoice, InvoiceLine

    values = dict(customer=kw.pop("customer", None) or make_customer(),
                  service_date=date(2026, 3, 10), issue_date=date(2026, 3, 15),
                  lines=lines or [
                      InvoiceLine(description="Beratung Büroorganisation", quantity=Decimal("3"),
                                  unit="Std", unit_price=Decimal("95.00"), vat_rate="19"),
                      InvoiceLine(description="Fachbuch „Ordnung“", quantity=Decimal("2"),
                                  unit="Stk", unit_price=Decimal("24.90"), vat_rate="7")])
    values.update(kw)
    return Invoice(**values).save()


def make_absence_request(employee, code="urlaub", start=None, end=None, by="hr@firma.example.com",
                         **kw):
    """Request (and for types without approval, record) an absence through the service."""
    from services.hr.absences import request_absence

    absence, _ = request_absence(employee, code, start, end or start, by, **kw)
    return absence
