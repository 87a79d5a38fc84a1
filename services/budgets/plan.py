"""Plan vs actual per budget line: month by month and cumulative, with variance and variance %.

Actuals are signed so that a budget reads naturally: expenses and assets as debit minus
credit, revenue, liabilities and equity as credit minus debit.
"""
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from models.budget import Budget
from models.ledger import Account
from services.ledger.reports import trial_balance

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
    actuals = _actuals(year)
    lines = []
    for budget in budgets:
        actual = _matching(actuals, budget.account)
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
    """Signed monthly totals per account from the trial balance of each month.

    Adapter: reads services.ledger.reports (which sums journal lines) and ignores the
    cost centre, because journal lines carry none yet. After the merge with the period
    balances (services/ledger/balances.py, issue 17 part 1) the lead switches this to
    `balances_by_month(year, accounts)` / `account_balances(..., cost_center=...)`.
    """
    credit_side = set(Account.objects(type__in=CREDIT_TYPES).scalar("number"))
    result: dict[str, list[Decimal]] = {}
    for month in range(1, 13):
        start = date(year, month, 1)
        end = date(year + (month == 12), month % 12 + 1, 1).toordinal() - 1
        report = trial_balance(year, start, date.fromordinal(end))
        for row in report.rows:
            amount = row.debit - row.credit
            if row.account in credit_side:
                amount = -amount
            result.setdefault(row.account, [ZERO] * 12)[month - 1] = amount
    return result
