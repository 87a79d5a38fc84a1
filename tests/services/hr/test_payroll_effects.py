"""The payroll run reads absences: unpaid leave costs 1/30 per day, sick pay for six weeks
per illness, then Krankengeld (no wage, no SV days). Expected figures by hand."""
from datetime import date
from decimal import Decimal as D

import pytest

from models.payroll import Payslip
from services.hr import absences
from services.payroll import runs
from tests.factories import make_absence_request, make_employee, make_user


def _slip(employee, year, month):
    run = runs.create_run(year, month, "hr@firma.example.com")
    runs.calculate_run(run.pk, "hr@firma.example.com")
    return Payslip.objects.get(run=run.pk, employee=employee.pk)


def _employee(**kw):
    kw.setdefault("hire_date", date(2020, 1, 1))
    return make_employee(monthly_gross=D("3000.00"), birth_date=date(1985, 5, 5),
                         state="NW", **kw)


def test_unpaid_leave_costs_a_thirtieth_per_calendar_day_and_keeps_the_sv_days(app):
    worker, other = _employee(), _employee()
    hr = make_user("hr")
    leave = make_absence_request(worker, "unbezahlt", start=date(2026, 11, 2),
                                 end=date(2026, 11, 6))
    absences.decide(leave.pk, hr, approve=True)
    make_absence_request(worker, "urlaub", start=date(2026, 11, 9), end=date(2026, 11, 13))
    slip = _slip(worker, 2026, 11)
    assert slip.gross == D("2500.00")          # 3000 - 3000 × 5 / 30
    assert slip.unpaid_days == 5 and slip.sv_days == 30
    assert Payslip.objects.get(employee=other.pk).gross == D("3000.00")


def test_a_refused_or_pending_unpaid_leave_costs_nothing(app):
    worker = _employee()
    make_absence_request(worker, "unbezahlt", start=date(2026, 11, 2), end=date(2026, 11, 6))
    assert _slip(worker, 2026, 11).gross == D("3000.00")


def test_half_unpaid_days_and_a_whole_month_unpaid(app):
    worker = _employee()
    hr = make_user("hr")
    half = make_absence_request(worker, "unbezahlt", start=date(2026, 11, 2),
                                end=date(2026, 11, 3), half_day_start=True)
    absences.decide(half.pk, hr, approve=True)
    assert _slip(worker, 2026, 11).gross == D("2850.00")    # 1.5 days: 3000 × 1.5 / 30
    whole = make_absence_request(worker, "unbezahlt", start=date(2026, 2, 1),
                                 end=date(2026, 2, 28))
    absences.decide(whole.pk, hr, approve=True)
    assert _slip(worker, 2026, 2).gross == D("0.00")      # 28 of 28 days, not 28/30


def test_sick_pay_for_six_weeks_then_krankengeld(app):
    worker = _employee()
    make_absence_request(worker, "krank", start=date(2026, 9, 1), end=date(2026, 11, 30))
    sept = _slip(worker, 2026, 9)
    assert sept.gross == D("3000.00") and sept.sv_days == 30
    october = _slip(worker, 2026, 10)   # paid 1 Sep - 12 Oct (42 days), 13-31 Oct: 19 days
    assert october.unpaid_days == 19 and october.sv_free_days == 19
    assert october.gross == D("1100.00") and october.sv_days == 12
    november = _slip(worker, 2026, 11)
    assert november.gross == D("0.00") and november.sv_days == 0
    assert november.employee_pension == D("0.00") and november.wage_tax == D("0.00")


def test_six_weeks_count_over_every_absence_of_the_same_illness(app):
    worker, fresh = _employee(), _employee()
    first = make_absence_request(worker, "krank", start=date(2026, 9, 1), end=date(2026, 9, 30))
    make_absence_request(worker, "krank", start=date(2026, 10, 10), end=date(2026, 10, 31),
                         illness_of=first)
    # a new illness of another employee in the same weeks starts its own six weeks
    make_absence_request(fresh, "krank", start=date(2026, 10, 10), end=date(2026, 10, 31))
    october = _slip(worker, 2026, 10)   # 30 days used; 12 more (10-21 Oct), then 22-31: 10
    assert october.unpaid_days == 10 and october.gross == D("2000.00")
    assert october.sv_days == 21
    assert Payslip.objects.get(employee=fresh.pk).gross == D("3000.00")


def test_no_sick_pay_in_the_first_four_weeks_of_employment(app):
    worker = _employee(hire_date=date(2026, 10, 1))
    make_absence_request(worker, "krank", start=date(2026, 10, 10), end=date(2026, 10, 31))
    october = _slip(worker, 2026, 10)   # sick pay from 29 Oct: 10-28 Oct (19 days) unpaid
    assert october.unpaid_days == 19 and october.gross == D("1100.00")
    assert october.sv_days == 12


def test_parental_leave_is_without_wage_and_sv_days(app):
    worker = _employee()
    make_absence_request(worker, "mutterschutz", start=date(2026, 11, 16), end=date(2026, 12, 31))
    november = _slip(worker, 2026, 11)
    assert november.gross == D("1500.00") and november.sv_days == 15


def test_hr_is_told_when_sick_pay_ends_others_are_not(app):
    from services.hr.tasks import krankengeld_notices

    long_ill, short_ill = _employee(last_name="Lang"), _employee(last_name="Kurz")
    make_absence_request(long_ill, "krank", start=date(2026, 9, 1), end=date(2026, 11, 30))
    make_absence_request(short_ill, "krank", start=date(2026, 9, 1), end=date(2026, 10, 12))
    hr, support = make_user("hr"), make_user("support")
    notices = list(krankengeld_notices(hr, today=date(2026, 11, 1)))
    assert [(n.params["name"].split()[-1], n.due) for n in notices] == [
        ("Lang", date(2026, 10, 12))]
    assert list(krankengeld_notices(support, today=date(2026, 11, 1))) == []
    assert list(krankengeld_notices(hr, today=date(2027, 1, 1))) == []


def test_short_time_hours_follow_the_week_model_holidays_and_half_days():
    from services.core.messages import RuleError
    from services.hr.payroll_effects import Span, short_time_hours

    december = (date(2026, 12, 1), date(2026, 12, 31))
    # December 2026 in NW: 23 weekdays less Christmas Day (Fri 25.12.; 26.12. is a
    # Saturday) = 22 working days × 8 h = 176 contractual hours at 40 h / 5 days
    whole = Span("short_time", date(2026, 12, 21), date(2026, 12, 31), half_day_end=True)
    got = short_time_hours([whole], "12345", "NW", D("40"), december)
    # 21.–24. and 28.–31.12. = 8 working days, the last one half: 7.5 days = 60 h
    assert (got.days, got.lost, got.contract, got.in_hours) == (
        D("7.5"), D("60"), D("176"), True)
    # 3 h a day from a half first day: 1.5 + 3 + 3 = 7.5 h on 21.–23.12.
    hours = Span("short_time", date(2026, 12, 21), date(2026, 12, 23), half_day_start=True,
                 hours=D("3"))
    got = short_time_hours([hours], "12345", "NW", D("40"), december)
    assert (got.days, got.lost) == (D("2.5"), D("7.5"))
    # Mon 14.–Fri 18.12.: 5 days, 40 h; a four-day week (Mon–Thu, 32 h = 8 h a day) has
    # no Friday: 4 days, 32 h
    week = Span("short_time", date(2026, 12, 14), date(2026, 12, 18))
    got = short_time_hours([week], "12345", "NW", D("40"), december)
    assert (got.days, got.lost) == (D("5"), D("40"))
    got = short_time_hours([week], "1234", "NW", D("32"), december)
    assert (got.days, got.lost) == (D("4"), D("32"))
    # no weekly hours: whole days still count, in days
    got = short_time_hours([whole], "12345", "NW", None, december)
    assert (got.lost, got.contract, got.in_hours) == (D("7.5"), D("22"), False)
    with pytest.raises(RuleError, match="Wochenstunden"):
        short_time_hours([hours], "12345", "NW", None, december)
