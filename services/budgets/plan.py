"""Plan vs actual per budget line: month by month and cumulative, with variance and variance %.

Actuals are signed so that a budget reads naturally: expenses and assets as debit minus
credit, revenue, liabilities and equity as credit minus debit. They come from the period
balances (services.ledger.balances), never from journal lines: a budget line without a
cost centre compares with the whole company, one with a cost centre only with the
journal lines that carry that cost centre. Opening balances (month 0) are no actuals.
"""
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from models.budget import Budget
from models.ledger import Account
from services.ledger.balances import balances_by_month

ZERO = Decimal("0.00")
CREDIT_TYPES = ("revenue", "liability", "equity")


@dataclass
class MonthFigures:
    month: int
    plan: Decimal
    actual: Decimal
    plan_cumulative: Decimal
    actual_cumulative: Decimal

    @property
    def variance(self) -> Decimal:
        return self.actual - self.plan

    @property
    def variance_pct(self) -> Decimal | None:
        return percent(self.variance, self.plan)

    @property
    def variance_cumulative(self) -> Decimal:
        return self.actual_cumulative - self.plan_cumulative

    @property
    def variance_cumulative_pct(self) -> Decimal | None:
        return percent(self.variance_cumulative, self.plan_cumulative)


@dataclass
class BudgetLine:
    account: str
    cost_center: str
    months: list[MonthFigures] = field(default_factory=list)

    @property
    def year_total(self) -> MonthFigures:
        return self.months[-1]


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """part / whole in %, one decimal; None when there is no plan to compare with."""
    if not whole:
        return None
    return (part * 100 / abs(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def plan_vs_actual(year: int, cost_center: str | None = None) -> list[BudgetLine]:
    """Every budget line of a year (optionally one cost centre's) against the books."""
    query = Budget.objects(year=year)
    if cost_center is not None:
        query = query(cost_center=cost_center)
    budgets = list(query.order_by("account", "cost_center"))
    by_center: dict[str, dict[str, list[Decimal]]] = {}
    lines = []
    for budget in budgets:
        code = budget.cost_center or ""
        if code not in by_center:
            by_center[code] = _actuals(year, code or None)
        actual = _matching(by_center[code], budget.account)
        line, plan_sum, actual_sum = BudgetLine(budget.account, budget.cost_center), ZERO, ZERO
        for month, plan in enumerate(budget.months, start=1):
            plan_sum, actual_sum = plan_sum + plan, actual_sum + actual[month - 1]
            line.months.append(MonthFigures(month, plan, actual[month - 1], plan_sum,
                                            actual_sum))
        lines.append(line)
    return lines


def _matching(actuals: dict[str, list[Decimal]], account: str) -> list[Decimal]:
    if account.endswith("*"):
        prefix = account[:-1]
        chosen = [v for number, v in actuals.items() if number.startswith(prefix)]
    else:
        chosen = [actuals[account]] if account in actuals else []
    return [sum((v[i] for v in chosen), ZERO) for i in range(12)]


def _actuals(year: int, cost_center: str | None = None) -> dict[str, list[Decimal]]:
    """Signed monthly totals per account (months 1..12) from the period balances.

    `cost_center` None: every line of the books; a code: only lines carrying it.
    """
    credit_side = set(Account.objects(type__in=CREDIT_TYPES).scalar("number"))
    result: dict[str, list[Decimal]] = {}
    for account, months in balances_by_month(year, cost_center=cost_center).items():
        figures = [ZERO] * 12
        for month, (debit, credit) in months.items():
            if month == 0:
                continue  # opening balances (EB-Werte) are no actuals of the year
            amount = debit - credit
            figures[month - 1] = -amount if account in credit_side else amount
        result[account] = figures
    return result
