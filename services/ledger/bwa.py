"""BWA (betriebswirtschaftliche Auswertung) in the structure of DATEV's form 01.

One month with the same month of the previous year, the cumulated months of the year
and the previous year's cumulated months; the lines come from the BWA column of the
account mapping (seeds/data/hgb_mapping.csv). Read from the period balances.
"""
from dataclasses import dataclass
from decimal import Decimal

from services.ledger.statements import line_sums

ZERO = Decimal("0.00")

# (code, label, kind): "+"/"-" a mapped line added to or taken from the result,
# "=" a subtotal of everything above. Income lines are shown credit minus debit.
LAYOUT = [
    ("UE", "Umsatzerlöse", "+"), ("BV", "Best.Verdg. FE/UE", "+"),
    ("AE", "Akt. Eigenleistungen", "+"), ("GL", "Gesamtleistung", "="),
    ("MW", "Mat./Wareneinkauf", "-"), ("RE", "Rohertrag", "="),
    ("SE", "So. betr. Erlöse", "+"), ("BR", "Betrieblicher Rohertrag", "="),
    ("PK", "Personalkosten", "-"), ("RK", "Raumkosten", "-"),
    ("ST", "Betriebliche Steuern", "-"), ("VB", "Versicherungen/Beiträge", "-"),
    ("BK", "Besondere Kosten", "-"), ("FK", "Fahrzeugkosten (o. St.)", "-"),
    ("WR", "Werbe-/Reisekosten", "-"), ("KW", "Kosten Warenabgabe", "-"),
    ("AB", "Abschreibungen", "-"), ("RI", "Reparatur/Instandhaltung", "-"),
    ("SK", "Sonstige Kosten", "-"), ("BE", "Betriebsergebnis", "="),
    ("ZA", "Zinsaufwand", "-"), ("NA", "Sonst. neutr. Aufwand", "-"),
    ("ZE", "Zinserträge", "+"), ("NE", "Sonst. neutr. Ertrag", "+"),
    ("EV", "Ergebnis vor Steuern", "="),
    ("EE", "Steuern Einkommen u. Ertrag", "-"), ("VE", "Vorläufiges Ergebnis", "="),
]
COLUMNS = ("month", "month_previous_year", "cumulative", "cumulative_previous_year")


@dataclass
class BwaRow:
    code: str
    label: str
    subtotal: bool
    month: Decimal
    month_previous_year: Decimal
    cumulative: Decimal
    cumulative_previous_year: Decimal


def bwa(year: int, month: int) -> list[BwaRow]:
    """BWA form 01 for a month: month, previous year's month, cumulated, previous cumulated."""
    columns = [_column(year, month, month), _column(year - 1, month, month),
               _column(year, 1, month), _column(year - 1, 1, month)]
    return [BwaRow(code, label, kind == "=", *(col[code] for col in columns))
            for code, label, kind in LAYOUT]


def _column(year: int, month_from: int, month_to: int) -> dict[str, Decimal]:
    sums = line_sums(year, month_from, month_to, "G", key="bwa")
    values, running = {}, ZERO
    for code, _, kind in LAYOUT:
        if kind == "=":
            values[code] = running
            continue
        shown = -sums.get(code, ZERO) if kind == "+" else sums.get(code, ZERO)
        values[code] = shown
        running += shown if kind == "+" else -shown
    return values
