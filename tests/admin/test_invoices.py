"""Invoice screens: create a draft, issue it, download PDF/XML, record a payment, cancel."""
from decimal import Decimal

from models import JournalEntry
from models.invoice import Invoice
from tests.admin.test_crud import post_form
from tests.conftest import csrf_token_from
from tests.factories import make_company, make_customer, make_invoice


def _action(client, name, ids):
    token = csrf_token_from(client.get("/admin/invoice/").data)
    return client.post("/admin/invoice/action/", data={
        "action": name, "rowid": [str(i) for i in ids], "csrf_token": token},
        follow_redirects=True)


def test_finance_creates_issues_downloads_pays_and_cancels(client, login, tmp_path, runner):
    make_company()
    customer = make_customer()
    login("finance")
    page = client.get("/admin/invoice/new/").get_data(as_text=True)
    assert 'id="invoice-live-totals"' in page and "js/invoice_totals.js" in page
    response = post_form(client, "/admin/invoice/new/", {
        "customer": str(customer.pk), "issue_date": "2026-04-02", "service_date": "2026-03-31",
        "payment_terms": "Zahlbar in 14 Tagen", "payment_days": "14",
        "lines-0-description": "Wartung März", "lines-0-quantity": "2,5",
        "lines-0-unit": "Std", "lines-0-unit_price": "80,00", "lines-0-vat_rate": "19"})
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    draft = Invoice.objects.get(status="draft")
    assert client.get(f"/admin/invoice/edit/?id={draft.pk}").status_code == 200
    page = _action(client, "issue", [draft.pk]).get_data(as_text=True)
    inv = Invoice.objects.get(pk=draft.pk)
    assert inv.number == "RE-2026-00001" and "ausgestellt" in page
    assert inv.gross_total == Decimal("238.00")
    listing = client.get("/admin/invoice/").get_data(as_text=True)
    assert f"/invoices/{inv.pk}/pdf" in listing and f"/admin/invoice/edit/?id={inv.pk}" not in listing
    assert client.get(f"/admin/invoice/edit/?id={inv.pk}").status_code == 403
    pdf = client.get(f"/invoices/{inv.pk}/pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    xml = client.get(f"/invoices/{inv.pk}/xml")
    assert xml.mimetype == "application/xml" and b"RE-2026-00001" in xml.data

    form = client.get(f"/invoices/{inv.pk}/payment").get_data(as_text=True)
    token = csrf_token_from(form)
    data = {"csrf_token": token, "key": "k-1", "amount": "38,00", "date": "2026-04-10"}
    assert client.post(f"/invoices/{inv.pk}/payment", data=data).status_code == 302
    assert client.post(f"/invoices/{inv.pk}/payment", data=data).status_code == 302
    assert Invoice.objects.get(pk=inv.pk).paid_total == Decimal("38.00")  # double submit
    page = _action(client, "cancel", [inv.pk]).get_data(as_text=True)
    assert "refund them before cancelling" in page

    # an over-payment closes the invoice; the excess stays as the customer's credit
    assert client.post(f"/invoices/{inv.pk}/payment", data={**data, "key": "k-2",
                                                             "amount": "999,00"}).status_code == 302
    paid = Invoice.objects.get(pk=inv.pk)
    assert paid.status == "paid" and paid.paid_total == paid.gross_total
    assert paid.payments[-1].overpaid == Decimal("999.00") - (paid.gross_total - Decimal("38.00"))

    result = runner.invoke(args=["invoice", "pdf", "RE-2026-00001", "-o",
                                 str(tmp_path / "re.pdf")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "re.pdf").read_bytes() == pdf.data
    result = runner.invoke(args=["invoice", "pdf", "RE-2026-09999", "-o",
                                 str(tmp_path / "x.pdf")])
    assert result.exit_code != 0 and "no issued invoice" in result.output


def test_cancel_through_the_screen_and_a_refused_issue_is_explained(client, login):
    make_company()
    inv = make_invoice()
    bad = make_invoice(service_date=None)
    login("finance")
    page = _action(client, "issue", [bad.pk]).get_data(as_text=True)
    assert "date of supply or service" in page
    _action(client, "issue", [inv.pk])
    page = _action(client, "cancel", [inv.pk]).get_data(as_text=True)
    assert "ST-2026-00001" in page
    assert Invoice.objects.get(pk=inv.pk).status == "cancelled"
    assert JournalEntry.objects(status="posted").count() == 2


def test_invoice_downloads_need_a_finance_role(client, login):
    from services.invoicing import issuing as invoicing

    make_company()
    inv = invoicing.issue_invoice(make_invoice(), "fibu")
    assert client.get(f"/invoices/{inv.pk}/pdf").status_code == 302
    login("hr")
    assert client.get(f"/invoices/{inv.pk}/pdf").status_code == 403
    assert client.get(f"/invoices/{inv.pk}/xml").status_code == 403
    assert client.get(f"/invoices/{inv.pk}/payment").status_code == 403


def test_fifty_parallel_issue_requests_get_fifty_consecutive_numbers(app):
    """50 clerks press "Ausstellen" at once: 50 numbers, no gap, no duplicate."""
    import threading

    from models.invoice import InvoiceLine
    from services.ledger import posting
    from tests.conftest import PASSWORD
    from tests.factories import make_user

    make_company()
    customer = make_customer()
    invoices = [make_invoice(customer=customer, lines=[InvoiceLine(
        description=f"Leistung {n}", quantity=Decimal("1"), unit_price=Decimal(n),
        vat_rate="19")]) for n in range(1, 51)]
    clients = []
    for _ in invoices:
        client = app.test_client()
        user = make_user("finance")
        token = csrf_token_from(client.get("/login").data)
        client.post("/login", data={"email": user.email, "password": PASSWORD,
                                    "csrf_token": token})
        clients.append((client, csrf_token_from(client.get("/admin/invoice/").data)))
    statuses = []

    def press(client, token, inv):
        response = client.post("/admin/invoice/action/", data={
            "action": "issue", "rowid": [str(inv.pk)], "csrf_token": token})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=press, args=(c, t, inv))
               for (c, t), inv in zip(clients, invoices)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
        assert not t.is_alive(), "a thread still runs after 120 s (deadlock?)"
    assert statuses == [302] * 50
    numbers = sorted(Invoice.objects(kind="invoice").scalar("number"))
    assert numbers == [f"RE-2026-{n:05d}" for n in range(1, 51)]
    assert Invoice.objects(status="issued").count() == 50
    assert JournalEntry.objects(status="posted").count() == 50
    assert posting.verify_chain(2026).ok


def test_finance_queues_an_issued_invoice_for_mail_and_the_log_shows_it(client, login):
    from models.mail import OutgoingMail
    from services.invoicing import issuing

    make_company()
    inv = issuing.issue_invoice(make_invoice(), "fibu")
    draft = make_invoice()
    login("finance")
    page = _action(client, "mail", [inv.pk, draft.pk]).get_data(as_text=True)
    assert "zum Versand per E-Mail eingereiht" in page
    assert "Nur ausgestellte Rechnungen können versendet werden." in page
    mail = OutgoingMail.objects.get()
    assert mail.document_id == inv.pk and mail.state == "queued" and mail.created_by
    # the auditor reads the log with the link to the invoice; nothing was sent in the request
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/admin/").data)})
    login("auditor")
    log = client.get("/admin/outgoing_mail/").get_data(as_text=True)
    assert inv.number in log and f"/admin/invoice/details/?id={inv.pk}" in log
