"""Payment terms: Skonto from `#SKONTO#TAGE=14#PROZENT=2.00#` lines (XRechnung convention)."""
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

SKONTO_LINE = re.compile(r"#SKONTO#TAGE=(\d+)#PROZENT=(\d+(?:\.\d{1,2})?)#"
                         r"(?:BASISBETRAG=(-?\d+(?:\.\d{1,2})?)#)?")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Skonto:
    days: int
    percent: Decimal
    until: date | None
    amount: Decimal | None  # the deduction allowed until `until`


def parse_skonto(terms: str | None, issue_date: date | None, base: Decimal | None) -> Skonto | None:
    """Return the first (best) Skonto term of the payment terms, or None.

    The deduction is `percent` of the BASISBETRAG if given, else of `base` (the amount
    due), rounded commercially to the cent; the deadline counts from the invoice date.
    """
    found = [SKONTO_LINE.search(line) for line in (terms or "").splitlines()]
    found = [m for m in found if m]
    if not found:
        return None
    m = found[0]
    days, percent = int(m.group(1)), Decimal(m.group(2))
    basis = Decimal(m.group(3)) if m.group(3) else base
    amount = (basis * percent / 100).quantize(CENT, ROUND_HALF_UP) if basis is not None else None
    until = issue_date + timedelta(days=days) if issue_date else None
    return Skonto(days=days, percent=percent.quantize(CENT), until=until, amount=amount)
