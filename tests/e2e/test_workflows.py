"""Whole workflows in the browser: CSV import wizard, payroll month, archive round trip."""
from datetime import date
from decimal import Decimal

from models import ArchivedFile, Employee
from tests.factories import make_employee, make_health_fund, make_user

GERMAN_CSV = ("Personalnummer;Vorname;Nachname;Eintrittsdatum;Bruttogehalt;Steuerklasse\r\n"
              "E-100;Jürgen;Müller;01.03.2026;3.456,78;1\r\n"
              "E-101;Änne;Weiß;15.03.26;2.100,00;3\r\n").encode("cp1252")


def test_import_a_german_csv_through_the_wizard(session, live_app, tmp_path):
    with live_app.app_context():
        make_user("hr", email="e2e-import@firma.example.com")
    path = tmp_path / "Mitarbeiter März.csv"
    path.write_bytes(GERMAN_CSV)
    session.login("e2e-import@firma.example.com")
    session.goto("/import/employees/")
    page = session.page
    page.set_input_files("input[type=file]", str(path))
    page.click("button:has-text('Hochladen und prüfen')")
    page.wait_for_load_state("networkidle")
    detected = page.inner_text("#detected")
    assert "cp1252" in detected.lower() or "windows-1252" in detected.lower()
    assert "Müller" in page.inner_text("#first-rows") and "Weiß" in page.inner_text("#first-rows")
    session.shot("preview")
    page.click("button[value=dry_run]")
    page.wait_for_selector("#result", timeout=30000)
    session.shot("dry-run")
    assert "inserted=2" in page.inner_text("#summary")
    with live_app.app_context():
        assert Employee.objects(personnel_no__in=["E-100", "E-101"]).count() == 0
    page.click("button[value=import]")
    page.wait_for_selector("#result", timeout=30000)
    session.shot("imported")
    assert "inserted=2" in page.inner_text("#summary")
    with live_app.app_context():
        emp = Employee.objects.get(personnel_no="E-100")
        assert emp.last_name == "Müller" and emp.monthly_gross == Decimal("3456.78")
        assert Employee.objects.get(personnel_no="E-101").hire_date == date(2026, 3, 15)
    assert not session.console_errors, session.console_errors


def test_run_approve_and_post_a_payroll_month(session, live_app):
    with live_app.app_context():
        make_user("hr", email="e2e-payroll@firma.example.com")
        # Employees other tests of this module left behind get the data payroll needs.
        Employee.objects(birth_date=None).update(set__birth_date=date(1990, 1, 1))
        Employee.objects(iban=None).update(set__iban="DE89370400440532013000")
        Employee.objects(health_fund=None).update(set__health_fund=make_health_fund())
        for n in range(3):
            make_employee(personnel_no=f"PR-{n}", birth_date=date(1985, 5, 5),
                          hire_date=date(2020, 1, 1), monthly_gross=Decimal("4200.00"),
                          tax_class=1, state="NW")
    session.login("e2e-payroll@firma.example.com")
    session.goto("/payroll/")
    page = session.page
    page.select_option("#month", "6")
    page.fill("#year", "2026")
    page.click("button:has-text('Lohnlauf anlegen')")
    page.wait_for_load_state("networkidle")
    for label in ("Berechnen", "Freigeben", "Buchen"):
        page.click(f"button:has-text('{label}')")
        page.wait_for_load_state("networkidle")
        session.shot(label.lower())
    heading = page.inner_text("h1")
    assert "gebucht" in heading, heading
    assert "Lohnjournal PDF" in page.content()
    assert not session.console_errors, session.console_errors


def test_upload_and_download_an_archived_file(session, live_app, tmp_path):
    with live_app.app_context():
        make_user("finance", email="e2e-archive@firma.example.com")
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    path = tmp_path / "Rechnung Größe 2026.pdf"
    path.write_bytes(pdf)
    session.login("e2e-archive@firma.example.com")
    session.goto("/admin/archive_files/new/")
    page = session.page
    page.set_input_files("#upload", str(path))
    page.select_option("#category", "invoice", force=True)  # select2 hides the <select>
    page.fill("#document_date", "2026-03-15")
    session.shot("upload-form")
    page.click("input[type=submit][value='Speichern']")
    page.wait_for_load_state("networkidle")
    session.shot("uploaded")
    with live_app.app_context():
        record = ArchivedFile.objects.get(filename="Rechnung Größe 2026.pdf")
    with page.expect_download() as info:
        page.evaluate("url => { const a = document.createElement('a'); a.href = url; "
                      "a.download = ''; document.body.appendChild(a); a.click(); }",
                      f"/archive/{record.pk}/download")
    download = info.value
    assert download.suggested_filename == "Rechnung Größe 2026.pdf"
    assert open(download.path(), "rb").read() == pdf
    assert not session.console_errors, session.console_errors


def test_create_issue_and_download_an_invoice(session, live_app):
    from models.company import Company
    from models.invoice import Invoice
    from tests.factories import make_customer

    with live_app.app_context():
        make_user("finance", email="e2e-invoice@firma.example.com")
        customer = make_customer(name="Bäckerei Größer KG")
        if Company.current() is None:
            from tests.factories import make_company
            make_company()
    session.login("e2e-invoice@firma.example.com")
    session.goto("/admin/invoice/new/")
    page = session.page
    # The customer field is a select2 ajax look-up; set its value as the widget would.
    page.evaluate("([id]) => { document.querySelector('input[name=customer]').value = id; }",
                  [str(customer.pk)])
    page.fill("#service_date", "2026-11-20")
    page.locator("a, button", has_text="Positionen").first.click()
    page.fill("#lines-0-description", "Beratung Büroorganisation – Größenordnung")
    page.fill("#lines-0-quantity", "3")
    page.fill("#lines-0-unit_price", "95,00")
    session.shot("invoice-form")
    page.click("input[type=submit][value='Speichern']")
    page.wait_for_load_state("networkidle")
    with live_app.app_context():
        invoice = Invoice.objects.get(customer=customer)
        assert invoice.status == "draft"
    session.goto("/admin/invoice/")
    page.locator(f"input.action-checkbox[value='{invoice.pk}']").check()
    page.once("dialog", lambda d: d.accept())
    page.click("text=Mit Auswahl")
    page.click("text=Ausstellen")
    page.wait_for_load_state("networkidle")
    session.shot("issued")
    with live_app.app_context():
        invoice.reload()
        assert invoice.status == "issued" and invoice.number.startswith("RE-")
        assert invoice.gross_total == Decimal("339.15")  # 3 × 95,00 + 19 % VAT
    with page.expect_download() as info:
        page.click(f"a[href='/invoices/{invoice.pk}/pdf']")
    from pypdf import PdfReader

    reader = PdfReader(info.value.path())
    assert "factur-x.xml" in reader.attachments  # the EN 16931 XML rides inside the PDF
    assert invoice.number in reader.pages[0].extract_text()
    assert not session.console_errors, session.console_errors


def test_invoice_editor_live_totals_match_the_issuing_rounding(session, live_app):
    """Typing lines updates the preview; its figures equal services.invoicing.totals'."""
    from models.invoice import InvoiceLine
    from services.invoicing.issuing import rate_table
    from services.invoicing.totals import compute_totals

    with live_app.app_context():
        make_user("finance", email="e2e-totals@firma.example.com")
        rates = {code: r.rate for code, r in rate_table().items()}
    session.login("e2e-totals@firma.example.com")
    session.goto("/admin/invoice/new/")
    page = session.page
    body = page.locator("#invoice-live-totals-body")
    assert "Gesamt brutto 0,00 €" in body.inner_text().replace("\t", " ")
    typed = [("3", "33,335", "19"),        # 100,005 -> 100,01 (half-up per line)
             ("2,5", "19,99", "7"),        # 49,975 -> 49,98
             ("1", "1.234,56", "19")]      # thousands separator as clerks type it
    for i, (qty, price, rate) in enumerate(typed):
        page.locator("a, button", has_text="Positionen").first.click()
        page.fill(f"#lines-{i}-description", f"Position {i + 1}")
        page.fill(f"#lines-{i}-quantity", qty)
        page.fill(f"#lines-{i}-unit_price", price)
        page.fill(f"#lines-{i}-vat_rate", rate)
    session.shot("live-totals")
    shown = dict(line.split("\t") for line in body.inner_text().strip().splitlines())

    def de(text):
        return Decimal(text.replace(".", "").replace(",", "."))

    totals = compute_totals([InvoiceLine(quantity=de(q), unit_price=de(p), vat_rate=r)
                             for q, p, r in typed], rates)
    expected = {}
    for rate in totals.rates:
        expected[f"Netto {rate.code} %"], expected[f"USt {rate.code} %"] = rate.net, rate.vat
    expected.update({"Summe netto": totals.net, "Summe USt": totals.vat,
                     "Gesamt brutto": totals.gross})
    assert {k: de(v.replace(" €", "")) for k, v in shown.items()} == expected
    assert shown["Netto 19 %"] == "1.334,57 €" and shown["USt 7 %"] == "3,50 €"
    assert shown["Gesamt brutto"] == "1.641,62 €"
    page.fill("#lines-1-quantity", "abc")  # an unreadable line drops out, nothing breaks
    assert "USt 7 %" not in body.inner_text()
    assert not session.console_errors, session.console_errors
