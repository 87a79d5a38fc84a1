"""Twenty clerks issue one unit each at the same moment through the booking screen."""
import re
import threading
from decimal import Decimal

from models import StockItem
from models.stock_movement import StockMovement
from services.operations.stock import movement_balance
from tests.conftest import PASSWORD, csrf_token_from
from tests.factories import make_stock_item, make_user


def _logged_in_client(app):
    client = app.test_client()
    user = make_user("warehouse")
    token = csrf_token_from(client.get("/login").data)
    client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    page = client.get("/admin/stock-ops/").get_data(as_text=True)
    return client, csrf_token_from(page), re.search(r'name="key" value="(\w+)"', page).group(1)


def test_parallel_issue_requests_never_go_below_zero(app):
    item = make_stock_item(sku="RACE-1", quantity=Decimal(10), unit="Stk")
    clerks = [_logged_in_client(app) for _ in range(20)]
    barrier, pages = threading.Barrier(20), []

    def issue(client, token, key):
        barrier.wait(timeout=60)
        response = client.post("/admin/stock-ops/", follow_redirects=True, data={
            "csrf_token": token, "key": key, "kind": "issue", "sku": "RACE-1",
            "quantity": "1", "reason": "Kommission"})
        pages.append(response.get_data(as_text=True))

    threads = [threading.Thread(target=issue, args=clerk) for clerk in clerks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
        assert not t.is_alive(), "a thread still runs after 120 s (deadlock?)"
    booked = sum("Bewegung gebucht" in page for page in pages)
    refused = sum("Nicht genug Bestand: RACE-1 hat 0 Stück" in page for page in pages)
    assert (booked, refused) == (10, 10)
    assert StockItem.objects.get(pk=item.pk).quantity == Decimal(0)
    assert movement_balance(item.pk) == Decimal(0)
    assert StockMovement.objects(item=item, state="done").count() == 10
