"""CSRF on every state-changing URL; stored XSS payloads always rendered escaped."""
from datetime import date
from decimal import Decimal

import mongoengine as me
import pytest

from tests.conftest import csrf_token_from
from tests.factories import (make_employee, make_entry, make_stock_item, make_supplier,
                             make_ticket, make_user)

PAYLOAD = '<script>alert(1)</script>"onmouseover="alert(2)'
# Views whose list columns / search fields do not include the fields carrying the payload.
NOT_IN_LIST = {"archive_files", "invoice"}


def test_every_post_endpoint_refuses_a_missing_csrf_token(app, client, login):
    """Generated from the URL map: a new POST view without CSRF protection fails here."""
    login("admin")
    checked = 0
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint.endswith("static"):
            continue
        url = rule.rule
        for arg in rule.arguments:
            url = url.replace(f"<{arg}>", "0" * 24).replace(f"<string:{arg}>", "0" * 24) \
                .replace(f"<int:{arg}>", "1").replace(f"<path:{arg}>", "x")
        response = client.post(url, data={"id": "0" * 24})
        if url.startswith("/api/"):
            # The API takes no cookies: a logged-in browser session is no token (CSRF moot).
            assert response.status_code == 401, f"POST {url} with a session -> {response.status_code}"
            continue
        assert response.status_code == 400, f"POST {url} without token -> {response.status_code}"
        assert "Das Formular ist abgelaufen".encode() in response.data
        checked += 1
    assert checked >= 20


def test_state_changes_only_by_post(app, client, login):
    """No GET on a write endpoint changes data: create/edit GETs only show forms."""
    from models import Supplier

    login("admin")
    supplier = make_supplier()
    client.get(f"/admin/suppliers/delete/?id={supplier.pk}")
    client.get(f"/admin/suppliers/action/?action=delete&rowid={supplier.pk}")
    client.get("/logout")
    assert Supplier.objects(pk=supplier.pk).count() == 1
    assert client.get("/admin/").status_code == 200  # still logged in


def _documents_with_payload():
    """One document per collection with the payload in every free-text field."""
    user = make_user("support", name=PAYLOAD)
    employee = make_employee(first_name=PAYLOAD, last_name=PAYLOAD, department=PAYLOAD,
                             position=PAYLOAD, street=PAYLOAD, city=PAYLOAD, phone=PAYLOAD[:40])
    supplier = make_supplier(name=PAYLOAD, street=PAYLOAD, city=PAYLOAD,
                             contact_name=PAYLOAD, phone=PAYLOAD[:40], category=PAYLOAD)
    item = make_stock_item(name=PAYLOAD, location=PAYLOAD[:40], supplier=supplier)
    ticket = make_ticket(title=PAYLOAD, description=PAYLOAD, requester=employee,
                         assignee=user)
    entry = make_entry(text=PAYLOAD, voucher_ref=PAYLOAD[:60])
    from models.invoice import InvoiceLine
    from tests.factories import make_customer, make_invoice
    from tests.test_seed import store_file

    customer = make_customer(name=PAYLOAD, street=PAYLOAD[:120], city=PAYLOAD[:80])
    invoice = make_invoice(customer=customer, notes=PAYLOAD, lines=[InvoiceLine(
        description=PAYLOAD, quantity=Decimal("1"), unit="Stk", unit_price=Decimal("10"),
        vat_rate="19")])
    archived = store_file("letter", "brief.txt", b"Hallo")
    archived.update(set__description=PAYLOAD)
    return {"employees": employee, "suppliers": supplier, "stock": item, "tickets": ticket,
            "journal": entry, "users": user, "customers": customer, "invoice": invoice,
            "archive_files": archived}


def _assert_escaped(html: str, where: str):
    assert "<script>alert(1)</script>" not in html, where
    assert '"onmouseover="alert(2)' not in html, where


@pytest.mark.parametrize("view", ["list", "details", "edit", "export", "search"])
def test_stored_xss_is_escaped_everywhere(client, login, view):
    docs = _documents_with_payload()
    login("admin")
    for endpoint, doc in docs.items():
        url = {"list": f"/admin/{endpoint}/",
               "details": f"/admin/{endpoint}/details/?id={doc.pk}",
               "edit": f"/admin/{endpoint}/edit/?id={doc.pk}",
               "export": f"/admin/{endpoint}/export/csv/",
               "search": f"/admin/{endpoint}/?search=script"}[view]
        response = client.get(url)
        if view == "edit" and response.status_code == 403:
            continue  # e.g. posted entries are not editable
        assert response.status_code == 200, url
        text = response.get_data(as_text=True)
        if view == "export":
            # CSV is not HTML; it must at least not be served as HTML.
            assert response.mimetype != "text/html", url
            continue
        # Lists show only some columns (and search looks in some): the payload must be
        # visible (escaped) wherever the view shows the field, and never raw anywhere.
        shown = view in ("details", "edit") or endpoint not in NOT_IN_LIST
        if shown:
            assert "&lt;script&gt;" in text or "&#34;onmouseover" in text or \
                "&lt;script" in text, f"payload not shown escaped in {url}"
        _assert_escaped(text, url)


def test_audit_log_shows_payload_escaped(client, login):
    login("admin")
    from tests.admin.test_crud import post_form

    post_form(client, "/admin/suppliers/new/", {
        "supplier_no": "X1", "name": PAYLOAD, "country": "DE", "payment_terms_days": "30"})
    from models import AuditEntry

    entry = AuditEntry.objects.first()
    for url in ("/admin/audit/", f"/admin/audit/details/?id={entry.pk}"):
        _assert_escaped(client.get(url).get_data(as_text=True), url)


def test_payload_in_invoice_pdf_and_dashboard_is_shown_as_text(client, login):
    """Markup in a customer's name is printed as text in the PDF, never interpreted."""
    import io

    from pypdf import PdfReader

    from services.invoicing import issuing as invoicing
    from services.archive.store import read_file
    from tests.factories import make_company, make_customer, make_invoice

    make_company()
    customer = make_customer(name='Evil <b>bold</b><script>x()</script> GmbH')
    inv = invoicing.issue_invoice(make_invoice(customer=customer), "fibu")
    text = PdfReader(io.BytesIO(read_file(inv.pdf_file))).pages[0].extract_text()
    assert "<b>bold</b>" in text and "<script>x()</script>" in text
    login("finance")
    page = client.get("/admin/").get_data(as_text=True)
    _assert_escaped(page, "/admin/")
    listing = client.get("/admin/invoice/").get_data(as_text=True)
    assert "<script>x()</script>" not in listing and "&lt;script&gt;x()" in listing


def test_payload_in_an_employee_name_prints_as_text_on_the_payslip(app):
    import io
    from datetime import date

    from pypdf import PdfReader

    from models.payroll import Payslip
    from services.payroll import documents, runs

    make_employee(last_name="Evil<script>y()</script>", first_name="<i>Ina</i>",
                  birth_date=date(1980, 1, 1), hire_date=date(2020, 1, 1),
                  monthly_gross=Decimal("3000.00"))
    run = runs.create_run(2026, 4, "hr")
    runs.calculate_run(run.pk, "hr")
    slip = Payslip.objects(run=run.pk).first()
    pdf = documents.payslip_pdf(slip, documents.company_from_config({}))
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Evil<script>y()</script>" in text and "<i>Ina</i>" in text
