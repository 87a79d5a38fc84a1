"""In the browser: a SEPA payment run proposed by one clerk and released by another, and
a dunning run proposed and confirmed; screenshots under test-output/."""
from datetime import date

from models.company import Company
from tests.factories import make_company, make_user


def _company():
    if Company.current() is None:
        make_company()


def test_propose_and_release_a_payment_run(session, live_app):
    from services.payroll import runs
    from tests.views.test_payroll_runs import staff

    with live_app.app_context():
        _company()
        make_user("finance", email="e2e-sepa-clerk@firma.example.com")
        make_user("finance", email="e2e-sepa-boss@firma.example.com")
        staff()
        run = runs.calculate_run(runs.create_run(2026, 3, "hr").pk, "hr")
        runs.approve_run(run.pk, "hr")
    session.login("e2e-sepa-clerk@firma.example.com")
    session.goto("/sepa/")
    page = session.page
    page.fill("#up_to", "2026-03-31")
    page.fill("#execution_date", "2026-03-27")
    page.click("button:has-text('Zahlungsvorschlag erstellen')")
    page.wait_for_load_state("networkidle")
    session.shot("vorschlag")
    assert "Lohn/Gehalt 03/2026" in page.content()
    page.click("button:has-text('Freigeben')")
    page.wait_for_load_state("networkidle")
    assert "Vier-Augen" in page.content()
    session.shot("eigene-freigabe-abgelehnt")
    url = page.url
    session.login("e2e-sepa-boss@firma.example.com")
    session.page.goto(url)
    page.wait_for_load_state("networkidle")
    page.click("button:has-text('Freigeben')")
    page.wait_for_load_state("networkidle")
    session.shot("freigegeben")
    assert "pain.001.001.09" in page.content() and "pain.001.001.03" in page.content()
    assert not session.console_errors, session.console_errors


def test_propose_and_confirm_a_dunning_run(session, live_app):
    from services.invoicing import issuing
    from tests.factories import make_invoice

    with live_app.app_context():
        _company()
        make_user("finance", email="e2e-dunning@firma.example.com")
        inv = issuing.issue_invoice(make_invoice(issue_date=date(2026, 3, 1)), "fibu")
    session.login("e2e-dunning@firma.example.com")
    session.goto("/dunning/")
    page = session.page
    page.fill("#as_of", "2026-04-10")
    page.click("button:has-text('Mahnvorschlag erstellen')")
    page.wait_for_load_state("networkidle")
    session.shot("mahnvorschlag")
    assert inv.number in page.content()
    page.click("button:has-text('Bestätigen')")
    page.wait_for_load_state("networkidle")
    session.shot("bestaetigt")
    assert "Brief (PDF)" in page.content()
    assert not session.console_errors, session.console_errors
