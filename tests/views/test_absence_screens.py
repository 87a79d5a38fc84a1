"""The absence screens: an employee requests, the manager approves, the calendar shows it;
nobody else sees the record by URL or id."""
from datetime import date
from decimal import Decimal as D

import pytest

from models.absence import Absence
from tests.conftest import PASSWORD, csrf_token_from
from tests.factories import make_employee, make_user


def _login(client, user):
    client.get("/logout")
    token = csrf_token_from(client.get("/login").data)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302


def _post(client, url, **data):
    token = csrf_token_from(client.get("/hr/absences/").data)
    return client.post(url, data={"csrf_token": token, **data})


@pytest.fixture
def people(app):
    boss = make_employee(last_name="Chef", department="Technik", hire_date=date(2020, 1, 1))
    worker = make_employee(last_name="Vogel", first_name="Anna", department="Technik",
                           hire_date=date(2020, 1, 1), vacation_days=D(30), manager=boss)
    stranger = make_employee(last_name="Fremd", department="Vertrieb",
                             hire_date=date(2020, 1, 1))
    return {"boss": make_user("support", employee=boss),
            "worker": make_user("warehouse", employee=worker),
            "stranger": make_user("warehouse", employee=stranger),
            "hr": make_user("hr"), "worker_employee": worker}


def test_request_approve_and_see_it_in_the_team_calendar(client, people):
    _login(client, people["worker"])
    response = _post(client, "/hr/absences/", absence_type="urlaub", start="07.12.2026",
                     end="11.12.2026")
    assert response.status_code == 302
    absence = Absence.objects.get(employee=people["worker_employee"].pk)
    assert absence.days == 5 and absence.status == "requested"
    page = client.get("/hr/absences/").get_data(as_text=True)
    assert 'id="remaining"' in page
    # the worker cannot approve their own request
    _post(client, f"/hr/absences/{absence.pk}/decide", decision="approve")
    assert Absence.objects.get(pk=absence.pk).status == "requested"

    _login(client, people["boss"])
    assert "Vogel" in client.get("/hr/absences/").get_data(as_text=True)   # waiting for me
    _post(client, f"/hr/absences/{absence.pk}/decide", decision="approve")
    assert Absence.objects.get(pk=absence.pk).status == "approved"
    calendar = client.get("/hr/calendar?year=2026&month=12").get_data(as_text=True)
    assert calendar.count('data-absence="approved"') == 5
    assert "Weihnachtstag" in calendar or "Christtag" in calendar or "Weihnacht" in calendar


def test_nobody_else_sees_the_record(client, people):
    _login(client, people["worker"])
    _post(client, "/hr/absences/", absence_type="urlaub", start="07.12.2026")
    absence = Absence.objects.get(employee=people["worker_employee"].pk)
    assert client.get(f"/hr/absences/{absence.pk}").status_code == 200
    _login(client, people["stranger"])
    assert client.get(f"/hr/absences/{absence.pk}").status_code == 404
    assert _post(client, f"/hr/absences/{absence.pk}/cancel").status_code == 404
    assert _post(client, f"/hr/absences/{absence.pk}/decide",
                 decision="approve").status_code == 404
    # ?employee= is HR's; for anyone else it shows their own record
    page = client.get(f"/hr/absences/?employee={people['worker_employee'].pk}")
    assert "Vogel" not in page.get_data(as_text=True)
    calendar = client.get("/hr/calendar?department=Technik&year=2026&month=12")
    assert "Vogel" not in calendar.get_data(as_text=True)
    assert _post(client, f"/hr/absences/{absence.pk}/eau", result="eau_present").status_code == 403
    assert Absence.objects.get(pk=absence.pk).status == "requested"
    _login(client, people["hr"])
    assert client.get(f"/hr/absences/{absence.pk}").status_code == 200
    page = client.get(f"/hr/absences/?employee={people['worker_employee'].pk}")
    assert "Vogel" in page.get_data(as_text=True)


def test_a_refused_request_says_why(client, people):
    _login(client, people["worker"])
    response = _post(client, "/hr/absences/", absence_type="urlaub", start="05.12.2026",
                     end="06.12.2026")   # a weekend
    assert response.status_code == 302
    page = client.get("/hr/absences/").get_data(as_text=True)
    assert "kein Arbeitstag" in page
    assert Absence.objects.count() == 0


def test_hr_enters_kurzarbeit_in_hours_and_a_minijob_is_told_there_is_no_kug(client, app):
    mini = make_employee(last_name="Klein", monthly_gross=D("600.00"), weekly_hours=D("10"),
                         hire_date=date(2020, 1, 1))
    full = make_employee(last_name="Voll", monthly_gross=D("3000.00"), weekly_hours=D("40"),
                         hire_date=date(2020, 1, 1))
    _login(client, make_user("hr"))
    response = _post(client, "/hr/absences/", employee=str(full.pk), absence_type="kurzarbeit",
                     start="02.11.2026", end="06.11.2026", hours_per_day="3,5")
    assert response.status_code == 302
    absence = Absence.objects.get(employee=full.pk)
    assert absence.hours_per_day == D("3.50")
    page = client.get(f"/hr/absences/{absence.pk}").get_data(as_text=True)
    assert 'id="hours-per-day"' in page and 'id="payroll-notice"' not in page
    # more than the contractual 2 h a day of the minijob: refused, nothing stored
    _post(client, "/hr/absences/", employee=str(mini.pk), absence_type="kurzarbeit",
          start="02.11.2026", end="06.11.2026", hours_per_day="3")
    assert not Absence.objects(employee=mini.pk).count()
    _post(client, "/hr/absences/", employee=str(mini.pk), absence_type="kurzarbeit",
          start="02.11.2026", end="06.11.2026", hours_per_day="abc")
    assert not Absence.objects(employee=mini.pk).count()
    response = _post(client, "/hr/absences/", employee=str(mini.pk),
                     absence_type="kurzarbeit", start="02.11.2026", end="06.11.2026")
    absence = Absence.objects.get(employee=mini.pk)
    assert absence.hours_per_day is None
    page = client.get(f"/hr/absences/{absence.pk}").get_data(as_text=True)
    assert 'id="payroll-notice"' in page and "kein Kurzarbeitergeld" in page
