"""A support clerk hands out a notebook and reveals a licence key; finance reads the calendar."""
import pytest
from datetime import date

from models.audit import AuditEntry
from models.compliance import ComplianceSettings
from models.it_asset import Asset, AssetHandover
from tests.factories import make_employee, make_user
from tests.factories_it import make_asset, make_contract, make_licence


def test_support_hands_out_a_notebook_and_reveals_a_key(session, live_app):
    with live_app.app_context():
        user = make_user("support", email="e2e-it-support@firma.example.com")
        asset = make_asset(asset_tag="IT-E2E-1", serial_number="E2E-SN-1")
        make_employee(personnel_no="P-E2E-IT", first_name="Jörg", last_name="Weiß")
        licence = make_licence(product="Grafik-Suite", licence_key="E2E00-11111-22222-33333")
    session.login(user.email)
    session.goto(f"/admin/assets/details/?id={asset.pk}")
    page = session.page
    page.fill("#issue-no", "P-E2E-IT")
    page.fill("#issue-on", "01.12.2026")
    session.shot("asset-before-issue")
    page.click("button:has-text('Ausgeben')")
    page.wait_for_load_state("networkidle")
    session.shot("asset-issued")
    assert "Weiß" in page.content() and "Gerät ausgegeben." in page.content()
    with live_app.app_context():
        assert Asset.objects.get(pk=asset.pk).status == "handed_out"
        assert AssetHandover.objects.get(asset=asset.pk).pdf_file is not None
    session.goto(f"/admin/licences/details/?id={licence.pk}")
    assert "33333" not in page.content() and "••••••••3333" in page.content()
    page.click("button:has-text('Lizenzschlüssel anzeigen')")
    page.wait_for_load_state("networkidle")
    session.shot("licence-key")
    assert "E2E00-11111-22222-33333" in page.content()
    with live_app.app_context():
        assert AuditEntry.objects(action="reveal", document_id=str(licence.pk)).count() == 1
    assert not session.console_errors, session.console_errors


def test_finance_reads_the_calendar_contracts_and_budget(session, live_app):
    with live_app.app_context():
        user = make_user("finance", email="e2e-it-finance@firma.example.com")
        if not ComplianceSettings.objects.first():
            ComplianceSettings(vat_return_interval="monthly", permanent_extension=True).save()
        make_contract(number="V-E2E-1", owner=user, start=date(2025, 1, 1))
    session.login(user.email)
    session.shot("home-with-deadlines")
    assert "Fristen" in session.page.content()
    session.goto("/admin/compliance/")
    session.shot("calendar")
    assert "Umsatzsteuer-Voranmeldung" in session.page.content()
    session.goto("/admin/contracts/")
    session.shot("contracts")
    session.goto("/admin/contract-budget/")
    session.shot("budget")
    assert "Wartung" in session.page.content()
    assert not session.console_errors, session.console_errors
