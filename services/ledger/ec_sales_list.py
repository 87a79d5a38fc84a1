"""Zusammenfassende Meldung (EC sales list): intra-EU supplies and services per VAT ID."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from models.invoice import Invoice
from services.ledger.vat_return import period_months

ZERO = Decimal("0.00")
# The VAT return line of a tax line -> the ZM kind: L goods (Kz 41), S services (Kz 21).
ZM_KINDS = {"41": "L", "21": "S"}


@dataclass
class ZmRow:
    vat_id: str
    kind: str
    amount: Decimal  # whole euros on the form; kept exact here


def ec_sales_list(year: int, period: str) -> list[ZmRow]:
    """Sum the intra-EU supplies (L) and services (S) of issued invoices per buyer VAT ID."""
    months = period_months(period)
    start, end = date(year, months[0], 1), date(year + months[-1] // 12,
                                                months[-1] % 12 + 1, 1)
    sums: dict[tuple[str, str], Decimal] = {}
    for inv in Invoice.objects(status__in=("issued", "paid", "cancelled"),
                               issue_date__gte=start, issue_date__lt=end):
        sign = -1 if inv.kind == "credit_note" else 1
        vat_id = (inv.recipient or {}).get("vat_id") or "?"
        for tax in inv.tax_lines:
            kind = ZM_KINDS.get(tax.ustva_kz or "")
            if kind:
                key = (vat_id.replace(" ", ""), kind)
                sums[key] = sums.get(key, ZERO) + sign * abs(tax.net)
    return [ZmRow(vat_id, kind, amount) for (vat_id, kind), amount in sorted(sums.items())
            if amount]
