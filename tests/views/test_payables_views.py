"""The payables screens: upload → readable invoice → check → approve → booked, and who may act."""
import io
import re

from models.supplier_invoice import ApprovalRule, SupplierInvoice
from tests.conftest import csrf_token_from
from tests.factories import make_supplier
from tests.services.payables.samples import Sample, cii_xml, plain_pdf


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
