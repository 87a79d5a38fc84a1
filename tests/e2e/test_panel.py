"""A person in a browser: log in per role, see the right menu, work a collection."""
import pytest

from models import AuditEntry, Employee
from models.user import ROLES
from tests.factories import make_user

MENU = {  # menu entries each role must see (and no others of these)
    "admin": {"Finance", "HR", "Procurement", "Support", "Archive", "Import", "System"},
    "finance": {"Finance", "Procurement", "Archive", "Import"},
    "hr": {"HR", "Archive", "Import"},
    "warehouse": {"Procurement", "Archive", "Import"},
    "support": {"Support", "Archive", "Import"},
    "auditor": {"Finance", "Procurement", "Support", "Archive", "Import", "System"},
}
ALL_MENUS = set().union(*MENU.values())


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_only_its_menu(session, live_app, role):
    with live_app.app_context():
        user = make_user(role, email=f"e2e-{role}@firma.example.com")
    session.login(user.email)
    session.shot("home")
    nav = session.page.inner_text("nav")
    seen = {name for name in ALL_MENUS if name in nav}
    assert seen == MENU[role]
    assert user.email in nav
    assert not session.console_errors, session.console_errors


def test_hr_creates_an_employee_with_umlauts(session, live_app):
    with live_app.app_context():
        user = make_user("hr", email="e2e-hr-create@firma.example.com")
    session.login(user.email)
    session.goto("/admin/employees/new/")
    page = session.page
    page.fill("#personnel_no", "P-E2E-1")
    page.fill("#first_name", "Jürgen")
    page.fill("#last_name", "Weiß-Ölmüller")
    page.fill("#hire_date", "2026-03-01")
    page.fill("#monthly_gross", "3.456,78")
    page.fill("#iban", "DE89 3704 0044 0532 0130 00")
    session.shot("form")
    page.click("input[type=submit][value='Speichern'], button:has-text('Speichern')")
    page.wait_for_load_state("networkidle")
    session.shot("saved")
    assert "Weiß-Ölmüller" in page.content()
    assert "3.456,78 €" in page.content()
    with live_app.app_context():
        emp = Employee.objects.get(personnel_no="P-E2E-1")
        assert emp.last_name == "Weiß-Ölmüller" and str(emp.monthly_gross) == "3456.78"
        assert AuditEntry.objects(document_id=str(emp.pk), action="create").count() == 1
    assert not session.console_errors, session.console_errors


def test_start_page_and_lists_load_without_console_errors(session, live_app):
    with live_app.app_context():
        user = make_user("admin", email="e2e-admin-lists@firma.example.com")
    session.login(user.email)
    for path in ("/admin/", "/admin/employees/", "/admin/journal/new/", "/admin/stock/new/",
                 "/admin/tickets/", "/admin/archive_files/"):
        response = session.goto(path)
        assert response.status == 200, path
    session.shot("lists")
    assert not session.console_errors, session.console_errors
