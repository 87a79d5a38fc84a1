"""Budgets: variance and variance % by month and cumulative (hand figures), CSV import, copy-forward."""
from datetime import date
from decimal import Decimal as D

import pytest

from models.balance import PeriodBalance, balance_id
from models.budget import Budget
from models.cost_center import CostCenter
from services.budgets.entry import copy_forward, import_budgets_csv
from services.budgets.plan import percent, plan_vs_actual
from services.core.errors import BusinessRuleError
from services.ledger.posting import post_new_entry


def _post(day, debit, credit, amount, cost_center=None, source="manual"):
    line = {"account": debit, "debit": amount}
    if cost_center:
        line["cost_center"] = cost_center
    post_new_entry(date=day, text="Buchung", source=source, user="t",
                   lines=[line, {"account": credit, "credit": amount}])


@pytest.fixture
def books(app):
    with app.app_context():
        _post(date(2025, 1, 10), "4930", "1200", "80.00")    # office supplies 2025
        _post(date(2025, 2, 10), "4930", "1200", "120.00")
        _post(date(2025, 2, 12), "1400", "8400", "1000.00")  # revenue 2025
        _post(date(2026, 1, 15), "4930", "1200", "110.00")   # 2026: Jan 110, Feb 90 + 40
        _post(date(2026, 2, 3), "4930", "1200", "90.00")
        _post(date(2026, 2, 20), "4940", "1200", "40.00")    # another 49xx account
        _post(date(2026, 2, 25), "1400", "8400", "2500.00")
        yield


def test_variance_by_month_and_cumulative(app, books):
    with app.app_context():
        Budget(year=2026, account="4930", m01=D("100.00"), m02=D("100.00")).save()
        Budget(year=2026, account="49*", m02=D("150.00")).save()
        Budget(year=2026, account="8400", m02=D("2000.00")).save()
        lines = {line.account: line for line in plan_vs_actual(2026)}
        jan, feb, mar = lines["4930"].months[:3]
        assert (jan.plan, jan.actual, jan.variance, jan.variance_pct) == \
            (D("100.00"), D("110.00"), D("10.00"), D("10.0"))
        assert (feb.actual, feb.variance, feb.variance_pct) == (D("90.00"), D("-10.00"),
                                                                D("-10.0"))
        assert (feb.plan_cumulative, feb.actual_cumulative, feb.variance_cumulative,
                feb.variance_cumulative_pct) == (D("200.00"), D("200.00"), D("0.00"), D("0.0"))
        assert (mar.plan, mar.actual, mar.variance_pct) == (D("0.00"), D("0.00"), None)
        group_feb = lines["49*"].months[1]  # 4930 90 + 4940 40 = 130 against 150
        assert (group_feb.actual, group_feb.variance, group_feb.variance_pct) == \
            (D("130.00"), D("-20.00"), D("-13.3"))
        revenue = lines["8400"].months[1]  # revenue reads credit-positive
        assert (revenue.actual, revenue.variance_pct) == (D("2500.00"), D("25.0"))
        assert lines["4930"].year_total.actual_cumulative == D("200.00")


def test_percent_edges():
    assert percent(D("1"), D("3")) == D("33.3")
    assert percent(D("2"), D("3")) == D("66.7")
    assert percent(D("-5"), D("-10")) == D("-50.0")  # against the size of the plan
    assert percent(D("5"), D("0")) is None


def test_csv_import_german_and_english_all_or_nothing(app):
    german = ("Jahr;Konto;Kostenstelle;Jan;Feb;Mrz;Apr;Mai;Jun;Jul;Aug;Sep;Okt;Nov;Dez\r\n"
              "2026;4930;KST100;1.234,56;100,00;;;;;;;;;;0\r\n"
              "2026;49*;;50;;;;;;;;;;;\r\n").encode("cp1252")
    english = ("year,account,cost_center,jan,feb,mar,apr,may,jun,jul,aug,sep,oct,nov,dec\n"
               "2026,4930,KST100,\"1,000.50\",,,,,,,,,,,7.5\n").encode("utf-8")
    with app.app_context():
        assert import_budgets_csv(german) == 2
        budget = Budget.objects.get(year=2026, account="4930", cost_center="KST100")
        assert (budget.m01, budget.m02, budget.m12) == (D("1234.56"), D("100.00"), D("0.00"))
        assert import_budgets_csv(english) == 1  # the same line again: updated
        budget.reload()
        assert (budget.m01, budget.m02, budget.m12) == (D("1000.50"), D("0.00"), D("7.50"))
        bad = ("Jahr;Konto;Kostenstelle;Jan;Feb;Mrz;Apr;Mai;Jun;Jul;Aug;Sep;Okt;Nov;Dez\n"
               "2026;4980;;10;;;;;;;;;;;\n2026;49x;;10;;;;;;;;;;;\n"
               "2026;4990;;zehn;;;;;;;;;;;\n").encode("utf-8")
        with pytest.raises(BusinessRuleError, match="nichts gespeichert"):
            import_budgets_csv(bad)
        assert Budget.objects(account="4980").count() == 0
        with pytest.raises(BusinessRuleError, match="Spalten fehlen"):
            import_budgets_csv(b"Jahr;Konto\n2026;4930\n")


def test_copy_forward_takes_last_years_actuals_plus_percent(app, books):
    with app.app_context():
        Budget(year=2026, account="8400", m01=D("1.00")).save()  # kept as it is
        assert copy_forward(2026, D("10")) == 1  # 4930 only; 8400 exists, 1200/1400 no P&L
        office = Budget.objects.get(year=2026, account="4930")
        assert (office.m01, office.m02, office.m03) == (D("88.00"), D("132.00"), D("0.00"))
        assert Budget.objects.get(year=2026, account="8400").m01 == D("1.00")
        assert copy_forward(2026, D("-5"), cost_center="KST1") == 0  # nothing carried KST1


def test_copy_forward_for_a_cost_center_takes_only_its_actuals(app, books):
    with app.app_context():
        CostCenter(code="KST1", name="Vertrieb").save()
        _post(date(2025, 3, 5), "4930", "1200", "60.00", cost_center="KST1")
        _post(date(2025, 3, 6), "4930", "1200", "25.00")  # no cost centre: not KST1's
        assert copy_forward(2026, D("-5"), cost_center="KST1") == 1
        kst1 = Budget.objects.get(year=2026, account="4930", cost_center="KST1")
        assert (kst1.m01, kst1.m02, kst1.m03) == (D("0.00"), D("0.00"), D("57.00"))
        assert copy_forward(2026, D("0")) == 2  # company-wide: 4930 and 8400
        whole = Budget.objects.get(year=2026, account="4930", cost_center="")
        assert (whole.m01, whole.m02, whole.m03) == (D("80.00"), D("120.00"), D("85.00"))


@pytest.fixture
def centres(app):
    """2026 by hand: Jan KST1 4930 70 + KST2 4930 30 + none 4930 15; Feb KST1 8400 500."""
    with app.app_context():
        CostCenter(code="KST1", name="Vertrieb").save()
        CostCenter(code="KST2", name="Verwaltung").save()
        _post(date(2026, 1, 5), "4930", "1200", "70.00", cost_center="KST1")
        _post(date(2026, 1, 6), "4930", "1200", "30.00", cost_center="KST2")
        _post(date(2026, 1, 7), "4930", "1200", "15.00")
        _post(date(2026, 2, 9), "1200", "8400", "500.00")
        yield


def _revenue_with_cost_center(day, amount, code):
    post_new_entry(date=day, text="Erlös", source="manual", user="t",
                   lines=[{"account": "1200", "debit": amount},
                          {"account": "8400", "credit": amount, "cost_center": code}])


def test_actuals_per_cost_center_by_hand(app, centres):
    with app.app_context():
        _revenue_with_cost_center(date(2026, 2, 10), D("300.00"), "KST1")
        Budget(year=2026, account="4930", cost_center="KST1", m01=D("50.00")).save()
        Budget(year=2026, account="4930", cost_center="KST2", m01=D("50.00")).save()
        Budget(year=2026, account="4930", m01=D("100.00")).save()
        Budget(year=2026, account="8400", cost_center="KST1", m02=D("400.00")).save()
        lines = {(ln.account, ln.cost_center): ln for ln in plan_vs_actual(2026)}
        jan = lines[("4930", "KST1")].months[0]
        assert (jan.actual, jan.variance, jan.variance_pct) == (D("70.00"), D("20.00"),
                                                               D("40.0"))
        jan = lines[("4930", "KST2")].months[0]
        assert (jan.actual, jan.variance, jan.variance_pct) == (D("30.00"), D("-20.00"),
                                                               D("-40.0"))
        # no cost centre on the budget: the whole company, 70 + 30 + 15
        assert lines[("4930", "")].months[0].actual == D("115.00")
        # KST1 revenue: only the 300 that carried KST1, not the 500 without one
        feb = lines[("8400", "KST1")].months[1]
        assert (feb.actual, feb.variance, feb.variance_pct) == (D("300.00"), D("-100.00"),
                                                               D("-25.0"))
        only_kst2 = plan_vs_actual(2026, "KST2")
        assert [(ln.account, ln.cost_center) for ln in only_kst2] == [("4930", "KST2")]


def test_actuals_come_from_the_period_balances_without_opening(app, centres):
    with app.app_context():
        _post(date(2026, 1, 1), "4930", "9000", "999.00", source="opening")  # EB-Wert
        Budget(year=2026, account="4930", m01=D("100.00")).save()
        assert plan_vs_actual(2026)[0].months[0].actual == D("115.00")
        # a balance document changed behind the journal's back shows in the actuals:
        # they are read from the balances, not summed from the lines
        PeriodBalance._get_collection().update_one(
            {"_id": balance_id(2026, 1, "4930", "KST2")}, {"$inc": {"debit": 1}})
        assert plan_vs_actual(2026)[0].months[0].actual == D("115.01")
