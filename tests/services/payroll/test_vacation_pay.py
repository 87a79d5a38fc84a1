"""Vacation pay (Urlaubsentgelt, § 11 BUrlG) in the payroll run: variable pay is paid for
vacation days at the average of the 3 months (13 weeks) before, overtime pay left out;
without history at the contract's rate; a fixed monthly salary is unchanged.

Hand-computed, Nordrhein-Westfalen 2026 (no public holiday from July to September):
working days Mon–Fri July 23 (1 July is a Wednesday), August 21, September 22 = 66.
"""
from datetime import date
from decimal import Decimal as D

import pytest

from models.pay_input import PayInput
from models.payroll import Payslip
from services.hr import absences
from services.payroll import runs
from services.payroll.vacation_pay import reference_months, vacation_pay
from tests.factories import make_absence_request, make_employee, make_user


def _employee(**kw):
    kw.setdefault("hire_date", date(2020, 1, 1))
    kw.setdefault("monthly_gross", D("2600.00"))
    return make_employee(birth_date=date(1985, 5, 5), state="NW", **kw)


def _input(emp, month, hours="0", variable="0.00", overtime="0.00", year=2026):
    PayInput(employee=emp, year=year, month=month, hours=D(hours), variable_pay=D(variable),
             overtime_pay=D(overtime)).save()


def _vacation(emp, start, end):
    absence = make_absence_request(emp, "urlaub", start=start, end=end)
    absences.decide(absence.pk, make_user("hr"), approve=True)


def _run(year=2026, month=10):
    run = runs.create_run(year, month, "hr@firma.example.com")
    return runs.calculate_run(run.pk, "hr@firma.example.com")


def _slip(emp, run):
    return Payslip.objects.get(run=run.pk, employee=emp.pk)


def test_reference_months_are_the_three_before_also_across_the_year():
    assert reference_months(2026, 10) == [(2026, 7), (2026, 8), (2026, 9)]
    assert reference_months(2026, 2) == [(2025, 11), (2025, 12), (2026, 1)]


def test_pure_rule_average_then_contract_rate():
    # 8,052.00 € over 66 days, 5 vacation days: 610.00 €
    assert vacation_pay(D(5), [(D("2760.00"), D(23)), (D("2652.00"), D(21)),
                               (D("2640.00"), D(22))]) == D("610.00")
    # no history: 15.00 €/h × 40 h / 5 days = 120.00 € a day
    assert vacation_pay(D("2.5"), [], D("15.00"), D("40"), "12345") == D("300.00")
    assert vacation_pay(D(3), [], D("15.00"), D("30"), "123") == D("450.00")   # 3-day week
    assert vacation_pay(D(0), [(D("100"), D(1))]) == D("0.00")
    assert vacation_pay(D(5), [], None, None) == D("0.00")       # fixed pay, no variable


@pytest.fixture
def hourly(app):
    """Hourly worker, 15.00 €/h, 40 h a week, three months of history:
    July 184 h = 2,760.00; August 168 h = 2,520.00 + 132.00 night premiums = 2,652.00;
    September 176 h = 2,640.00 + 300.00 overtime pay (left out) -> 8,052.00 € / 66 days."""
    emp = _employee(hourly_rate=D("15.00"), weekly_hours=D("40"))
    _input(emp, 7, hours="184")
    _input(emp, 8, hours="168", variable="132.00")
    _input(emp, 9, hours="176", overtime="300.00")
    _input(emp, 10, hours="136")                       # 17 days worked in October
    return emp


def test_hourly_worker_vacation_at_the_13_week_average(hourly):
    _vacation(hourly, date(2026, 10, 12), date(2026, 10, 16))     # Mon–Fri: 5 days
    slip = _slip(hourly, _run())
    assert slip.vacation_days == D(5)
    assert slip.vacation_pay == D("610.00")          # 8,052.00 × 5 / 66
    assert slip.variable_gross == D("2040.00")       # 136 h × 15.00
    assert slip.gross == D("2650.00")                # 2,040.00 + 610.00
    assert slip.employee_data.hourly_rate == D("15.00")


def test_the_contract_rate_would_have_paid_less_so_overtime_and_premiums_matter(hourly):
    # the same without the premiums and overtime: exactly the contract rate, 120 € a day
    PayInput.objects(employee=hourly, month=8).update(set__variable_pay=D("0.00"))
    PayInput.objects(employee=hourly, month=9).update(set__overtime_pay=D("0.00"))
    _vacation(hourly, date(2026, 10, 12), date(2026, 10, 16))
    assert _slip(hourly, _run()).vacation_pay == D("600.00")   # 7,920.00 × 5 / 66


def test_overtime_pay_of_the_month_is_paid_but_not_averaged(hourly):
    PayInput.objects(employee=hourly, month=10).update(set__overtime_pay=D("90.00"))
    slip = _slip(hourly, _run())
    assert (slip.vacation_pay, slip.overtime_pay, slip.gross) == (
        D("0.00"), D("90.00"), D("2130.00"))


def test_a_sick_day_in_the_reference_period_does_not_lower_the_average(hourly):
    # sick on Monday 31 August, 8 hours fewer: 7,932.00 € over 65 days
    PayInput.objects(employee=hourly, month=8).update(set__hours=D("160"))
    make_absence_request(hourly, "krank", start=date(2026, 8, 31), end=date(2026, 8, 31))
    _vacation(hourly, date(2026, 10, 12), date(2026, 10, 16))
    assert _slip(hourly, _run()).vacation_pay == D("610.15")   # 7,932 × 5 / 65 = 610.1538


def test_hourly_worker_without_history_gets_the_contract_rate(app):
    new = _employee(hire_date=date(2026, 10, 1), hourly_rate=D("15.00"),
                    weekly_hours=D("40"))
    _input(new, 10, hours="136")
    _vacation(new, date(2026, 10, 15), date(2026, 10, 16))      # Thu–Fri: 2 days
    slip = _slip(new, _run())
    assert slip.vacation_pay == D("240.00")           # 15.00 × 40 / 5 × 2
    assert slip.gross == D("2280.00")


def test_history_only_from_the_hire_date(app):
    # hired Saturday 15 August: August has 11 working days (17–31), 88 h = 1,320.00;
    # September 176 h = 2,640.00 -> 3,960.00 € / 33 days = 120.00 € a day
    emp = _employee(hire_date=date(2026, 8, 15), hourly_rate=D("16.50"),
                    weekly_hours=D("40"))
    PayInput(employee=emp, year=2026, month=8, hours=D("80"),
             variable_pay=D("0.00")).save()           # 80 h × 16.50 = 1,320.00
    PayInput(employee=emp, year=2026, month=9, hours=D("160")).save()   # 2,640.00
    _input(emp, 10, hours="120")
    _vacation(emp, date(2026, 10, 14), date(2026, 10, 16))      # 3 days
    assert _slip(emp, _run()).vacation_pay == D("360.00")       # 3,960 × 3 / 33


def test_fixed_salary_with_commission_gets_a_supplement(app):
    emp = _employee(monthly_gross=D("3000.00"))
    for month in (7, 8, 9, 10):
        _input(emp, month, variable="650.00")
    _vacation(emp, date(2026, 10, 12), date(2026, 10, 16))
    slip = _slip(emp, _run())
    assert slip.vacation_pay == D("147.73")           # 1,950.00 × 5 / 66 = 147.727
    assert slip.gross == D("3797.73")                 # salary + commission + supplement


def test_fixed_salary_alone_is_unchanged_by_vacation(app):
    emp = _employee(monthly_gross=D("3000.00"))
    other = _employee(monthly_gross=D("3000.00"))
    _vacation(emp, date(2026, 10, 12), date(2026, 10, 16))
    run = _run()
    slip, same = _slip(emp, run), _slip(other, run)
    assert (slip.gross, slip.vacation_pay, slip.variable_gross) == (
        D("3000.00"), D("0.00"), D("0.00"))
    assert (slip.wage_tax, slip.net) == (same.wage_tax, same.net)


def test_a_requested_vacation_is_not_paid_yet(hourly):
    make_absence_request(hourly, "urlaub", start=date(2026, 10, 12), end=date(2026, 10, 16))
    assert _slip(hourly, _run()).vacation_pay == D("0.00")


def test_an_hourly_worker_without_hours_for_the_month_is_a_problem_not_a_zero(app):
    emp = _employee(hourly_rate=D("15.00"), weekly_hours=D("40"), personnel_no="H-1")
    run = _run()
    assert [p.personnel_no for p in run.problems] == ["H-1"]
    assert "Stunden" in run.problems[0].missing
    assert not Payslip.objects(run=run.pk, employee=emp.pk).count()
