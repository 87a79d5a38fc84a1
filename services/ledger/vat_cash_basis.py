"""Ist-Versteuerung (§ 20 UStG): the output tax of taxed sales in the month the money arrives.

Under cash-basis accounting the tax of a taxed sale arises when the customer pays
(§ 13 (1) Nr. 1 b UStG). So for the taxed sales keys (a rate or a tax Kennzahl on the
sales side: USt19, USt7, USt-ALT) the return leaves out what invoices and credit notes
posted and what the payments of invoices corrected (Skonto, write-off: under Ist that is
money never received) and takes instead the money received in the period, split over
the invoice's tax lines in their proportion of its gross total. Each payment's share is
the difference of the cumulative shares, so an invoice paid in full gives exactly its
tax lines, never a cent more or less. What a payment brings beyond the open amount
(`overpaid`) is the customer's credit, not a receipt for the invoice.

Everything else stays as booked: input tax (§ 15 UStG follows the invoice), reverse
charge and tax-free supplies, and taxed lines posted by hand (a cash sale or an asset
sold against the bank is paid when it is posted). Amounts are integer cents inside.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from models.invoice import Invoice, VatRate
from models.ledger import JournalEntry

DOCUMENT_SOURCES = ("invoice", "payment")  # invoices, credit notes, customer payments


def taxed_sales_keys(tax_keys: dict) -> set[str]:
    """The sales keys that carry output tax (their tax follows the payment under Ist)."""
    return {k.key for k in tax_keys.values()
            if k.side == "sales" and (k.rate is not None or k.tax_kz)}


def cash_basis_balances(cents: dict[tuple[str, str], tuple[int, int]], year: int,
                        months: tuple[int, ...], keys: set[str]
                        ) -> dict[tuple[str, str], tuple[int, int]]:
    """The period's (account, tax key) cents with taxed sales moved from invoice to payment."""
    start, end = date(year, months[0], 1), _month_end(year, months[-1])
    result = {key: list(pair) for key, pair in cents.items()}
    for (account, key), (debit, credit) in _document_lines(year, start, end, keys).items():
        pair = result.setdefault((account, key), [0, 0])
        pair[0] -= debit
        pair[1] -= credit
    for (account, key), credit in received_shares(start, end, keys).items():
        result.setdefault((account, key), [0, 0])[1] += credit
    return {key: (d, c) for key, (d, c) in result.items() if d or c}


def received_shares(start: date, end: date, keys: set[str]) -> dict[tuple[str, str], int]:
    """Credit cents per (revenue or VAT account, tax key) of the payments in [start, end]."""
    shares: dict[tuple[str, str], int] = {}
    for share in share_rows(start, end, keys):
        key = (share.account, share.tax_key)
        shares[key] = shares.get(key, 0) + share.cents
    return shares


@dataclass(frozen=True)
class Share:
    """One payment's part of one tax line of its invoice, on the revenue or the VAT account."""

    invoice: str
    payment_date: date
    entry_id: object
    account: str
    tax_key: str
    cents: int


def share_rows(start: date, end: date, keys: set[str]):
    """Every payment share in [start, end], by invoice and payment (what Ist is made of).

    A payment the bank returned (a chargeback, a returned direct debit) is money taken
    back on its return day: that day gives the negative of what the payment gave, so the
    tax follows the money both ways and an invoice returned in full ends at zero.
    """
    rates = {r.code: r for r in VatRate.objects}
    window = {"$gte": _dt(start), "$lt": _dt(end) + timedelta(days=1)}
    for invoice in Invoice.objects(__raw__={"kind": "invoice", "$or": [
            {"payments.date": window}, {"payments.returned_on": window}]}).order_by("number"):
        gross = _cents(invoice.gross_total)
        if gross <= 0:
            continue
        received = 0
        for day, cents, entry_id in _money_events(invoice.payments):
            before, received = received, received + cents
            if not start <= day <= end:
                continue
            for line in invoice.tax_lines:
                rate = rates.get(line.rate_code)
                if rate is None or rate.tax_key not in keys:
                    continue
                for account, amount in ((rate.revenue_account, line.net),
                                        (rate.vat_account, line.vat)):
                    share = _part(_cents(amount), received, gross) - \
                        _part(_cents(amount), before, gross)
                    if account and share:
                        yield Share(invoice.number, day, entry_id, account, rate.tax_key,
                                    share)


def _money_events(payments) -> list[tuple[date, int, object]]:
    """(day, cents received (+) or taken back (-), entry) in the order the money moved.

    What a payment brought beyond the open amount (`overpaid`) is the customer's credit,
    not a receipt for the invoice, on the way in and on the way back.
    """
    events = []
    for payment in payments:
        cents = _cents(payment.amount) - _cents(payment.overpaid or 0)
        events.append((_day(payment.date), 0, payment.key, cents, payment.entry_id))
        if payment.returned_on:
            events.append((_day(payment.returned_on), 1, payment.key, -cents,
                           payment.return_entry_id))
    return [(day, cents, entry) for day, _, _, cents, entry in sorted(events,
                                                                     key=lambda e: e[:3])]


def _document_lines(year: int, start: date, end: date, keys: set[str]
                    ) -> dict[tuple[str, str], tuple[int, int]]:
    """Debit/credit cents per (account, key) that invoices and their payments posted."""
    sums: dict[tuple[str, str], list[int]] = {}
    cursor = JournalEntry._get_collection().find(
        {"fiscal_year": year, "status": "posted", "source": {"$in": list(DOCUMENT_SOURCES)},
         "date": {"$gte": _dt(start), "$lte": _dt(end)}, "lines.tax_key": {"$in": list(keys)}},
        {"lines": 1, "_id": 0})
    for doc in cursor:
        for line in doc["lines"]:
            if line.get("tax_key") in keys:
                pair = sums.setdefault((line["account"], line["tax_key"]), [0, 0])
                pair[0] += int(line.get("debit") or 0)
                pair[1] += int(line.get("credit") or 0)
    return {key: (d, c) for key, (d, c) in sums.items()}


def _part(amount: int, received: int, gross: int) -> int:
    """amount × received / gross in cents, rounded half up (commercial rounding)."""
    return int((Decimal(amount) * received / gross).quantize(Decimal("1"), ROUND_HALF_UP))


def _cents(value) -> int:
    return int((Decimal(value or 0) * 100).quantize(Decimal("1")))


def _day(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def _dt(day: date) -> datetime:
    return datetime.combine(day, time())


def _month_end(year: int, month: int) -> date:
    return date.fromordinal(date(year + month // 12, month % 12 + 1, 1).toordinal() - 1)
