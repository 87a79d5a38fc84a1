"""Budgets: variance and variance % by month and cumulative (hand figures), CSV import, copy-forward."""
from datetime import date
from decimal import Decimal as D

import pytest

from models.budget import Budget
from services.budgets.entry import copy_forward, import_budgets_csv
from services.budgets.plan import percent, plan_vs_actual
from services.core.errors import BusinessRuleError
from services.ledger.posting import post_new_entry


def _post(day, debit, credit, amount):
    post_new_entry(date=day, text="Buchung", source="manual", user="t",
                   lines=[{"account": debit, "debit": amount},
                          {"account": credit, "credit": amount}])


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
        assert copy_forward(2026, D("-5"), cost_center="KST1") == 2
        assert Budget.objects.get(year=2026, account="8400", cost_center="KST1").m02 == \
            D("950.00")
