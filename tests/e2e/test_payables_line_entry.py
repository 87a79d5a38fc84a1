"""Browser: a scanned PDF invoice is typed beside its document, checked, approved and booked."""
from decimal import Decimal as D

from models.ledger import JournalEntry
from models.supplier_invoice import SupplierInvoice
from tests.factories import make_supplier, make_user
from tests.services.payables.samples import plain_pdf

SCAN_HTML = ("Bürohaus Lindner KG · Rechnung Nr. 2026-4711 vom 20.11.2026</h1>"
             "<table border='1' cellpadding='6'><tr><th>Artikel</th><th>Menge</th><th>Preis</th>"
             "<th>USt</th></tr><tr><td>Druckerpapier A4</td><td>5</td><td>4,99</td><td>19 %</td>"
             "</tr><tr><td>Fachbuch Steuerrecht</td><td>2</td><td>19,90</td><td>7 %</td></tr>"
             "</table><p>Netto 64,75 · USt 19 % 4,74 · USt 7 % 2,79 · Brutto 72,28</p><h1>")


def test_type_a_scanned_invoice_and_book_it(session, live_app, tmp_path):
    with live_app.app_context():
        make_user("finance", email="e2e-scan-erfasser@firma.example.com")
        make_user("finance", email="e2e-scan-freigabe@firma.example.com")
        supplier = make_supplier(name="Bürohaus Lindner KG", vat_id="DE136695976",
                                 iban="DE02100100100006820101", postal_code="10115",
                                 default_account="4930")
    path = tmp_path / "scan-lindner.pdf"
    path.write_bytes(plain_pdf(SCAN_HTML))
    page = session.page
    session.login("e2e-scan-erfasser@firma.example.com")
    session.goto("/payables/upload")
    page.set_input_files("input[type=file]", str(path))
    page.click("button:has-text('Einlesen')")
    page.wait_for_load_state("networkidle")
    page.click("a:has-text('Positionen nach Beleg erfassen')")
    page.wait_for_load_state("networkidle")
    assert page.locator("iframe.document-frame").count() == 1
    page.select_option("#supplier", str(supplier.pk))
    page.fill("#number", "2026-4711")
    page.fill("#issue_date", "20.11.2026")
    page.fill("#document_gross", "72,28")
    for i, (text, qty, price, rate, account) in enumerate([
            ("Druckerpapier A4", "5", "4,99", "19", ""),
            ("Fachbuch Steuerrecht", "2", "19,90", "7", "4940")]):
        page.fill(f"#line-{i}-description", text)
        page.fill(f"#line-{i}-quantity", qty)
        page.fill(f"#line-{i}-unit_price", price)
        page.fill(f"#line-{i}-vat_rate", rate)
        page.fill(f"#line-{i}-account", account)
    page.wait_for_timeout(1500)  # only so that the screenshot shows the rendered scan
    session.shot("typed")
    page.click("button:has-text('Entwurf speichern')")
    page.wait_for_load_state("networkidle")
    # 5 × 4.99 = 24.95 (19 % → 4.7405 → 4.74), 2 × 19.90 = 39.80 (7 % → 2.786 → 2.79):
    # net 64.75, VAT 7.53, gross 72.28 = the gross typed off the scan: no mismatch
    assert "72,28" in page.inner_text("#gross-total")
    assert "passen nicht" not in page.inner_text("body")
    page.wait_for_timeout(1500)  # only so that the screenshot shows the rendered scan
    session.shot("saved-with-totals")
    page.click("a:has-text('Zurück zur Rechnung')")
    page.wait_for_load_state("networkidle")
    page.click("button:has-text('Geprüft')")
    page.wait_for_load_state("networkidle")
    assert "geprüft" in page.inner_text("h1")
    page.context.clear_cookies()
    with live_app.app_context():
        inv = SupplierInvoice.objects.get(number="2026-4711")
    session.login("e2e-scan-freigabe@firma.example.com")
    session.goto(f"/payables/{inv.pk}")
    page.click("button:has-text('Freigeben und buchen')")
    page.wait_for_load_state("networkidle")
    assert "gebucht" in page.inner_text("h1")
    session.shot("booked")
    with live_app.app_context():
        inv = SupplierInvoice.objects.get(number="2026-4711")
        entry = JournalEntry.objects.get(pk=inv.journal_entry)
        assert sorted((ln.account, ln.debit, ln.credit) for ln in entry.lines) == [
            ("1571", D("2.79"), D("0.00")), ("1576", D("4.74"), D("0.00")),
            ("1600", D("0.00"), D("72.28")), ("4930", D("24.95"), D("0.00")),
            ("4940", D("39.80"), D("0.00"))]
    assert not session.console_errors, session.console_errors
