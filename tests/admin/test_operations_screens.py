"""Warehouse, purchasing and ticket screens through the test client."""
import re
from datetime import timedelta
from decimal import Decimal

from models import StockItem
from models.base import utcnow
from models.purchase_order import PurchaseOrder
from models.ticket import Ticket
from services.operations.purchasing import DraftLine, create_draft, send_order
from services.operations.tickets import apply_sla
from tests.conftest import csrf_token_from
from tests.factories import make_stock_item, make_supplier


def form_post(client, page_url, post_url, data):
    token = csrf_token_from(client.get(page_url).data)
    return client.post(post_url, data={**data, "csrf_token": token}, follow_redirects=True)


def test_movement_screen_books_and_refuses_with_a_clear_message(client, login):
    item = make_stock_item(sku="SCR-1", quantity=Decimal(0), unit="Stk")
    login("warehouse")
    page = client.get("/admin/stock-ops/").get_data(as_text=True)
    key = re.search(r'name="key" value="([0-9a-f]+)"', page).group(1)
    data = {"kind": "receipt", "sku": "SCR-1", "quantity": "1.000,5", "reason": "Lieferung",
            "key": key}
    form_post(client, "/admin/stock-ops/", "/admin/stock-ops/", data)
    form_post(client, "/admin/stock-ops/", "/admin/stock-ops/", data)  # double submit
    assert StockItem.objects.get(pk=item.pk).quantity == Decimal("1000.5")
    text = form_post(client, "/admin/stock-ops/", "/admin/stock-ops/", {
        "kind": "issue", "sku": "SCR-1", "quantity": "2000", "reason": "Auftrag"}).get_data(as_text=True)
    assert "Nicht genug Bestand: SCR-1 hat 1.000,5 Stück, angefordert 2.000 Stück." in text
    assert StockItem.objects.get(pk=item.pk).quantity == Decimal("1000.5")


def test_quantity_is_read_only_in_the_item_edit_form(client, login):
    item = make_stock_item()
    login("warehouse")
    page = client.get(f"/admin/stock/edit/?id={item.pk}").get_data(as_text=True)
    assert 'name="quantity"' not in page and 'name="name"' in page


def test_auditor_reads_but_cannot_post(client, login):
    make_stock_item(sku="AUD-1")
    login("auditor")
    assert client.get("/admin/stock-ops/valuation/").status_code == 200
    token = csrf_token_from(client.get("/admin/stock/").data)
    response = client.post("/admin/stock-ops/", data={"csrf_token": token, "kind": "issue",
                                                      "sku": "AUD-1", "quantity": "1"})
    assert response.status_code == 403


def test_inventory_count_screen_posts_differences(client, login):
    item = make_stock_item(sku="INV-9", quantity=Decimal(10), location="Regal Z")
    login("warehouse")
    page = client.get("/admin/stock-ops/count/?location=Regal+Z").get_data(as_text=True)
    count_id = re.search(r'name="count_id" value="([0-9a-f]+)"', page).group(1)
    assert 'name="row-0-listed" value="10.000"' in page
    data = {"count_id": count_id, "location": "Regal Z", "row-0-item": str(item.pk),
            "row-0-location": "Regal Z", "row-0-listed": "10.000", "row-0-counted": "7,5"}
    text = form_post(client, "/admin/stock-ops/count/", "/admin/stock-ops/count/", data).get_data(as_text=True)
    assert "1 Differenzen gebucht" in text
    form_post(client, "/admin/stock-ops/count/", "/admin/stock-ops/count/", data)
    assert StockItem.objects.get(pk=item.pk).quantity == Decimal("7.5")


def test_reorder_screen_creates_a_draft_order_per_supplier(client, login):
    supplier = make_supplier(name="Nachschub KG")
    make_stock_item(sku="LOW-1", quantity=Decimal(1), reorder_point=Decimal(5),
                    reorder_qty=Decimal(10), supplier=supplier)
    login("warehouse")
    page = client.get("/admin/stock-ops/reorder/").get_data(as_text=True)
    assert "Nachschub KG" in page and "LOW-1" in page and "14,000" in page
    form_post(client, "/admin/stock-ops/reorder/", "/admin/stock-ops/reorder/",
              {"supplier": str(supplier.pk)})
    order = PurchaseOrder.objects.get(supplier=supplier)
    assert order.status == "draft" and order.lines[0].quantity == Decimal(14)


def test_order_send_receive_pdf_and_supplier_history(client, login):
    supplier = make_supplier(name="Lieferant Süd")
    item = make_stock_item(quantity=Decimal(0))
    order = create_draft(supplier, [DraftLine(item.pk, Decimal(5), Decimal("2.5"))], "x")
    login("warehouse")
    details = f"/admin/purchase_orders/details/?id={order.pk}"
    form_post(client, details, f"/admin/purchase-ops/{order.pk}/send", {})
    order.reload()
    assert order.status == "sent" and order.number.startswith("B-")
    page = client.get(details).get_data(as_text=True)
    token = re.search(r'name="token" value="([0-9a-f]+)"', page).group(1)
    form_post(client, details, f"/admin/purchase-ops/{order.pk}/receive",
              {"token": token, "qty-0": "2"})
    assert StockItem.objects.get(pk=item.pk).quantity == Decimal(2)
    assert PurchaseOrder.objects.get(pk=order.pk).status == "partly_received"
    pdf = client.get(f"/admin/purchase-ops/{order.pk}/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    supplier_page = client.get(f"/admin/suppliers/details/?id={supplier.pk}").get_data(as_text=True)
    assert order.number in supplier_page and "Offene Bestellungen" in supplier_page


def _ticket(**kw):
    ticket = Ticket(title=kw.pop("title", "Monitor flackert"), **kw)
    apply_sla(ticket)
    return ticket.save()


def test_ticket_transition_buttons_and_refusal(client, login):
    user = login("support")
    ticket = _ticket()
    details = f"/admin/tickets/details/?id={ticket.pk}"
    page = client.get(details).get_data(as_text=True)
    assert "in Bearbeitung" in page and 'value="resolved"' not in page
    text = form_post(client, details, f"/admin/ticket-ops/{ticket.pk}/status",
                     {"to": "resolved"}).get_data(as_text=True)
    assert "nicht erlaubt" in text
    form_post(client, details, f"/admin/ticket-ops/{ticket.pk}/status", {"to": "in_progress"})
    ticket.reload()
    assert ticket.status == "in_progress" and ticket.history[0].user == user.email


def test_overdue_filter_and_my_tickets(app, client, login):
    from admin.support import OverdueFilter

    me = login("support")
    late = _ticket(title="Alt und überfällig", priority="critical",
                   created_at=utcnow() - timedelta(days=10))
    fresh = _ticket(title="Ganz neu", priority="low", assignee=me)
    assert "badge-danger" in client.get("/admin/tickets/").get_data(as_text=True)
    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "tickets")
    index = next(i for i, f in enumerate(view._filters) if isinstance(f, OverdueFilter))
    overdue = client.get(f"/admin/tickets/?flt0_{index}=1").get_data(as_text=True)
    assert "Alt und überfällig" in overdue and "Ganz neu" not in overdue
    mine = client.get("/admin/my_tickets/").get_data(as_text=True)
    assert "Ganz neu" in mine and "Alt und überfällig" not in mine
    assert late.is_overdue(utcnow()) and not fresh.is_overdue(utcnow())


def test_purchase_order_draft_form_and_edit_lock_after_sending(client, login):
    from tests.admin.test_crud import post_form

    supplier, item = make_supplier(name="Formular GmbH"), make_stock_item(sku="PO-F1")
    login("finance")
    response = post_form(client, "/admin/purchase_orders/new/", {
        "supplier": str(supplier.pk), "lines-0-item": str(item.pk),
        "lines-0-quantity": "12,5", "lines-0-unit_price": "1.234,5678", "note": "Bitte liefern"})
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    order = PurchaseOrder.objects.get(supplier=supplier)
    assert (order.lines[0].quantity, order.lines[0].unit_price) == (Decimal("12.5"), Decimal("1234.5678"))
    assert order.net_total == Decimal("15432.10")  # 12,5 × 1.234,5678 = 15.432,0975
    listing = client.get("/admin/purchase_orders/").get_data(as_text=True)
    assert "15.432,10 €" in listing and "Entwurf" in listing
    send_order(order.pk)
    url = f"/admin/purchase_orders/edit/?id={order.pk}"
    page = post_form(client, url, {"supplier": str(supplier.pk), "lines-0-item": str(item.pk),
                                   "lines-0-quantity": "99", "lines-0-unit_price": "1"})
    assert PurchaseOrder.objects.get(pk=order.pk).lines[0].quantity == Decimal("12.5")
    assert "Nur Entwürfe können geändert werden." in page.get_data(as_text=True)


def test_movement_journal_and_sla_targets_are_listed(client, login):
    item = make_stock_item(sku="JRN-1", quantity=Decimal(0))
    from services.operations.stock import MovementRequest, post_movement
    post_movement(MovementRequest("receipt", item.pk, Decimal(3), "Lieferung <b>", "x", "k-jrn"))
    login("admin")
    journal = client.get("/admin/stock_movements/").get_data(as_text=True)
    assert "JRN-1" in journal and "Lieferung &lt;b&gt;" in journal
    assert client.get("/admin/stock_movements/new/").status_code == 403
    targets = client.get("/admin/sla_policies/").get_data(as_text=True)
    assert "critical" in targets and re.search(r">\s*540\s*<", targets)
