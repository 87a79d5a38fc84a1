"""Demo bank: the company's current account (with creditor id) and one MT940 statement.

The statement holds what a morning at the bank looks like: a rent debit, a telecom
debit, the bank's account charge (GVC 805) and a customer's transfer, so the
reconciliation screen has something to propose. Nothing is added if an account exists.
"""
from datetime import date, timedelta
from decimal import Decimal

from models.bank_account import BankAccount
from services.banking.statements import import_file
from services.ledger.charts import posting_accounts

IBAN = "DE89370400440532013000"
CREDITOR_ID = "DE98ZZZ09999999999"   # the Bundesbank's published test creditor id


def seed_demo_banking(today: date | None = None) -> dict:
    """Add the demo bank account and one statement of the day before `today`."""
    if BankAccount.objects.first() is not None:
        return {}
    BankAccount(name="Girokonto Commerzbank", iban=IBAN, bic="COBADEFFXXX",
                ledger_account=posting_accounts()["bank"], creditor_id=CREDITOR_ID).save()
    day = (today or date.today()) - timedelta(days=1)
    results = import_file(_mt940(day), "demo-kontoauszug.sta", "demo")
    return {"bank_statements": len(results)}


def _mt940(day: date) -> bytes:
    lines = [("-1450,00", "D", "116", "?00DAUERAUFTRAG?20Miete Buero Musterstrasse 1"
              "?30COBADEFFXXX?31DE12500105170648489890?32Hausverwaltung Schmidt GmbH"),
             ("-59,90", "D", "105", "?00LASTSCHRIFT?20Telefon und Internet?30DEUTDEFFXXX"
              "?31DE02120300000000202051?32Telekom Deutschland GmbH"),
             ("-12,90", "D", "805", "?00ENTGELTABSCHLUSS?20Kontofuehrung"),
             ("1190,00", "C", "166", "?00GUTSCHR. UEBERW.?20RE-2026-00001 Danke"
              "?30COBADEFFXXX?31DE75512108001245126199?32Baeckerei Groesser KG")]
    opening = Decimal("25000.00")
    closing = opening + sum(Decimal(a.replace(",", ".")) for a, *_ in lines)
    out = [":20:DEMO", ":25:37040044/0532013000", ":28C:1/1",
           f":60F:C{day:%y%m%d}EUR{opening:.2f}".replace(".", ",")]
    for amount, mark, gvc, details in lines:
        out.append(f":61:{day:%y%m%d}{day:%m%d}{mark}{amount.lstrip('-')}NTRFNONREF")
        text = gvc + details
        out.append(":86:" + "\r\n".join(text[i:i + 65] for i in range(0, len(text), 65)))
    out += [f":62F:C{day:%y%m%d}EUR{closing:.2f}".replace(".", ","), "-"]
    return ("\r\n".join(out) + "\r\n").encode("cp1252")
