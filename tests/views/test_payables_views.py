"""The payables screens: upload → readable invoice → check → approve → booked, and who may act."""
import io
import re
from decimal import Decimal as D

from models.supplier_invoice import ApprovalRule, SupplierInvoice
from tests.conftest import csrf_token_from
from tests.factories import make_supplier
from tests.services.payables.samples import Sample, cii_xml, plain_pdf

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7"
       b"\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")


def _token(client, url="/payables/"):
    return csrf_token_from(client.get(url).data)


def _upload(client, files):
    token = _token(client, "/payables/upload")
    data = {"csrf_token": token, "files": [(io.BytesIO(d), name) for name, d in files]}
    return client.post("/payables/upload", data=data, content_type="multipart/form-data")


def _act(client, inv, action, **form):
    token = _token(client, f"/payables/{inv.pk}")
    return client.post(f"/payables/{inv.pk}/act", data={"csrf_token": token, "action": action, **form})


def test_upload_check_approve_books_the_invoice(app, client, login):
    make_supplier(default_account="4980")
    login("finance", email="erfasser@firma.example.com")
    response = _upload(client, [("re.xml", cii_xml(Sample()))])
    assert response.status_code == 302
    inv = SupplierInvoice.objects.get()
    page = client.get(f"/payables/{inv.pk}").get_data(as_text=True)
    for text in ("RE-2026-0815", "Großhandel Schäfer GmbH", "Kabelbinder 200 mm", "148,75",
                 "23,75", "DE89370400440532013000", "Keine Beanstandungen"):
        assert text in page, text
    assert "Freigeben und buchen" not in page  # the capturer never sees the approval
    _act(client, inv, "check")
    assert SupplierInvoice.objects.get().status == "checked"
    assert _act(client, inv, "approve").status_code == 302
    assert SupplierInvoice.objects.get().status == "checked"  # four eyes: refused
    client.get("/logout")
    login("finance", email="freigabe@firma.example.com")
    assert "Freigeben und buchen" in client.get(f"/payables/{inv.pk}").get_data(as_text=True)
    _act(client, inv, "approve")
    assert SupplierInvoice.objects.get().status == "posted"
    listed = client.get("/payables/?filter=open").get_data(as_text=True)
    assert "RE-2026-0815" in listed and "148,75" in listed


def test_several_files_at_once_with_a_duplicate(app, client, login):
    login("finance")
    response = _upload(client, [("a.xml", cii_xml(Sample())), ("b.xml", cii_xml(Sample())),
                                ("scan.pdf", plain_pdf())])
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Duplikat" in page
    assert SupplierInvoice.objects.count() == 2


def test_an_approver_of_another_role_sees_and_approves_only_its_invoices(app, client, login):
    make_supplier(default_account="4980")
    from services.payables import approval, intake
    from tests.factories import make_user
    capturer = make_user("finance")
    inv = intake.import_invoice_file(cii_xml(Sample()), "re.xml", user=capturer.email).invoice
    approval.check_invoice(inv, capturer)
    other = intake.import_invoice_file(cii_xml(Sample(number="X-9")), "x.xml",
                                       user=capturer.email).invoice
    ApprovalRule(name="Lagerleitung", approver_users=["lager@firma.example.com"],
                 max_amount="1000.00").save()
    login("warehouse", email="lager@firma.example.com")
    assert client.get(f"/payables/{inv.pk}").status_code == 200
    assert client.get("/payables/").status_code == 403
    assert _act(client, inv, "cancel", note="x").status_code == 403  # finance only
    _act(client, inv, "approve")
    assert SupplierInvoice.objects.get(pk=inv.pk).status == "posted"
    ApprovalRule.objects.delete()
    assert client.get(f"/payables/{other.pk}").status_code == 403


def test_schematron_errors_are_shown_and_only_finance_confirms(app, client, login):
    xml = cii_xml(Sample()).replace(b"<ram:GrandTotalAmount>148.75<", b"<ram:GrandTotalAmount>150.00<")
    login("admin")
    _upload(client, [("re.xml", xml)])
    inv = SupplierInvoice.objects.get()
    page = client.get(f"/payables/{inv.pk}").get_data(as_text=True)
    assert "[BR-CO-15]" in page and "Prüffehler bestätigen" not in page  # admin is not finance
    _act(client, inv, "confirm_findings")
    assert SupplierInvoice.objects.get().findings_confirmed_by is None
    client.get("/logout")
    login("finance", email="fibu@firma.example.com")
    assert "Prüffehler bestätigen" in client.get(f"/payables/{inv.pk}").get_data(as_text=True)
    _act(client, inv, "confirm_findings")
    assert SupplierInvoice.objects.get().findings_confirmed_by == "fibu@firma.example.com"


def test_auditor_reads_but_cannot_upload_or_act(app, client, login):
    inv_id = None
    login("finance")
    _upload(client, [("re.xml", cii_xml(Sample()))])
    inv_id = SupplierInvoice.objects.get().pk
    client.get("/logout")
    login("auditor")
    assert client.get("/payables/?filter=drafts").status_code == 200
    assert client.get(f"/payables/{inv_id}").status_code == 200
    assert client.get("/payables/upload").status_code == 403
    token = csrf_token_from(client.get("/admin/").data)
    assert client.post(f"/payables/{inv_id}/act", data={"csrf_token": token,
                                                        "action": "check"}).status_code == 403


def test_cost_centre_on_a_line_and_a_payment_with_skonto_from_the_screen(app, client, login):
    from datetime import date
    from decimal import Decimal as D

    from models.cost_center import CostCenter
    from models.ledger import JournalEntry

    CostCenter(code="LAGER", name="Lager").save()
    make_supplier(default_account="4980")
    login("finance", email="erfasser@firma.example.com")
    _upload(client, [("re.xml", cii_xml(Sample(terms="#SKONTO#TAGE=14#PROZENT=2.00#")))])
    inv = SupplierInvoice.objects.get()
    page = client.get(f"/payables/{inv.pk}").get_data(as_text=True)
    assert 'name="cost_center_0"' in page and "Kostenstelle" in page
    _act(client, inv, "accounts", account_0="4980", cost_center_0="LAGER")
    assert SupplierInvoice.objects.get().lines[0].cost_center == "LAGER"
    _act(client, inv, "check")
    client.get("/logout")
    login("finance", email="freigabe@firma.example.com")
    _act(client, inv, "approve")
    inv = SupplierInvoice.objects.get()
    entry = JournalEntry.objects.get(pk=inv.journal_entry)
    assert ("4980", "LAGER") in [(ln.account, ln.cost_center) for ln in entry.lines]
    # 148.75 less 2 % Skonto (2.98) paid on 02.12.2026, within the period (until 04.12.)
    _act(client, inv, "payment", amount="145,77", date="2026-12-02", skonto="1", key="P1")
    paid = SupplierInvoice.objects.get()
    assert paid.open_amount == D("0.00") and paid.payments[0].discount == D("2.98")
    assert paid.payments[0].date == date(2026, 12, 2)
    page = client.get(f"/payables/{inv.pk}").get_data(as_text=True)
    assert "Skonto abgezogen" in page and "2,98" in page


# ------------------------------------------------------------- typing a scan (line entry)

def _lines_form(client, inv, header, rows):
    token = _token(client, f"/payables/{inv.pk}/lines")
    data = {"csrf_token": token, "row_count": str(len(rows)), "next": "stay", **header}
    for i, r in enumerate(rows):
        data.update({f"line-{i}-{k}": v for k, v in r.items()})
    return client.post(f"/payables/{inv.pk}/lines", data=data)


def test_a_scan_is_typed_beside_its_document(app, client, login):
    supplier = make_supplier(name="Bürohaus Lindner KG", default_account="4930")
    login("finance")
    _upload(client, [("scan.pdf", plain_pdf("Rechnung 2026-4711"))])
    inv = SupplierInvoice.objects.get()
    show = client.get(f"/payables/{inv.pk}").get_data(as_text=True)
    assert f"/payables/{inv.pk}/lines" in show and "Positionen nach Beleg erfassen" in show
    page = client.get(f"/payables/{inv.pk}/lines").get_data(as_text=True)
    preview = f"/archive/{inv.source_file}/preview"
    assert f'<iframe class="document-frame" title="Beleg" src="{preview}"' in page
    document = client.get(preview)
    assert document.status_code == 200 and document.mimetype == "application/pdf"
    # framed by the panel's own page only (every other response: frame-ancestors 'none')
    assert document.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in document.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in client.get(f"/payables/{inv.pk}").headers[
        "Content-Security-Policy"]
    response = _lines_form(client, inv, {
        "supplier": str(supplier.pk), "number": "2026-4711", "issue_date": "20.11.2026",
        "due_date": "", "delivery_date": "", "currency": "EUR", "document_gross": "178,19"}, [
        {"description": "Druckerpapier A4", "quantity": "5", "unit": "Pkt", "unit_price": "4,99",
         "vat_category": "S", "vat_rate": "19", "account": "", "cost_center": ""},
        {"description": "Fachbuch", "quantity": "2", "unit": "", "unit_price": "19,90",
         "vat_category": "S", "vat_rate": "7", "account": "4940", "cost_center": ""},
        {"description": "Toner", "quantity": "1", "unit": "", "unit_price": "89,00",
         "vat_category": "S", "vat_rate": "19", "account": "", "cost_center": ""},
        {"description": "", "quantity": "", "unit": "", "unit_price": "",
         "vat_category": "S", "vat_rate": "19", "account": "", "cost_center": ""}])
    assert response.status_code == 302
    inv.reload()
    # 24.95 + 89.00 = 113.95 at 19 % → 21.65; 39.80 at 7 % → 2.79; gross 178.19
    assert (inv.net_total, inv.vat_total, inv.gross_total) == (D("153.75"), D("24.44"), D("178.19"))
    assert [ln.account for ln in inv.lines] == ["4930", "4940", "4930"]  # supplier default
    page = client.get(f"/payables/{inv.pk}/lines").get_data(as_text=True)
    assert "178,19" in page and 'value="Druckerpapier A4"' in page and 'value="4,99"' in page
    assert 'value="20.11.2026"' in page and 'placeholder="TT.MM.JJJJ"' in page
    # an English page shows the stored date as 2026-11-20 (and asks for that format)
    english = client.get(f"/payables/{inv.pk}/lines",
                         headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert 'value="2026-11-20"' in english and 'value="20.11.2026"' not in english
    assert 'placeholder="YYYY-MM-DD"' in english


def test_typing_mistakes_are_listed_in_german_and_nothing_is_saved(app, client, login):
    make_supplier()
    login("finance")
    _upload(client, [("foto.png", PNG)])
    inv = SupplierInvoice.objects.get()
    page = client.get(f"/payables/{inv.pk}/lines").get_data(as_text=True)
    assert f'<img src="/archive/{inv.source_file}/preview"' in page
    response = _lines_form(client, inv, {"supplier": "", "number": "", "issue_date": "gestern",
                                         "currency": "EUR"},
                           [{"description": "Papier", "quantity": "x", "unit_price": "1,00",
                             "vat_category": "S", "vat_rate": "19"}])
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for text in ("Bitte korrigieren", "Bitte die Rechnungsnummer vom Beleg eintragen",
                 "„gestern“ ist kein Datum", "Position 1: Menge „x“ ist keine Zahl",
                 "Bitte den Lieferanten auswählen"):
        assert text in page, text
    assert SupplierInvoice.objects.get().lines == []


def test_line_entry_is_for_finance_and_for_documents_only(app, client, login):
    make_supplier()
    login("finance")
    _upload(client, [("re.xml", cii_xml(Sample())), ("scan.pdf", plain_pdf())])
    einvoice = SupplierInvoice.objects.get(source_format="cii")
    scan = SupplierInvoice.objects.get(source_format="document")
    assert client.get(f"/payables/{einvoice.pk}/lines").status_code == 404  # lines read
    assert client.get("/payables/0123456789abcdef01234567/lines").status_code == 404
    client.get("/logout")
    login("auditor")
    assert client.get(f"/payables/{scan.pk}/lines").status_code == 403
    assert "Positionen nach Beleg erfassen" not in client.get(f"/payables/{scan.pk}").get_data(
        as_text=True)


def test_rates_screen_reads_a_csv_for_finance_and_shows_it_to_auditors(app, client, login):
    from models.exchange_rate import ExchangeRate

    login("finance")
    token = _token(client, "/payables/rates")
    data = {"csrf_token": token,
            "file": (io.BytesIO("Währung;Art;Datum;Kurs\nUSD;EZB;20.11.2026;1,0523\n".encode()),
                     "kurse.csv")}
    response = client.post("/payables/rates", data=data, content_type="multipart/form-data",
                           follow_redirects=True)
    assert "1 Kurse gespeichert" in response.get_data(as_text=True)
    assert ExchangeRate.objects.get().rate == D("1.0523")
    bad = {"csrf_token": _token(client, "/payables/rates"),
           "file": (io.BytesIO(b"Waehrung;Art\nUSD;EZB\n"), "x.csv")}
    page = client.post("/payables/rates", data=bad, content_type="multipart/form-data",
                       follow_redirects=True).get_data(as_text=True)
    assert "Unbekannter Aufbau der CSV-Datei" in page
    client.get("/logout")
    login("auditor")
    page = client.get("/payables/rates").get_data(as_text=True)
    assert "1,052300" in page and "EZB-Tageskurs" in page and "Kurse einlesen" not in page
    token = csrf_token_from(client.get("/payables/rates").data)
    assert client.post("/payables/rates", data={"csrf_token": token}).status_code == 403


def test_a_foreign_invoice_is_paid_with_its_eur_amount(app, client, login):
    from datetime import date

    from models.exchange_rate import ExchangeRate

    make_supplier(default_account="4980")
    ExchangeRate(currency="USD", kind="ecb_day", day=date(2026, 11, 20), rate=D("1.05")).save()
    login("finance", email="erfasser@firma.example.com")
    _upload(client, [("re.xml", cii_xml(Sample(currency="USD")))])
    inv = SupplierInvoice.objects.get()
    _act(client, inv, "check")
    client.get("/logout")
    login("finance", email="freigabe@firma.example.com")
    _act(client, inv, "approve")
    page = client.get(f"/payables/{inv.pk}").get_data(as_text=True)
    assert "1 EUR = 1,050000 USD" in page and "141,67" in page and 'name="amount_eur"' in page
    _act(client, inv, "payment", amount="148,75", date="2026-12-10", amount_eur="143,00",
         key="v1")
    inv.reload()
    assert inv.open_amount == D("0.00") and inv.payments[0].amount_eur == D("143.00")
