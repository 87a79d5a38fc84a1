"""Financial statements from the period balances: GuV (§ 275 HGB), Bilanz (§ 266 HGB), BWA.

Every figure is a sum of period balances (services.ledger.balances), never of journal
lines, so a statement costs the same on 1,000 or 1,000,000 lines. Amounts are Decimal.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from services.ledger.balances import account_balances
from services.ledger.charts import DEFAULT_CHART, chart_in_use
from services.ledger.hgb_mapping import (BALANCE_LINES, BALANCE_SUBITEMS, PL_INCOME,
                                         PL_LINES, main_line, require_mapping, sides_for)

ZERO = Decimal("0.00")


@dataclass
class StatementRow:
    code: str
    label: str
    amount: Decimal
    previous: Decimal
    total: bool = False  # a subtotal line, not a mapped position
    sub: bool = False    # a sub-item ("davon") of the line above, not added to the side


@dataclass
class Statement:
    title: str
    year: int
    month_from: int
    month_to: int
    rows: list[StatementRow] = field(default_factory=list)

    def amount(self, code: str) -> Decimal:
        return next((r.amount for r in self.rows if r.code == code), ZERO)

    def previous(self, code: str) -> Decimal:
        return next((r.previous for r in self.rows if r.code == code), ZERO)


def line_sums(year: int, month_from: int, month_to: int, statement: str,
              key: str = "line") -> dict[str, Decimal]:
    """Debit-minus-credit per HGB (or BWA) line of the accounts of one statement."""
    chart = chart_in_use() or DEFAULT_CHART
    sums: dict[str, Decimal] = {}
    for account, (debit, credit) in account_balances(year, month_from, month_to).items():
        mapping = require_mapping(chart, account)
        if mapping.statement == statement:
            code = getattr(mapping, key)
            sums[code] = sums.get(code, ZERO) + debit - credit
    return sums


def net_income(year: int, month_from: int = 0, month_to: int = 12) -> Decimal:
    """Jahresüberschuss (positive) or Jahresfehlbetrag (negative) of the months."""
    return -sum(line_sums(year, month_from, month_to, "G").values(), ZERO)


def profit_and_loss(year: int, month_from: int = 1, month_to: int = 12) -> Statement:
    """GuV in the Gesamtkostenverfahren for the months, with the previous year's same months."""
    now = _pl_amounts(year, month_from, month_to)
    before = _pl_amounts(year - 1, month_from, month_to)
    report = Statement("Gewinn- und Verlustrechnung", year, month_from, month_to)
    for code, label in PL_LINES.items():
        if code == "16":
            report.rows.append(StatementRow("15", "Ergebnis nach Steuern",
                                            _after_tax(now), _after_tax(before), True))
        report.rows.append(StatementRow(code, label, now.get(code, ZERO),
                                        before.get(code, ZERO)))
    report.rows.append(StatementRow("17", "Jahresüberschuss/Jahresfehlbetrag",
                                    _after_tax(now) - now.get("16", ZERO),
                                    _after_tax(before) - before.get("16", ZERO), True))
    return report


def balance_sheet(year: int, month_to: int = 12) -> Statement:
    """Bilanz at the end of a month (short form § 266 (1) HGB) with the previous year's end."""
    now, before = _bs_amounts(year, month_to), _bs_amounts(year - 1, 12)
    report = Statement("Bilanz", year, 0, month_to)
    for side, title in (("A", "Aktiva"), ("P", "Passiva")):
        for code, label in BALANCE_LINES.items():
            if code.startswith(side + "."):
                report.rows.append(StatementRow(code, label, now.get(code, ZERO),
                                                before.get(code, ZERO)))
                for sub, sub_label in BALANCE_SUBITEMS.items():
                    if main_line(sub) == code and (sub in now or sub in before):
                        report.rows.append(StatementRow(sub, sub_label, now.get(sub, ZERO),
                                                        before.get(sub, ZERO), sub=True))
        report.rows.append(StatementRow(side, f"Summe {title}", _side(now, side),
                                        _side(before, side), True))
    return report


def _pl_amounts(year, month_from, month_to) -> dict[str, Decimal]:
    sums = line_sums(year, month_from, month_to, "G")
    return {code: (-value if code in PL_INCOME else value) for code, value in sums.items()}


def _after_tax(amounts: dict[str, Decimal]) -> Decimal:
    income = sum((amounts.get(c, ZERO) for c in PL_INCOME), ZERO)
    costs = sum((v for c, v in amounts.items() if c not in PL_INCOME and c != "16"), ZERO)
    return income - costs


def _bs_amounts(year: int, month_to: int) -> dict[str, Decimal]:
    """Amount per § 266 line and sub-item; sign-dependent accounts go to the side they are on.

    An account of the sides file (services.ledger.hgb_mapping.sides_for) with a debit
    balance goes to its debit line, with a credit balance to its credit line; accounts
    of one group (input and output VAT) are netted first. The rest keep their line.
    """
    chart = chart_in_use() or DEFAULT_CHART
    amounts: dict[str, Decimal] = {}
    groups: dict[str, list] = {}
    for account, (debit, credit) in account_balances(year, 0, month_to).items():
        mapping = require_mapping(chart, account)
        if mapping.statement != "B":
            continue
        sides = sides_for(chart, account)
        if sides is None:
            _put(amounts, mapping.line, debit - credit)
        elif sides.group:
            entry = groups.setdefault(sides.group, [sides, ZERO])
            entry[1] += debit - credit
        else:
            _put(amounts, sides.debit_line if debit >= credit else sides.credit_line,
                 debit - credit)
    for sides, balance in groups.values():
        _put(amounts, sides.debit_line if balance >= 0 else sides.credit_line, balance)
    amounts["P.A.V"] = net_income(year, 0, month_to)
    return amounts


def _put(amounts: dict[str, Decimal], code: str, balance: Decimal) -> None:
    """Add a debit-minus-credit balance to a line (and its main line), signed for its side."""
    value = balance if code.startswith("A.") else -balance
    for target in {code, main_line(code)}:
        amounts[target] = amounts.get(target, ZERO) + value


def _side(amounts: dict[str, Decimal], side: str) -> Decimal:
    return sum((v for c, v in amounts.items()
                if c.startswith(side + ".") and c in BALANCE_LINES), ZERO)
