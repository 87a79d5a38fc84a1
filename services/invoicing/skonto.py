"""Skonto (cash discount) on outgoing invoices: wording, CII terms and the split per VAT rate.

The law (§ 14 (4) Nr. 8 UStG) asks the invoice to state any agreed reduction of the
price; the discount taken later reduces the taxable amount of each rate (§ 17 UStG), so
it is split over the invoice's rates in proportion to their gross amounts and each
part is split again into net and VAT at that rate.
"""
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from services.core.formatting import format_date_de, format_decimal_de

CENT = Decimal("0.01")

# Erlösschmälerungen per VAT rate (percent) and chart; a rate without VAT takes "".
# Skonto: "Gewährte Skonti"; write-off of a small remainder: "Forderungsverluste".
ACCOUNTS = {
    "SKR03": {"discount": {"19.00": "8736", "7.00": "8731", "": "8730"},
              "write_off": {"19.00": "2406", "7.00": "2401", "": "2400"}},
    "SKR04": {"discount": {"19.00": "4736", "7.00": "4731", "": "4730"},
              "write_off": {"19.00": "6936", "7.00": "6931", "": "6930"}},
}


@dataclass(frozen=True)
class RatePart:
    """The part of a reduction that falls on one VAT rate of the invoice."""

    rate_code: str
    rate: Decimal
    gross: Decimal
    net: Decimal
    vat: Decimal


def percent_text(percent: Decimal) -> str:
    """Format 2.00 as '2', 2.50 as '2,5'."""
    return format_decimal_de(percent).rstrip("0").rstrip(",")


def skonto_amount(gross: Decimal, percent: Decimal) -> Decimal:
    """The discount on a gross amount, rounded to the cent."""
    return (Decimal(gross) * Decimal(percent) / 100).quantize(CENT, ROUND_HALF_UP)


def skonto_text(until: date, percent: Decimal, gross: Decimal) -> str:
    """The wording printed on the invoice (§ 14 (4) Nr. 8 UStG)."""
    discount = skonto_amount(gross, percent)
    return (f"Bei Zahlung bis zum {format_date_de(until)} abzüglich {percent_text(percent)} % "
            f"Skonto ({format_decimal_de(discount)} €), Zahlbetrag "
            f"{format_decimal_de(Decimal(gross) - discount)} €.")


def cii_terms(days: int, percent: Decimal) -> str:
    """The Skonto line of the CII payment terms (BT-20, the XRechnung BR-DE-18 form)."""
    return f"#SKONTO#TAGE={int(days)}#PROZENT={Decimal(percent):.2f}#"


def split_over_rates(amount: Decimal, tax_lines) -> list[RatePart]:
    """Split a gross reduction over the invoice's rates by their gross share.

    `tax_lines` carry rate_code, rate, net and vat (the invoice's frozen tax lines).
    Each part but the last is rounded to the cent; the last takes the remainder so the
    parts add up to `amount` exactly.
    """
    amount = Decimal(amount)
    lines = [t for t in tax_lines if (t.net + t.vat)]
    total = sum((t.net + t.vat for t in lines), Decimal("0.00"))
    parts, left = [], amount
    for i, line in enumerate(lines):
        gross_line = line.net + line.vat
        share = left if i == len(lines) - 1 else \
            (amount * gross_line / total).quantize(CENT, ROUND_HALF_UP)
        left -= share
        rate = Decimal(line.rate)
        vat = (share * rate / (100 + rate)).quantize(CENT, ROUND_HALF_UP) if line.vat else \
            Decimal("0.00")
        parts.append(RatePart(line.rate_code, rate, share, share - vat, vat))
    return parts


def reduction_account(chart: str, kind: str, rate: Decimal, has_vat: bool) -> str:
    """The Erlösschmälerung account of a rate (`kind`: discount or write_off)."""
    table = ACCOUNTS[chart][kind]
    return table.get(f"{Decimal(rate):.2f}", table[""]) if has_vat else table[""]
