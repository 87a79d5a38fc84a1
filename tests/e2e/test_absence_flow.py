"""Browser flow: an employee requests unpaid leave, the manager approves it, the team
calendar shows it and the payroll run of the month reflects it."""
from datetime import date
from decimal import Decimal

from models import Absence
from tests.factories import make_employee, make_user


def test_request_approve_calendar_and_payroll(session, live_app):
    with live_app.app_context():
        boss = make_employee(last_name="Chefin", department="Technik",
                             birth_date=date(1980, 1, 1), hire_date=date(2020, 1, 1))
        worker = make_employee(last_name="Vogel", first_name="Anna", department="Technik",
                               birth_date=date(1990, 1, 1), hire_date=date(2020, 1, 1),
                               monthly_gross=Decimal("3000.00"), manager=boss)
        make_user("employee", employee=worker, email="e2e-anna@firma.example.com")
        make_user("employee", employee=boss, email="e2e-chefin@firma.example.com")
    page = session.page
    session.login("e2e-anna@firma.example.com")
    session.goto("/hr/absences/")
    page.select_option("#absence_type", "unbezahlt")
    page.fill("#start", "02.11.2026")
    page.fill("#end", "06.11.2026")
    session.shot("request")
    page.click("#request-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "beantragt" in page.inner_text("#status")
    session.shot("requested")

    page.context.clear_cookies()
    session.login("e2e-chefin@firma.example.com")
    session.goto("/hr/absences/")
    page.click("#pending a:has-text('Vogel')")
    page.wait_for_load_state("networkidle")
    page.click("#decide-form button[value=approve]")
    page.wait_for_load_state("networkidle")
    assert "freigegeben" in page.inner_text("#status")
    session.shot("approved")
    session.goto("/hr/calendar?year=2026&month=11")
    row = page.locator("#calendar tr", has_text="Vogel")
    assert row.locator("td[data-absence=approved]").count() == 5
    session.shot("calendar")

    with live_app.app_context():
        from models.payroll import Payslip
        from services.payroll import runs

        assert Absence.objects.get(employee=worker.pk).status == "approved"
        run = runs.calculate_run(runs.create_run(2026, 11, "hr@firma.example.com").pk,
                                 "hr@firma.example.com")
        assert Payslip.objects.get(run=run.pk, employee=worker.pk).gross == Decimal("2500.00")
    assert not session.console_errors, session.console_errors
