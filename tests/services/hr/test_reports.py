"""HR reports by hand: headcount, sick-leave rate, vacation liability (§ 11 BUrlG daily
rate), turnover; CSV and PDF downloads."""
from datetime import date
from decimal import Decimal as D

import pytest

from services.hr import absences, reports
from tests.factories import make_absence_request, make_employee, make_user


@pytest.fixture
def staff(app):
    hr = make_user("hr")
    anna = make_employee(last_name="Anna", department="Büro", state="NW",
                         hire_date=date(2020, 1, 1), monthly_gross=D("3250.00"),
                         vacation_days=D(30))
    bea = make_employee(last_name="Bea", department="Lager", state="NW",
                        hire_date=date(2026, 7, 1), monthly_gross=D("2600.00"))
    make_employee(last_name="Carl", department="Lager", state="NW",
                  hire_date=date(2020, 1, 1), exit_date=date(2026, 6, 30))
    leave = make_absence_request(anna, start=date(2026, 9, 7), end=date(2026, 10, 2),
                                 as_of=date(2026, 5, 1))   # 20 working days
    absences.decide(leave.pk, hr, approve=True)
    make_absence_request(anna, "krank", start=date(2026, 11, 9), end=date(2026, 11, 13))
    return {"hr": hr, "anna": anna, "bea": bea}


def test_headcount_and_turnover(staff):
    assert reports.headcount(2026) == {"Büro": [1] * 12, "Lager": [1] * 12}
    assert reports.turnover(2026) == (1, D("2.00"), D("50.00"))


def test_sick_rate_against_the_target_working_days(staff):
    # target days in NW 2026: Anna 261 weekdays - 8 holidays = 253, Bea (Jul-Dec) 132 - 1
    # (25 Dec) = 131, Carl (Jan-Jun) 129 - 7 = 122; 506 in all; 5 sick days: 0.988 %
    assert reports.sick_rate(2026) == D("0.99")


def test_vacation_liability_remaining_days_times_the_13_week_rate(staff):
    lines = {l.employee.last_name: (l.remaining, l.daily_rate, l.amount)
             for l in reports.vacation_liability(2026)}
    # Anna: 30 - 20 = 10 days (2025's carry lapsed on 31 March) × 3250 × 3 / 65 = 150.00
    # Bea: hired 1 July, waiting period ends 31 Dec: the statutory 20 days × 120.00
    assert lines == {"Anna": (D(10), D("150.00"), D("1500.00")),
                     "Bea": (D(20), D("120.00"), D("2400.00"))}


def test_csv_and_pdf_downloads_for_hr_only(client, login, staff):
    login("hr")
    csv = client.get("/hr/reports?year=2026&format=csv")
    text = csv.data.decode("utf-8-sig")
    assert csv.status_code == 200 and "Urlaubsrückstellung;Anna" in text and "1500,00" in text
    pdf = client.get("/hr/reports?year=2026&format=pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    client.get("/logout")
    login("finance")
    assert client.get("/hr/reports?year=2026&format=csv").status_code == 403
