"""Browser: upload an XRechnung → readable invoice → check → approve (second person) → booked."""
from models.ledger import JournalEntry
from models.supplier_invoice import SupplierInvoice
from tests.factories import make_supplier, make_user
from tests.services.payables.samples import DocAC, Line, Sample, cii_xml


def test_upload_check_approve_booked(session, live_app, tmp_path):
    from decimal import Decimal as D

    with live_app.app_context():
        make_user("finance", email="e2e-erfasser@firma.example.com")
        make_user("finance", email="e2e-freigabe@firma.example.com")
        make_supplier(default_account="4980", name="Großhandel Schäfer GmbH")
    sample = Sample(number="E2E-4711", lines=[Line("Kabelbinder 200 mm", D("10"), D("12.50")),
                                              Line("Fachbuch", D("2"), D("25.00"), rate=D("7"))],
                    doc_acs=[DocAC(D("5.00"))], terms="#SKONTO#TAGE=14#PROZENT=2.00#")
    path = tmp_path / "xrechnung.xml"
    path.write_bytes(cii_xml(sample))
    session.login("e2e-erfasser@firma.example.com")
    session.goto("/payables/upload")
    page = session.page
    page.set_input_files("input[type=file]", str(path))
    session.shot("upload")
    page.click("button:has-text('Einlesen')")
    page.wait_for_load_state("networkidle")
    body = page.inner_text("body")
    assert "E2E-4711" in body and "Kabelbinder 200 mm" in body and "Keine Beanstandungen" in body
    session.shot("invoice")
    page.click("button:has-text('Geprüft')")
    page.wait_for_load_state("networkidle")
    assert "geprüft" in page.inner_text("h1")
    session.shot("checked")
    page.context.clear_cookies()  # log out
    with live_app.app_context():
        inv = SupplierInvoice.objects.get(number="E2E-4711")
    session.login("e2e-freigabe@firma.example.com")
    session.goto(f"/payables/{inv.pk}")
    session.shot("to-approve")
    page.click("button:has-text('Freigeben und buchen')")
    page.wait_for_load_state("networkidle")
    assert "gebucht" in page.inner_text("h1")
    session.shot("booked")
    with live_app.app_context():
        inv = SupplierInvoice.objects.get(number="E2E-4711")
        assert inv.status == "posted" and JournalEntry.objects.get(pk=inv.journal_entry).status == "posted"
    session.goto("/payables/?filter=open")
    assert "E2E-4711" in page.inner_text("body")
    session.shot("open-list")
    assert not session.console_errors, session.console_errors
