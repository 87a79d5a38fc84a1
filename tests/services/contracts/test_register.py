"""Owner reminders 90/30/7 days before a deadline, annual cost by category and cost centre."""
from datetime import date
from decimal import Decimal

from services.contracts.register import budget, reminders_due
from services.contracts.tasks import contract_deadlines
from tests.factories import make_user
from tests.factories_it import make_contract

D = date


def test_reminder_steps_reached_on_their_days(app):
    # renews yearly from 1 Jan 2025 after 24 months, 3 months to term end: deadline 30 Sep 2026
    contract = make_contract()
    steps = {}
    for today in (D(2026, 7, 1), D(2026, 7, 2), D(2026, 8, 31), D(2026, 9, 1), D(2026, 9, 23),
                  D(2026, 9, 24), D(2026, 9, 30)):
        found = reminders_due(today)
        steps[today] = found[0].step if found else None
    assert steps == {D(2026, 7, 1): None,          # 91 days before
                     D(2026, 7, 2): 90, D(2026, 8, 31): 30,   # 30 days before
                     D(2026, 9, 1): 30, D(2026, 9, 23): 7, D(2026, 9, 24): 7,
                     D(2026, 9, 30): 7}
    assert reminders_due(D(2026, 10, 1)) == []     # next deadline 30 Sep 2027, far away
    contract.remind_days = [14]
    contract.save()
    assert reminders_due(D(2026, 9, 16))[0].step == 14     # 14 days before
    assert reminders_due(D(2026, 9, 15)) == []


def test_cancelled_contracts_need_no_reminder(app):
    make_contract(cancelled_on=D(2026, 6, 1), ends_on=D(2026, 12, 31))
    assert reminders_due(D(2026, 9, 1)) == []


def test_owner_sees_own_contract_deadlines_in_the_task_list(app):
    owner, other = make_user("finance"), make_user("finance")
    contract = make_contract(owner=owner)
    [task] = list(contract_deadlines(owner, today=D(2026, 9, 1)))
    assert task.due == D(2026, 9, 30) and task.params["number"] == contract.number
    assert list(contract_deadlines(other, today=D(2026, 9, 1))) == []


def test_budget_by_category_and_cost_centre(app):
    make_contract(category="maintenance", cost=Decimal("120.00"), payment_interval="monthly",
                  cost_centre="100")
    make_contract(category="insurance", cost=Decimal("900.50"), payment_interval="yearly",
                  cost_centre="100", renewal_months=12)
    make_contract(category="rent", cost=Decimal("2500.00"), payment_interval="quarterly",
                  cost_centre="200", renewal_months=0, minimum_term_months=0,
                  notice_to="quarter_end")
    make_contract(category="rent", cost=Decimal("99.99"), payment_interval="once",
                  cost_centre="200")
    # ended before 2027: counts in 2026 only
    make_contract(category="telecom", cost=Decimal("50.00"), payment_interval="monthly",
                  cost_centre="300", cancelled_on=D(2026, 3, 1), ends_on=D(2026, 6, 30))
    # starts in 2027: not in 2026
    make_contract(category="software", cost=Decimal("10.00"), start=D(2027, 1, 1),
                  cost_centre="300")
    figures = budget(2026)
    assert figures["by_category"] == {"insurance": Decimal("900.50"),
                                      "maintenance": Decimal("1440.00"),
                                      "rent": Decimal("10000.00"),
                                      "telecom": Decimal("600.00")}
    assert figures["by_cost_centre"] == {"100": Decimal("2340.50"), "200": Decimal("10000.00"),
                                         "300": Decimal("600.00")}
    assert figures["total"] == Decimal("12940.50")
    assert budget(2027)["by_cost_centre"]["300"] == Decimal("120.00")
