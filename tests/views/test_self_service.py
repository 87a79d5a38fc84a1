"""Self-service: an employee sees only their own anything, by URL, id, look-up or export;
IBAN changes need two HR people; invitations work once."""
import re
from datetime import date, datetime, timedelta, timezone

import pytest

from models.employee import Employee
from models.self_service import ChangeRequest, Invitation
from models.user import User
from services.core.errors import BusinessRuleError
from services.hr import self_service
from tests.conftest import PASSWORD, csrf_token_from
from tests.factories import make_absence_request, make_employee, make_user

IBAN_OLD, IBAN_NEW = "DE89370400440532013000", "DE02120300000000202051"


def _login(client, user):
    client.get("/logout")
    token = csrf_token_from(client.get("/login").data)
    assert client.post("/login", data={"email": user.email, "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302


def _post(client, url, **data):
    token = csrf_token_from(client.get("/me/").data)
    return client.post(url, data={"csrf_token": token, **data})


@pytest.fixture
def two(app):
    from services.payroll import documents, runs

    anna = make_employee(last_name="Anders", first_name="Anna", department="Technik",
                         birth_date=date(1990, 1, 1), iban=IBAN_OLD, street="Alte Str. 1",
                         postal_code="80331", city="München")
    bernd = make_employee(last_name="Brandt", first_name="Bernd", department="Vertrieb",
                          birth_date=date(1980, 1, 1))
    run = runs.create_run(2026, 10, "hr@firma.example.com")
    runs.calculate_run(run.pk, "hr@firma.example.com")
    runs.approve_run(run.pk, "hr@firma.example.com")
    documents.issue_payslips(run.pk, "hr@firma.example.com", documents.company_from_config({}))
    return {"anna": anna, "bernd": bernd,
            "anna_user": make_user("employee", employee=anna),
            "bernd_user": make_user("employee", employee=bernd),
            "bernd_absence": make_absence_request(bernd, start=date(2026, 12, 7)),
            "hr1": make_user("hr"), "hr2": make_user("hr")}


def test_an_employee_sees_only_their_own_data(client, two):
    from models.payroll import Payslip

    _login(client, two["anna_user"])
    page = client.get("/me/").get_data(as_text=True)
    assert "Anders" in page and "Brandt" not in page
    assert IBAN_OLD not in page and "DE89 " in page and "3000" in page   # masked
    own = Payslip.objects.get(employee=two["anna"].pk)
    other = Payslip.objects.get(employee=two["bernd"].pk)
    response = client.get(f"/me/payslips/{own.pk}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert client.get(f"/me/payslips/{other.pk}.pdf").status_code == 404
    # every way to Bernd's data: by id, by parameter, by the team calendar, by the panel
    bernd, absence = two["bernd"], two["bernd_absence"]
    assert client.get(f"/hr/absences/{absence.pk}").status_code == 404
    assert "Brandt" not in client.get(f"/hr/absences/?employee={bernd.pk}").get_data(as_text=True)
    calendar = client.get("/hr/calendar?department=Vertrieb&year=2026&month=12")
    assert "Brandt" not in calendar.get_data(as_text=True)
    for url in ("/admin/employees/", f"/admin/employees/details/?id={bernd.pk}",
                "/admin/employees/export/csv/", "/admin/absences/",
                f"/admin/absences/details/?id={absence.pk}", "/admin/absences/export/csv/",
                "/admin/employees/ajax/lookup/?name=manager&query=B",
                "/admin/archive_files/", "/admin/tickets/", "/admin/users/",
                f"/payroll/runs/{other.run.pk}/payslips/{other.pk}/pdf",
                f"/payroll/runs/{other.run.pk}", "/hr/self-service"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert b"Brandt" not in response.data, url
    assert _post(client, f"/hr/absences/{absence.pk}/cancel").status_code == 404


def test_iban_change_needs_two_other_hr_people(client, two):
    _login(client, two["anna_user"])
    _post(client, "/me/change", iban="DE02 1203 0000 0000 2020 51")
    change = ChangeRequest.objects.get(employee=two["anna"].pk)
    assert change.needed == 2 and change.changes == {"iban": IBAN_NEW}
    # the employee cannot confirm her own request
    assert _post(client, f"/hr/changes/{change.pk}/confirm").status_code == 403
    self_service.confirm_change(change.pk, two["hr1"])
    assert Employee.objects.get(pk=two["anna"].pk).iban == IBAN_OLD
    with pytest.raises(BusinessRuleError, match="Vier-Augen"):
        self_service.confirm_change(change.pk, two["hr1"])
    done = self_service.confirm_change(change.pk, two["hr2"])
    assert done.status == "confirmed"
    assert Employee.objects.get(pk=two["anna"].pk).iban == IBAN_NEW


def test_hr_asking_for_a_change_cannot_confirm_it_and_an_address_needs_one(two):
    change = self_service.request_change(two["bernd"], {"iban": IBAN_NEW}, two["hr1"].email)
    with pytest.raises(BusinessRuleError):
        self_service.confirm_change(change.pk, two["hr1"])
    moved = self_service.request_change(two["anna"], {"street": "Neue Str. 2"},
                                        two["anna_user"].email)
    assert moved.needed == 1
    assert self_service.confirm_change(moved.pk, two["hr1"]).status == "confirmed"
    assert Employee.objects.get(pk=two["anna"].pk).street == "Neue Str. 2"
    with pytest.raises(BusinessRuleError):   # a wrong IBAN is refused when asked for
        self_service.request_change(two["anna"], {"iban": "DE00 1234"}, "x@firma.example.com")


def test_hr_cannot_change_a_stored_iban_in_the_employee_form(client, two):
    from tests.admin.test_crud import post_form

    _login(client, two["hr1"])
    anna = two["anna"]
    url = f"/admin/employees/edit/?id={anna.pk}"
    form = {"personnel_no": anna.personnel_no, "first_name": "Anna", "last_name": "Anders",
            "hire_date": "2020-04-01", "monthly_gross": "3850,00", "tax_class": "1",
            "child_allowances": "0,0", "children_under_25": "0",
            "health_insurance_addon": "2,90", "state": "BY", "status": "active",
            "work_days": "12345", "iban": IBAN_NEW}
    post_form(client, url, form)
    assert Employee.objects.get(pk=anna.pk).iban == IBAN_OLD
    post_form(client, url, {**form, "iban": IBAN_OLD, "city": "Augsburg"})
    assert Employee.objects.get(pk=anna.pk).city == "Augsburg"


def test_invitation_link_works_once(client, two):
    carla = make_employee(last_name="Claus", email="carla@firma.example.com")
    _login(client, two["hr1"])
    token = csrf_token_from(client.get("/hr/self-service").data)
    client.post("/hr/invite", data={"csrf_token": token, "employee": str(carla.pk)})
    page = client.get("/hr/self-service").get_data(as_text=True)
    link = re.search(r"(/invitation/[\w-]+)", page).group(1)
    client.get("/logout")
    client.post("/logout")
    form = client.get(link)
    assert form.status_code == 200
    token = csrf_token_from(form.data)
    response = client.post(link, data={"csrf_token": token, "password": "Neu-Passw0rt!",
                                       "password2": "Neu-Passw0rt!"})
    assert response.status_code == 302
    user = User.objects.get(email="carla@firma.example.com")
    assert user.roles == ["employee"] and user.employee.pk == carla.pk
    assert client.get(link).status_code == 404
    with pytest.raises(BusinessRuleError):
        self_service.invite(carla, "other@firma.example.com", "hr")


def test_an_expired_invitation_is_refused(app):
    dora = make_employee(last_name="Dorn")
    token = self_service.invite(dora, "dora@firma.example.com", "hr")
    assert self_service.open_invitation(token) is not None
    Invitation.objects.update(set__expires_at=datetime.now(timezone.utc) - timedelta(seconds=1))
    assert self_service.open_invitation(token) is None
    with pytest.raises(BusinessRuleError):
        self_service.accept_invitation(token, "Neu-Passw0rt!")
