"""A person in a browser: log in per role, see the right menu, work a collection."""
import pytest

from models import AuditEntry, Employee
from models.user import ROLES
from tests.factories import make_user

MENU = {  # menu entries each role must see (and no others of these)
    "admin": {"Finanzen", "Personal", "Einkauf & Lager", "Support", "Archiv", "Import",
              "System"},
    # finance, warehouse and support tick off their on-/offboarding checklist tasks (HR menu)
    "finance": {"Finanzen", "Personal", "Einkauf & Lager", "Archiv", "Import"},
    "hr": {"Personal", "Archiv", "Import"},
    "warehouse": {"Personal", "Einkauf & Lager", "Archiv", "Import"},
    "support": {"Personal", "Support", "Archiv", "Import"},
    "auditor": {"Finanzen", "Einkauf & Lager", "Support", "Archiv", "Import", "System"},
    "employee": set(),   # only "Abwesenheiten" (absences, own data, reviews; every role has it)
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


def test_delete_asks_for_confirmation_under_the_strict_csp(session, live_app):
    from models import Supplier
    from tests.factories import make_supplier

    with live_app.app_context():
        make_user("finance", email="e2e-delete@firma.example.com")
        supplier = make_supplier(name="Löschbar GmbH")
    session.login("e2e-delete@firma.example.com")
    session.goto("/admin/suppliers/")
    row = session.page.locator("tr", has_text="Löschbar GmbH")
    seen = []
    session.page.once("dialog", lambda d: (seen.append(d.message), d.dismiss()))
    row.locator("form button").click()
    session.page.wait_for_load_state("networkidle")
    assert seen and "?" in seen[0]
    with live_app.app_context():
        assert Supplier.objects(pk=supplier.pk).count() == 1  # dismissed: kept
    session.page.once("dialog", lambda d: d.accept())
    row.locator("form button").click()
    session.page.wait_for_load_state("networkidle")
    session.shot("deleted")
    with live_app.app_context():
        assert Supplier.objects(pk=supplier.pk).count() == 0
    csp_errors = [e for e in session.console_errors if "Content Security Policy" in e]
    assert not csp_errors or all("inline event handler" in e for e in csp_errors)


def test_journal_entry_with_inline_lines_and_a_list_filter(session, live_app):
    """Flask-Admin's inline-form and filter scripts keep working under the strict CSP."""
    from models import JournalEntry

    with live_app.app_context():
        make_user("finance", email="e2e-journal@firma.example.com")
    session.login("e2e-journal@firma.example.com")
    session.goto("/admin/journal/new/")
    page = session.page
    page.fill("#date", "2026-04-30")
    page.fill("#text", "Miete April – Büro Köln")
    add = page.locator("a, button", has_text="Positionen").first
    add.click()
    add.click()
    page.fill("#lines-0-account", "4210")
    page.fill("#lines-0-debit", "1.250,00")
    page.fill("#lines-1-account", "1200")
    page.fill("#lines-1-credit", "1.250,00")
    session.shot("journal-form")
    page.click("input[type=submit][value='Speichern']")
    page.wait_for_load_state("networkidle")
    with live_app.app_context():
        entry = JournalEntry.objects.get(text="Miete April – Büro Köln")
        assert str(entry.total_debit) == "1250.00" and len(entry.lines) == 2
    page.click("text=Filter hinzufügen")
    page.locator("a.filter").first.click()
    assert page.locator(".filter-row, #filter-form select, .filter-op").count() > 0
    session.shot("filter")
    assert not session.console_errors, session.console_errors
