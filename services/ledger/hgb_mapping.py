"""Which HGB line (balance sheet § 266, P&L § 275 (2)) and BWA line each account belongs to.

The mapping is data (seeds/data/hgb_mapping.csv): account ranges per chart; when ranges
nest, the narrowest wins. Every account of SKR03 and SKR04 falls into one range
(tests/services/ledger/test_statements.py fails on one that does not).
"""
import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from services.core.messages import N_, RuleError

MAPPING_FILE = Path(__file__).resolve().parents[2] / "seeds" / "data" / "hgb_mapping.csv"
# Accounts whose line depends on the sign of their balance (bank overdraft, debtors in
# credit, VAT receivable or payable), with the sub-item of § 266 (2)/(3) HGB they go to.
SIDES_FILE = MAPPING_FILE.with_name("hgb_balance_sides.csv")

BALANCE_LINES = {  # § 266 HGB, short form for small companies (§ 266 (1) sentence 3)
    "A.A.I": "Immaterielle Vermögensgegenstände",
    "A.A.II": "Sachanlagen",
    "A.A.III": "Finanzanlagen",
    "A.B.I": "Vorräte",
    "A.B.II": "Forderungen und sonstige Vermögensgegenstände",
    "A.B.III": "Wertpapiere",
    "A.B.IV": "Kassenbestand, Guthaben bei Kreditinstituten und Schecks",
    "A.C": "Rechnungsabgrenzungsposten",
    "P.A.I": "Gezeichnetes Kapital",
    "P.A.II": "Kapitalrücklage",
    "P.A.III": "Gewinnrücklagen",
    "P.A.IV": "Gewinnvortrag/Verlustvortrag",
    "P.A.V": "Jahresüberschuss/Jahresfehlbetrag",
    "P.B": "Rückstellungen",
    "P.C": "Verbindlichkeiten",
    "P.D": "Rechnungsabgrenzungsposten",
}
BALANCE_SUBITEMS = {  # § 266 (2) B.II and (3) C HGB, the sub-items the sides file names
    "A.B.II.1": "Forderungen aus Lieferungen und Leistungen",
    "A.B.II.4": "sonstige Vermögensgegenstände",
    "P.C.2": "Verbindlichkeiten gegenüber Kreditinstituten",
    "P.C.4": "Verbindlichkeiten aus Lieferungen und Leistungen",
    "P.C.8": "sonstige Verbindlichkeiten",
}
PL_LINES = {  # § 275 (2) HGB, Gesamtkostenverfahren
    "1": "Umsatzerlöse",
    "2": "Erhöhung oder Verminderung des Bestands an fertigen und unfertigen Erzeugnissen",
    "3": "andere aktivierte Eigenleistungen",
    "4": "sonstige betriebliche Erträge",
    "5a": "Aufwendungen für Roh-, Hilfs- und Betriebsstoffe und für bezogene Waren",
    "5b": "Aufwendungen für bezogene Leistungen",
    "6a": "Löhne und Gehälter",
    "6b": "soziale Abgaben und Aufwendungen für Altersversorgung und für Unterstützung",
    "7a": "Abschreibungen auf immaterielle Vermögensgegenstände des Anlagevermögens "
          "und Sachanlagen",
    "8": "sonstige betriebliche Aufwendungen",
    "9": "Erträge aus Beteiligungen",
    "11": "sonstige Zinsen und ähnliche Erträge",
    "12": "Abschreibungen auf Finanzanlagen und auf Wertpapiere des Umlaufvermögens",
    "13": "Zinsen und ähnliche Aufwendungen",
    "14": "Steuern vom Einkommen und vom Ertrag",
    "16": "sonstige Steuern",
}
PL_INCOME = {"1", "2", "3", "4", "9", "11"}  # shown as credit minus debit, the rest the other way


@dataclass(frozen=True)
class Mapping:
    statement: str  # "B" balance sheet, "G" P&L
    line: str
    bwa: str


@lru_cache(maxsize=1)
def _ranges() -> dict[str, list[tuple[int, int, Mapping]]]:
    by_chart: dict[str, list] = {}
    with MAPPING_FILE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            by_chart.setdefault(row["chart"], []).append(
                (int(row["from"]), int(row["to"]),
                 Mapping(row["statement"], row["line"], row["bwa"])))
    for ranges in by_chart.values():
        ranges.sort(key=lambda r: r[1] - r[0])  # narrowest first
    return by_chart


def mapping_for(chart: str, account: str) -> Mapping | None:
    """The HGB and BWA lines of an account, or None when no range covers it."""
    number = int(account)
    for low, high, mapping in _ranges().get(chart, []):
        if low <= number <= high:
            return mapping
    return None


def require_mapping(chart: str, account: str) -> Mapping:
    """The lines of an account; a clear error when the mapping lacks it."""
    mapping = mapping_for(chart, account)
    if mapping is None:
        raise RuleError(N_("Konto %(account)s ist keiner HGB-Position zugeordnet; "
                           "seeds/data/hgb_mapping.csv um einen Bereich ergänzen"),
                        account=account)
    return mapping


@dataclass(frozen=True)
class Sides:
    debit_line: str   # where a debit balance goes (a line or sub-item code)
    credit_line: str  # where a credit balance goes
    group: str        # accounts of one group are netted first (VAT: one claim, § 16 (2) UStG)


@lru_cache(maxsize=1)
def _side_ranges() -> dict[str, list[tuple[int, int, Sides]]]:
    by_chart: dict[str, list] = {}
    with SIDES_FILE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            by_chart.setdefault(row["chart"], []).append(
                (int(row["from"]), int(row["to"]),
                 Sides(row["debit_line"], row["credit_line"], row["group"])))
    for ranges in by_chart.values():
        ranges.sort(key=lambda r: r[1] - r[0])  # narrowest first
    return by_chart


def sides_for(chart: str, account: str) -> Sides | None:
    """Where a balance-sheet account goes by the sign of its balance; None: its line always."""
    number = int(account)
    for low, high, sides in _side_ranges().get(chart, []):
        if low <= number <= high:
            return sides
    return None


def main_line(code: str) -> str:
    """The § 266 line of a sub-item code ("P.C.2" -> "P.C"); a line stays itself."""
    return code if code in BALANCE_LINES else code.rsplit(".", 1)[0]
