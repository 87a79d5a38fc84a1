"""Every operations screen renders on the demo company for the roles that use it."""
from decimal import Decimal

import pytest

from models import StockItem, Ticket
from seeds.demo import seed_demo_company
from services.operations.purchasing import DraftLine, create_draft, send_order


@pytest.fixture
def demo(app):
    seed_demo_company()
    item = StockItem.objects.first()
    order = send_order(create_draft(item.supplier, [DraftLine(item.pk, Decimal(3), Decimal("1.5"))],
                                    "seed").pk)
    return {"order": order, "item": item, "supplier": item.supplier,
            "ticket": Ticket.objects.first()}


@pytest.mark.parametrize("role", ["admin", "warehouse", "support", "finance", "hr", "auditor"])
def test_start_page_renders_for_every_role(client, login, demo, role):
    login(role)
    response = client.get("/admin/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    ticket_chart = "Tickets pro Woche" in page and "<svg" in page
    assert ticket_chart == (role in ("admin", "support", "auditor"))  # the support tile


def test_operations_pages_render_on_demo_data(client, login, demo):
    login("admin")
    urls = ["/admin/stock-ops/", "/admin/stock-ops/valuation/", "/admin/stock-ops/count/",
            "/admin/stock-ops/reorder/", "/admin/stock_movements/", "/admin/purchase_orders/",
            "/admin/purchase_orders/new/", "/admin/my_tickets/", "/admin/sla_policies/",
            "/admin/tickets/", "/admin/tickets/new/", "/admin/stock/",
            f"/admin/purchase_orders/details/?id={demo['order'].pk}",
            f"/admin/suppliers/details/?id={demo['supplier'].pk}",
            f"/admin/stock/details/?id={demo['item'].pk}",
            f"/admin/stock/edit/?id={demo['item'].pk}",
            f"/admin/tickets/details/?id={demo['ticket'].pk}",
            f"/admin/purchase-ops/{demo['order'].pk}/pdf"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
    valuation = client.get("/admin/stock-ops/valuation/").get_data(as_text=True)
    assert "Gesamtwert" in valuation and " €" in valuation
    assert demo["order"].number in client.get(
        f"/admin/suppliers/details/?id={demo['supplier'].pk}").get_data(as_text=True)
