"""The web shop end to end: customer -> draft invoice -> issue -> webhook -> PDF; the rules hold."""
import json
from datetime import date
from decimal import Decimal

from pypdf import PdfReader
import io

from models import StockItem
from models.invoice import Invoice
from services.api import webhooks
from tests.factories import make_company, make_stock_item
from tests.views.api.conftest import post_headers
from tests.views.api.receiver import Receiver


def test_webshop_flow_end_to_end(app, make_token):
    from jobs.api import deliver_webhooks

    make_company()
    client = app.test_client()
    headers, _ = make_token("customers:write", "invoices:write", "invoices:read", name="shop")
    customer = client.post("/api/v1/customers", headers=post_headers(headers), json={
        "customer_no": "WS-1001", "name": "Erika Mustermann", "street": "Heidestraße 17",
        "postal_code": "51147", "city": "Köln"}).get_json()
    draft = client.post("/api/v1/invoices", headers=post_headers(headers), json={
        "customer_id": customer["id"], "service_date": "2026-03-10", "issue_date": "2026-03-15",
        "lines": [{"description": "Gartenschere", "quantity": "2", "unit_price": "19.99",
                   "vat_rate": "19"},
                  {"description": "Gartenbuch", "quantity": "1", "unit_price": "24.90",
                   "vat_rate": "7"}]})
    assert draft.status_code == 201, draft.get_json()
    body = draft.get_json()
    # by hand: 2 x 19.99 = 39.98 (+7.60 VAT 19 %), 24.90 (+1.74 VAT 7 %) -> 74.22
    assert (body["status"], body["number"]) == ("draft", None)
    assert (body["net_total"], body["vat_total"], body["gross_total"]) == \
        ("64.88", "9.34", "74.22")
    assert body["lines"][0]["unit_price"] == "19.99" and body["issue_date"] == "2026-03-15"
    assert client.get(f"/api/v1/invoices/{body['id']}/pdf", headers=headers).status_code == 404

    with Receiver() as rx:
        sub = webhooks.create_subscription("shop", rx.url, ["invoice.issued"], "admin")
        issued = client.post(f"/api/v1/invoices/{body['id']}/issue",
                             headers=post_headers(headers))
        assert issued.status_code == 200, issued.get_json()
        invoice = issued.get_json()
        assert invoice["status"] == "issued" and invoice["number"] == "RE-2026-00001"
        assert invoice["gross_total"] == "74.22"
        counts = deliver_webhooks(None)
        assert counts["delivered"] == 1
    (received_headers, received), = rx.received
    assert webhooks.verify(sub.secret, received_headers["Backoffice-Signature"], received)
    event = json.loads(received)
    assert event["type"] == "invoice.issued"
    assert event["data"]["number"] == "RE-2026-00001" and event["data"]["gross_total"] == "74.22"

    pdf = client.get(f"/api/v1/invoices/{body['id']}/pdf", headers=headers)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "RE-2026-00001" in text and "Erika Mustermann" in text
    xml = client.get(f"/api/v1/invoices/{body['id']}/xml", headers=headers)
    assert xml.status_code == 200 and b"RE-2026-00001" in xml.data

    # an issued invoice stays as it is: issuing again is a conflict, nothing changes
    again = client.post(f"/api/v1/invoices/{body['id']}/issue", headers=post_headers(headers))
    assert again.status_code == 409
    assert Invoice.objects.get(pk=body["id"]).number == "RE-2026-00001"


def test_issue_refusal_names_what_is_missing(app, make_token):
    make_company()
    client = app.test_client()
    headers, _ = make_token("customers:write", "invoices:write")
    customer = client.post("/api/v1/customers", headers=post_headers(headers), json={
        "customer_no": "WS-2", "name": "Ohne Adresse"}).get_json()
    draft = client.post("/api/v1/invoices", headers=post_headers(headers), json={
        "customer_id": customer["id"], "lines": [
            {"description": "Rasenmäher", "quantity": "1", "unit_price": "899.00"}]}).get_json()
    refused = client.post(f"/api/v1/invoices/{draft['id']}/issue", headers=post_headers(headers))
    assert refused.status_code == 422
    assert "customer address" in refused.get_json()["detail"]
    assert Invoice.objects.get(pk=draft["id"]).status == "draft"


def test_stock_never_goes_negative_through_the_api(app, make_token):
    item = make_stock_item(quantity=Decimal("0"), reorder_point=Decimal("2"))
    client = app.test_client()
    headers, _ = make_token("stock:read", "stock:write", name="pos")
    url = f"/api/v1/stock-items/{item.pk}/movements"
    received = client.post(url, headers=post_headers(headers),
                           json={"kind": "receipt", "quantity": "3", "reason": "Lieferung"})
    assert received.status_code == 201, received.get_json()
    assert received.get_json()["quantity_on_hand"] == "3.000"
    too_much = client.post(url, headers=post_headers(headers),
                           json={"kind": "issue", "quantity": "3.001", "reason": "Verkauf"})
    assert too_much.status_code == 422
    sold = client.post(url, headers=post_headers(headers),
                       json={"kind": "issue", "quantity": "3", "reason": "Verkauf"})
    assert sold.status_code == 201 and sold.get_json()["quantity_on_hand"] == "0.000"
    level = client.get(f"/api/v1/stock-items/{item.pk}", headers=headers).get_json()
    assert level["quantity"] == "0.000"
    assert StockItem.objects.get(pk=item.pk).quantity == Decimal("0")
    from models.api import ApiEvent

    assert ApiEvent.objects(type="stock.below_reorder_point").count() == 1


def test_tickets_are_read_only_by_the_token_that_opened_them(app, make_token):
    client = app.test_client()
    mine, _ = make_token("tickets:read", "tickets:write", name="shop")
    theirs, _ = make_token("tickets:read", "tickets:write", name="pos")
    opened = client.post("/api/v1/tickets", headers=post_headers(mine), json={
        "title": "Lieferung beschädigt", "description": "Karton nass", "priority": "high"})
    assert opened.status_code == 201, opened.get_json()
    ticket = opened.get_json()
    assert ticket["status"] == "new" and ticket["number"].startswith("T-")
    comment = client.post(f"/api/v1/tickets/{ticket['id']}/comments",
                          headers=post_headers(mine), json={"text": "Foto folgt"})
    assert comment.status_code == 201
    assert comment.get_json()["comments"][0]["author"] == "api:shop"
    assert client.get(f"/api/v1/tickets/{ticket['id']}", headers=theirs).status_code == 404
    assert client.get("/api/v1/tickets", headers=theirs).get_json()["items"] == []
    assert [t["id"] for t in client.get("/api/v1/tickets", headers=mine).get_json()["items"]] \
        == [ticket["id"]]


def test_archive_upload_only_into_allowed_categories(app, make_token):
    client = app.test_client()
    headers, _ = make_token("archive:read", "archive:write", archive_categories=["delivery_note"])
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    refused = client.post("/api/v1/archive-documents?category=invoice&document_date=2026-03-01",
                          headers={**post_headers(headers), "X-Filename": "r.pdf"}, data=pdf)
    assert refused.status_code == 403
    stored = client.post("/api/v1/archive-documents?category=delivery_note"
                         "&document_date=2026-03-01",
                         headers={**post_headers(headers), "X-Filename": "ls-77.pdf"}, data=pdf)
    assert stored.status_code == 201, stored.get_json()
    meta = client.get(stored.headers["Location"], headers=headers).get_json()
    assert meta["filename"] == "ls-77.pdf" and meta["category"] == "delivery_note"
    assert meta["document_date"] == "2026-03-01" and meta["size"] == len(pdf)


def test_payments_list_shows_amounts_as_decimal_strings(app, make_token):
    from services.invoicing import issuing
    from tests.factories import make_invoice

    make_company()
    inv = issuing.issue_invoice(make_invoice(), "fibu")
    issuing.record_payment(inv, amount=Decimal("100.50"), day=date(2026, 3, 20), user="fibu",
                           key="p1", reference="Überweisung")
    headers, _ = make_token("payments:read")
    page = app.test_client().get("/api/v1/payments", headers=headers).get_json()
    assert page["items"] == [{"invoice_id": str(inv.pk), "invoice_number": inv.number,
                              "key": "p1", "date": "2026-03-20", "amount": "100.50",
                              "reference": "Überweisung"}]
