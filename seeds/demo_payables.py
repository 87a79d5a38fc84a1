"""Demo supplier invoices: XML e-invoices of demo suppliers run through the real intake.

Each invoice is an EN 16931 CII XML built by the same lxml builder the outgoing invoices
use (services.invoicing.einvoice, XSD-checked with factur-x), with the supplier as seller
and the demo company as buyer, and then read, checked (XSD, Schematron, arithmetic, VAT
ID, IBAN), archived and booked by the payables services a clerk uses:

- one booked (checked by finance, approved by admin, posted) and paid;
- one booked and not paid, past its due date (aging list, payment proposals);
- one checked by finance and waiting for approval (on the approvers' task list);
- one from a supplier who left out its USt-IdNr. (and tax number): the EN 16931
  Schematron reports BR-S-02/BR-CO-26, and the finding stays on the draft for finance.

Nothing is added if supplier invoices exist.

Also a few ECB reference rates (USD, GBP, CHF) of the last business days, so a supplier
invoice in a foreign currency can be booked in the demo (services.payables.fx).
"""
from datetime import date, timedelta
from decimal import Decimal

from models.stock import StockItem
from models.supplier import Supplier
from models.supplier_invoice import SupplierInvoice
from models.user import User

INTAKE_USER = "system (Eingangsordner)"   # as the drop folder: finance may approve it
FINANCE, ADMIN = "finance@backoffice.example.com", "admin@backoffice.example.com"
BUYER = {"name": "Backoffice Demo GmbH", "street": "Musterstraße 1", "postal_code": "80331",
         "city": "München", "country": "DE", "vat_id": "DE136695976"}


def seed_demo_payables(today: date | None = None) -> dict:
    """Four supplier invoices (paid, overdue, awaiting approval, with a finding); counts."""
    from services.payables.approval import approve_invoice, check_invoice
    from services.payables.intake import import_invoice_file
    from services.payables.payments import record_supplier_payment

    if SupplierInvoice.objects.first() is not None:
        return {}
    finance, admin = demo_user(FINANCE, "finance"), demo_user(ADMIN, "admin")
    suppliers = [s for s in Supplier.objects.order_by("supplier_no") if s.vat_id and s.iban][:4]
    if len(suppliers) < 4:
        return {}
    today = today or date.today()
    plans = ((suppliers[0], today - timedelta(days=40), 3, False),
             (suppliers[1], today - timedelta(days=6), 2, False),
             (suppliers[2], today - timedelta(days=3), 2, True),
             (suppliers[3], today - timedelta(days=75), 4, False))
    imported = []
    for n, (supplier, day, count, no_vat_id) in enumerate(plans, start=1):
        xml = invoice_xml(supplier, f"{supplier.supplier_no}-RE-{day:%Y}-{400 + n}", day, count,
                          with_vat_id=not no_vat_id)
        result = import_invoice_file(xml, f"Rechnung_{supplier.supplier_no}_{400 + n}.xml",
                                     user=INTAKE_USER, today=day)
        imported.append(result.invoice)
    paid, waiting, _finding, overdue = imported
    approve_invoice(check_invoice(paid, finance), admin, today=paid.issue_date)
    paid = SupplierInvoice.objects.get(pk=paid.pk)
    record_supplier_payment(paid.pk, paid.amount_due, paid.issue_date + timedelta(days=12),
                            FINANCE, idempotency_key=f"demo-supplier-payment-{paid.number}")
    check_invoice(waiting, finance)
    approve_invoice(check_invoice(overdue, finance), admin, today=overdue.issue_date)
    return {"supplier_invoices": len(imported)}


# 1 EUR = rate units, the ECB's quotation; example values of the order of the ECB's
# reference rates in late 2025 (not official figures), oldest day first.
DEMO_RATES = {"USD": ("1.1587", "1.1602", "1.1569", "1.1621", "1.1634"),
              "GBP": ("0.8791", "0.8803", "0.8786", "0.8812", "0.8808"),
              "CHF": ("0.9318", "0.9325", "0.9309", "0.9331", "0.9340")}


def seed_demo_exchange_rates(today: date | None = None) -> dict:
    """ECB rates of the five TARGET business days before `today`; existing ones are kept."""
    from models.exchange_rate import ExchangeRate
    from services.banking.sepa_calendar import is_target_day

    days, day = [], today or date.today()
    while len(days) < 5:  # the ECB publishes on TARGET days only
        day -= timedelta(days=1)
        if is_target_day(day):
            days.append(day)
    added = 0
    for currency, rates in DEMO_RATES.items():
        for day, rate in zip(reversed(days), rates):
            if ExchangeRate.objects(currency=currency, kind="ecb_day", day=day).first() is None:
                ExchangeRate(currency=currency, kind="ecb_day", day=day, rate=Decimal(rate),
                             source="Demo: EZB-Referenzkurs (Beispielwert)",
                             entered_by="seed-demo").save()
                added += 1
    return {"exchange_rates": added}


def demo_user(email: str, role: str) -> User:
    """The demo user acting (or, where the demo users are not loaded, one standing in)."""
    return User.objects(email=email).first() or User(email=email, name=f"Demo {role}",
                                                     roles=[role])


def invoice_xml(supplier: Supplier, number: str, day: date, count: int,
                with_vat_id: bool = True) -> bytes:
    """The supplier's invoice for `count` of its articles, as checked CII XML bytes."""
    from models.invoice import InvoiceLine
    from services.invoicing import einvoice
    from services.invoicing.issuing import rate_table, totals_for

    articles = list(StockItem.objects(supplier=supplier).order_by("sku").limit(count)) or \
        list(StockItem.objects.order_by("sku").limit(count))
    lines = [InvoiceLine(description=a.name, unit=a.unit or "H87", vat_rate="19",
                         quantity=Decimal(10 * (i + 1)), unit_price=a.unit_cost)
             for i, a in enumerate(articles)]
    rates = rate_table()
    totals = totals_for(lines, rates)
    terms = f"Zahlbar innerhalb von {supplier.payment_terms_days or 30} Tagen ohne Abzug."
    data = {
        "number": number, "kind": "invoice", "issue_date": day, "service_date": day,
        "due_date": day + timedelta(days=supplier.payment_terms_days or 30),
        "payment_terms": terms,
        "lines": [{"description": ln.description, "unit": ln.unit, "quantity": ln.quantity,
                   "unit_price": ln.unit_price, "vat_rate": ln.vat_rate,
                   "rate": rates[ln.vat_rate].rate} for ln in lines],
        "supplier": {"name": supplier.name, "street": supplier.street,
                     "postal_code": supplier.postal_code, "city": supplier.city,
                     "country": supplier.country or "DE",
                     "vat_id": supplier.vat_id if with_vat_id else None,
                     "iban": supplier.iban, "email": supplier.email},
        "recipient": dict(BUYER),
    }
    xml = einvoice.build_cii_xml(data, totals, rates)
    einvoice.check_xml(xml)
    return xml
