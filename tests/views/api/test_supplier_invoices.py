"""Supplier invoices through the API: e-invoice files into the payables intake, the approval
webhook. The files are made by drafthorse (XRechnung CII, ZUGFeRD PDF) and factur-x."""
import hashlib
import json
from datetime import date

import pytest

from models.api import ApiEvent
from models.archive import ArchivedFile
from models.audit import AuditEntry
from models.supplier_invoice import SupplierInvoice
from services.api import events, webhooks
from services.core.messages import RuleError
from services.archive.store import read_file
from services.payables import approval
from tests.factories import make_supplier, make_user
from tests.services.payables.samples import Sample, cii_xml, facturx_pdf
from tests.views.api.conftest import post_headers
from tests.views.api.einvoices import GROSS, NET, VAT, xrechnung_xml, zugferd_pdf
from tests.views.api.receiver import Receiver

URL = "/api/v1/supplier-invoices"
PROBLEM = "application/problem+json"


def upload(client, headers, data, filename=None, key=None, content_type="application/xml"):
    extra = {"X-Filename": filename} if filename else {}
    return client.post(URL, data=data, content_type=content_type,
                       headers={**post_headers(headers, key), **extra})


@pytest.fixture
def shop(make_token):
    headers, _ = make_token("supplier_invoices:read", "supplier_invoices:write", name="edi")
    return headers


def test_xrechnung_xml_becomes_a_draft_with_the_original_archived_and_audited(client, shop):
    supplier = make_supplier()
    xml = xrechnung_xml()
    response = upload(client, shop, xml, "LS-2026-4711.xml")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["status"], body["number"], body["source_format"]) == ("draft", "LS-2026-4711",
                                                                       "cii")
    assert (body["net_total"], body["vat_total"], body["gross_total"], body["amount_due"]) == \
        (str(NET), str(VAT), str(GROSS), str(GROSS)) == ("64.90", "10.54", "75.44", "75.44")
    assert body["supplier_id"] == str(supplier.pk) and body["due_date"] == "2026-12-20"
    assert [f for f in body["findings"] if f["severity"] == "error"] == []
    assert body["sha256"] == hashlib.sha256(xml).hexdigest()
    original = ArchivedFile.objects.get(pk=body["source_file_id"])
    assert read_file(original.pk) == xml and original.category.pk == "invoice_in"
    assert original.filename == "LS-2026-4711.xml" and original.uploaded_by == "api:edi"
    stored = SupplierInvoice.objects.get(pk=body["id"])
    assert stored.captured_by == "api:edi" and stored.status == "draft"
    entry = AuditEntry.objects(collection="supplier_invoices", document_id=body["id"]).get()
    assert entry.user == "api:edi" and entry.action == "create"
    read = client.get(response.headers["Location"], headers=shop)
    assert read.status_code == 200 and read.get_json() == body
    listed = client.get(URL, headers=shop, query_string={"status": "draft"}).get_json()
    assert [i["id"] for i in listed["items"]] == [body["id"]]
    assert client.get(URL, headers=shop, query_string={"status": "posted"}).get_json()[
        "items"] == []


def test_zugferd_pdf_made_by_drafthorse_is_read_from_its_embedded_xml(client, shop):
    make_supplier()
    pdf = zugferd_pdf(xrechnung_xml(number="LS-2026-4712"))
    response = upload(client, shop, pdf, "rechnung.pdf", content_type="application/pdf")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["number"], body["gross_total"], body["source_format"]) == (
        "LS-2026-4712", "75.44", "cii")
    assert read_file(body["source_file_id"]) == pdf  # the PDF itself is the archived original


def test_factur_x_pdf_without_filename_header_is_archived_as_pdf(client, shop):
    make_supplier()
    pdf = facturx_pdf(cii_xml(Sample(number="FX-77")), "en16931")  # 10 x 12.50 + 19 %
    response = upload(client, shop, pdf, content_type="application/octet-stream")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["number"], body["gross_total"]) == ("FX-77", "148.75")
    assert body["source_filename"] == "rechnung.pdf"
    assert ArchivedFile.objects.get(pk=body["source_file_id"]).content_type == "application/pdf"


def test_the_same_invoice_again_is_409_naming_the_first_and_a_repeated_key_replays(client, shop):
    make_supplier()
    xml = xrechnung_xml()
    first = upload(client, shop, xml, key="edi-1")
    assert first.status_code == 201
    replay = upload(client, shop, xml, key="edi-1")
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.get_json() == first.get_json()
    again = upload(client, shop, xml, key="edi-2")  # same file, new key
    assert again.status_code == 409 and again.mimetype == PROBLEM
    assert again.get_json()["duplicate_of"] == first.get_json()["id"]
    # the same supplier and number in another file (as PDF) is the same invoice too
    other_file = upload(client, shop, zugferd_pdf(xml), content_type="application/pdf")
    assert other_file.status_code == 409
    assert other_file.get_json()["duplicate_of"] == first.get_json()["id"]
    assert SupplierInvoice.objects.count() == 1


@pytest.mark.parametrize("data, text", [
    (b"Sehr geehrte Damen und Herren, anbei die Rechnung.", "nicht unterstützt"),
    (b"<?xml version='1.0'?><rechnung><nr>1</nr></rechnung>", ""),
])
def test_a_file_that_is_no_invoice_is_422_and_nothing_is_stored(client, shop, data, text):
    response = upload(client, shop, data, "brief.txt")
    assert response.status_code == 422 and response.mimetype == PROBLEM, response.get_json()
    assert text in response.get_json()["detail"]
    assert response.get_json()["errors"]
    assert SupplierInvoice.objects.count() == 0 and ArchivedFile.objects.count() == 0


def test_empty_and_oversized_bodies_are_refused_before_the_intake(client, shop):
    from services.payables.intake import MAX_BYTES

    assert upload(client, shop, b"").status_code == 422
    too_big = upload(client, shop, b"<" + b" " * MAX_BYTES)  # one byte over the limit
    assert too_big.status_code == 413 and too_big.mimetype == PROBLEM
    assert ArchivedFile.objects.count() == 0


def test_write_and_read_scopes_are_separate(client, make_token):
    make_supplier()
    reader, _ = make_token("supplier_invoices:read")
    writer, _ = make_token("supplier_invoices:write")
    assert upload(client, reader, xrechnung_xml()).status_code == 403
    created = upload(client, writer, xrechnung_xml())
    assert created.status_code == 201
    assert client.get(created.headers["Location"], headers=writer).status_code == 403
    assert client.get(created.headers["Location"], headers=reader).status_code == 200
    others, _ = make_token("archive:write", "invoices:write", archive_categories=["invoice_in"])
    assert upload(client, others, xrechnung_xml(number="X-2")).status_code == 403
    assert SupplierInvoice.objects.count() == 1


@pytest.fixture
def people(app):
    return (make_user("finance", email="erfasser@firma.example.com"),
            make_user("finance", email="freigabe@firma.example.com"))


def _uploaded(client, shop, number="LS-2026-4711"):
    response = upload(client, shop, xrechnung_xml(number=number))
    assert response.status_code == 201, response.get_json()
    return SupplierInvoice.objects.get(pk=response.get_json()["id"])


def test_approval_sends_the_signed_webhook_once(app, client, shop, people):
    from jobs.api import deliver_webhooks

    capturer, approver = people
    make_supplier(default_account="3400")
    inv = _uploaded(client, shop)
    with Receiver() as rx:
        sub = webhooks.create_subscription("erp", rx.url, ["supplier_invoice.approved"], "admin")
        other = webhooks.create_subscription("shop", rx.url.replace("/hook", "/other"),
                                             ["invoice.issued"], "admin")
        inv = approval.check_invoice(inv, capturer)
        assert ApiEvent.objects(type="supplier_invoice.approved").count() == 0  # checked only
        done = approval.approve_invoice(inv, approver, today=date(2026, 11, 25))
        assert done.status == "posted"
        # published by the approval itself, before any scheduler run
        (event,) = ApiEvent.objects(type="supplier_invoice.approved")
        assert event.pk == f"supplier_invoice.approved:{inv.pk}"
        assert events.collect_events() == 0  # the look-back finds the same event: not new
        counts = deliver_webhooks(None)
        assert counts["delivered"] == 1
        assert deliver_webhooks(None)["delivered"] == 0
    (headers, raw), = rx.received
    assert headers["Backoffice-Event"] == "supplier_invoice.approved"
    assert webhooks.verify(sub.secret, headers["Backoffice-Signature"], raw)
    assert not webhooks.verify(other.secret, headers["Backoffice-Signature"], raw)
    data = json.loads(raw)["data"]
    assert data["supplier_invoice_id"] == str(inv.pk) and data["number"] == "LS-2026-4711"
    assert (data["gross_total"], data["amount_due"], data["due_date"]) == (
        "75.44", "75.44", "2026-12-20")
    assert data["approved_at"].startswith(str(date.today().year))
    read = client.get(f"{URL}/{inv.pk}", headers=shop).get_json()
    assert read["status"] == "posted" and read["approved_at"] is not None


def test_rejected_or_unapproved_invoices_send_nothing(app, client, shop, people):
    capturer, approver = people
    make_supplier(default_account="3400")
    checked = approval.check_invoice(_uploaded(client, shop), capturer)
    approval.reject_invoice(_uploaded(client, shop, "LS-2"), capturer, "falscher Empfänger")
    with pytest.raises(RuleError):
        approval.approve_invoice(checked, make_user("warehouse"))  # not an approver
    assert SupplierInvoice.objects.get(pk=checked.pk).status == "checked"
    assert events.collect_events() == 0
    assert ApiEvent.objects(type="supplier_invoice.approved").count() == 0


def test_an_approval_whose_event_was_lost_is_found_by_the_scheduler(app, client, shop, people):
    capturer, approver = people
    make_supplier(default_account="3400")
    inv = approval.check_invoice(_uploaded(client, shop), capturer)
    approval.approve_invoice(inv, approver, today=date(2026, 11, 25))
    ApiEvent.objects(type="supplier_invoice.approved").delete()  # as if the process died
    assert events.collect_events() == 1
    (event,) = ApiEvent.objects(type="supplier_invoice.approved")
    assert event.data["number"] == "LS-2026-4711" and event.data["gross_total"] == "75.44"
