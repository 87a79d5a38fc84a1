"""The HGB mapping against the account-class structure of SKR03 and SKR04.

DATEV's own assignment of its accounts to the HGB lines (the "Bilanz-/GuV-Zuordnung" of
its chart and Kontenrahmen documentation) is not available as data here, so the mapping
cannot be compared with it line by line. What is checked instead, independently of
seeds/data/hgb_mapping.csv:

1. the account classes (Kontenklassen) of both charts, as their headings name them:
   SKR03 (Prozessgliederung): 0 Anlage- und Kapitalkonten, 1 Finanz- und Privatkonten
   (both balance sheet), 2 Abgrenzungskonten (P&L), 3 Wareneingangs- und Bestandskonten
   (material expense, or inventory on the balance sheet), 4 betriebliche Aufwendungen,
   7 Bestände an Erzeugnissen (inventory), 8 Erlöskonten (income), 9 Vortrags- und
   statistische Konten (balance sheet); 5 and 6 are free in SKR03.
   SKR04 (Abschlussgliederung): 0 Anlagevermögen, 1 Umlaufvermögen, 2 Eigenkapital,
   3 Fremdkapital, 4 betriebliche Erträge, 5 and 6 betriebliche Aufwendungen, 7 weitere
   Erträge und Aufwendungen, 9 Vortrags- und statistische Konten.
   Checked for every account of the seeded charts and for both ends of every range of
   the mapping (so an account a clerk adds later lands in its class's statement too);
2. each seeded account's type (asset, liability, equity, revenue, expense) against the
   side of its line;
3. the accounts /work/shared/domain-facts.md lists for what the product posts.
"""
import csv
from pathlib import Path

import pytest

from services.ledger.hgb_mapping import MAPPING_FILE, PL_INCOME, mapping_for

REPO = Path(__file__).resolve().parents[3]
ASSETS = ("A.A.I", "A.A.II", "A.A.III")
CURRENT = ("A.B.I", "A.B.II", "A.B.III", "A.B.IV", "A.C")
EQUITY = ("P.A.I", "P.A.II", "P.A.III", "P.A.IV", "P.A.V")
DEBT = ("P.B", "P.C", "P.D")
EXPENSE_LINES = ("5a", "5b", "6a", "6b", "7a", "8", "12", "13", "14", "16")


def _class_allows(chart: str, number: int, statement: str, line: str) -> bool:
    """What the account class of `number` allows (None: the class is free)."""
    klasse = number // 1000
    if chart == "SKR03":
        return {
            0: statement == "B", 1: statement == "B", 2: statement == "G",
            3: (statement, line) in {("G", "5a"), ("G", "5b")} or line == "A.B.I",
            4: statement == "G" and line in EXPENSE_LINES,
            5: True, 6: True,  # free classes in SKR03
            7: line == "A.B.I",
            8: statement == "G" and line in PL_INCOME,
            9: statement == "B",
        }[klasse]
    return {
        0: line in ASSETS, 1: line in CURRENT, 2: line in EQUITY, 3: line in DEBT,
        4: statement == "G" and line in PL_INCOME,
        5: statement == "G" and line in ("5a", "5b"),
        6: statement == "G" and line in EXPENSE_LINES,
        7: statement == "G", 8: True, 9: statement == "B",
    }[klasse]


def _seeded(chart: str):
    with (REPO / "seeds" / "data" / f"{chart.lower()}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


@pytest.mark.parametrize("chart", ["SKR03", "SKR04"])
def test_every_seeded_account_lands_in_its_account_class(chart):
    wrong = []
    for row in _seeded(chart):
        mapping = mapping_for(chart, row["number"])
        if mapping is None or not _class_allows(chart, int(row["number"]), mapping.statement,
                                                mapping.line):
            wrong.append((row["number"], row["name"], mapping))
    assert wrong == []


@pytest.mark.parametrize("chart", ["SKR03", "SKR04"])
def test_every_mapping_range_stays_inside_one_account_class(chart):
    with MAPPING_FILE.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter=";") if r["chart"] == chart]
    assert rows
    for row in rows:
        low, high = int(row["from"]), int(row["to"])
        if low >= 10000:  # personal accounts: debtors (receivables), creditors (payables)
            assert (row["line"], high < 70000) in {("A.B.II", True), ("P.C", False)}, row
            continue
        for klasse in range(low // 1000, high // 1000 + 1):  # every class the range touches
            number = max(low, klasse * 1000)
            assert _class_allows(chart, number, row["statement"], row["line"]), row


@pytest.mark.parametrize("chart", ["SKR03", "SKR04"])
def test_the_account_type_matches_the_side_of_its_line(chart):
    side = {"asset": ASSETS + CURRENT, "equity": EQUITY, "liability": DEBT}
    for row in _seeded(chart):
        mapping = mapping_for(chart, row["number"])
        if row["type"] in side:
            assert mapping.statement == "B" and mapping.line in side[row["type"]], row
        elif row["type"] == "revenue":
            assert mapping.statement == "G" and mapping.line in PL_INCOME, row
        else:
            assert mapping.statement == "G" and mapping.line in EXPENSE_LINES, row


# /work/shared/domain-facts.md, "Chart of accounts SKR03 (DATEV standard)": purpose,
# SKR03, SKR04, and the HGB line the purpose belongs to (§ 266 / § 275 (2) HGB)
FACTS = [
    ("bank", "1200", "1800", "A.B.IV"),
    ("trade receivables", "1400", "1200", "A.B.II"),
    ("trade payables", "1600", "3300", "P.C"),
    ("revenue 19 %", "8400", "4400", "1"), ("revenue 7 %", "8300", "4300", "1"),
    ("output VAT 19 %", "1776", "3806", "P.C"), ("output VAT 7 %", "1771", "3801", "P.C"),
    ("input VAT 19 %", "1576", "1406", "A.B.II"), ("input VAT 7 %", "1571", "1401", "A.B.II"),
    ("wages and salaries", "4100", "6000", "6a"), ("wages", "4110", "6010", "6a"),
    ("salaries", "4120", "6020", "6a"),
    ("employer social security", "4130", "6110", "6b"),
    ("net pay payable", "1740", "3720", "P.C"), ("wage and church tax payable", "1741", "3730", "P.C"),
    ("social security payable", "1742", "3740", "P.C"),
    ("payroll clearing", "1755", "3790", "P.C"),
]


@pytest.mark.parametrize("purpose, skr03, skr04, line", FACTS)
def test_the_accounts_the_product_posts_to(purpose, skr03, skr04, line):
    assert mapping_for("SKR03", skr03).line == line, purpose
    assert mapping_for("SKR04", skr04).line == line, purpose


# § 275 (2) Nr. 2 and 3 HGB against the SKR03/SKR04 account plans (DATEV Kontenrahmen):
# Bestandsveränderungen unfertige (SKR03 8960 ff., SKR04 4810 ff.) and fertige Erzeugnisse
# (SKR03 8980 ff., SKR04 4800 ff.) are line 2; andere aktivierte Eigenleistungen (SKR03
# 8990 ff., SKR04 4820 ff.) are line 3. Both edges of each range.
@pytest.mark.parametrize("chart, number, line", [
    ("SKR03", "8960", "2"), ("SKR03", "8980", "2"), ("SKR03", "8989", "2"),
    ("SKR03", "8990", "3"), ("SKR03", "8999", "3"),
    ("SKR04", "4800", "2"), ("SKR04", "4810", "2"), ("SKR04", "4819", "2"),
    ("SKR04", "4820", "3"), ("SKR04", "4829", "3"),
])
def test_inventory_changes_and_own_work_capitalised(chart, number, line):
    assert mapping_for(chart, number).line == line
