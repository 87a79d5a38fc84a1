"""What the register shows: each contract's next deadline, the reminders due, annual cost."""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from models.contract import Contract
from services.contracts.deadlines import Deadline, next_deadline, terms_of

PER_YEAR = {"monthly": 12, "quarterly": 4, "half_yearly": 2, "yearly": 1, "once": 0}


def deadline_of(contract, today: date) -> Deadline | None:
    """The contract's next cancellation deadline (None when it ends by itself)."""
    return next_deadline(terms_of(contract), today)


@dataclass(frozen=True)
class Reminder:
    contract: Contract
    deadline: Deadline
    days_left: int
    step: int                 # the reminder step reached (90, 30, 7 … days before)


def reminders_due(today: date, contracts=None) -> list[Reminder]:
    """Contracts whose deadline is within their largest reminder step, with the step reached."""
    result = []
    for contract in contracts if contracts is not None else open_contracts():
        found = deadline_of(contract, today)
        if found is None:
            continue
        left = (found.deadline - today).days
        steps = sorted(d for d in (contract.remind_days or []) if d >= left)
        if steps:
            result.append(Reminder(contract, found, left, steps[0]))
    return sorted(result, key=lambda r: r.deadline.deadline)


def open_contracts():
    """Contracts without a notice given (the ones that may still need one)."""
    return Contract.objects(ends_on=None)


def annual_cost(contract) -> Decimal:
    """The contract's cost for a whole year (a one-off cost counts as 0)."""
    if contract.cost is None:
        return Decimal("0.00")
    return (contract.cost * PER_YEAR.get(contract.payment_interval, 0)).quantize(Decimal("0.01"))


def active_in(contract, year: int) -> bool:
    """Tell whether the contract runs during some part of `year`."""
    end = contract.ends_on or (contract.end if not contract.renewal_months else None)
    return contract.start <= date(year, 12, 31) and (end is None or end >= date(year, 1, 1))


def budget(year: int) -> dict:
    """Annual cost of the contracts running in `year`, by category and by cost centre."""
    by_category, by_centre = defaultdict(Decimal), defaultdict(Decimal)
    total = Decimal("0.00")
    for contract in Contract.objects.only("start", "end", "ends_on", "renewal_months", "cost",
                                          "payment_interval", "category", "cost_centre"):
        if not active_in(contract, year):
            continue
        cost = annual_cost(contract)
        by_category[contract.category] += cost
        by_centre[contract.cost_centre or ""] += cost
        total += cost
    return {"by_category": dict(sorted(by_category.items())),
            "by_cost_centre": dict(sorted(by_centre.items())), "total": total}
