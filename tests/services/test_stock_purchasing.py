"""Purchase orders, reorder list, valuation and inventory count through the services."""
import threading
import uuid
from decimal import Decimal

import pytest

from models import StockItem
from models.counter import CounterSlot
from services.core.errors import BusinessRuleError
from models.counter import next_number
from services.operations.purchasing import (DraftLine, cancel_order, create_draft, on_order_by_item,
                                 receive, send_order)
from services.operations.stock import MovementRequest, movement_balance, post_movement
from services.operations.stock_reports import (count_sheet, create_reorder_drafts, item_value,
                                    post_count, reorder_list, suggest_quantity, valuation)
from tests.factories import make_stock_item, make_supplier


def D(text):
    return Decimal(text)


def draft(supplier=None, *lines):
    supplier = supplier or make_supplier()
    return create_draft(supplier, [DraftLine(i.pk, D(q), D(p)) for i, q, p in lines], "einkauf")


def test_numbers_are_gap_free_per_year_and_unique_under_concurrency(app):
    got, barrier = [], threading.Barrier(15)

    def one(i):
        barrier.wait(timeout=60)
        got.append(next_number("purchase_order-2026", owner=f"owner-{i}"))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(15)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
        assert not t.is_alive(), "a thread still runs after 120 s (deadlock?)"
    assert sorted(got) == list(range(1, 16))
    assert next_number("purchase_order-2026", owner="owner-3") in got  # its own number again
    assert len(set(got)) == 15
    assert next_number("purchase_order-2027", owner="x") == 1


def test_same_owner_gets_its_number_again_after_a_crash(app):
    first = next_number("purchase_order-2026", owner="purchase_order:abc")
    next_number("purchase_order-2026", owner="other")
    assert next_number("purchase_order-2026", owner="purchase_order:abc") == first
    assert CounterSlot.objects(id__startswith="purchase_order-2026:").count() == 2


def test_send_numbers_the_order_and_is_safe_to_repeat(app):
    item = make_stock_item()
    order = draft(None, (item, "10", "2.5"))
    assert order.status == "draft" and order.number is None
    sent = send_order(order.pk)
    assert (sent.status, sent.number) == ("sent", f"B-{sent.year}-00001")
    assert send_order(order.pk).number == sent.number
    second = send_order(draft(None, (item, "1", "1")).pk)
    assert second.number == f"B-{sent.year}-00002"


def test_partial_then_complete_receipt_books_receipt_movements(app):
    a, b = make_stock_item(quantity=D(0)), make_stock_item(quantity=D(1))
    order = send_order(draft(None, (a, "10", "2.5"), (b, "4", "1")).pk)
    receive(order.pk, [D(6), D(0)], "tok-1", "lager")
    order.reload()
    assert order.status == "partly_received"
    assert [l.received for l in order.lines] == [D(6), D(0)]
    assert StockItem.objects.get(pk=a.pk).quantity == D(6)
    receive(order.pk, [D(4), D(4)], "tok-2", "lager")
    order.reload()
    assert order.status == "received"
    assert (StockItem.objects.get(pk=a.pk).quantity, StockItem.objects.get(pk=b.pk).quantity) == (D(10), D(5))
    assert movement_balance(b.pk) == D(5)


def test_same_receipt_twice_books_once_and_over_receipt_is_refused(app):
    a = make_stock_item(quantity=D(0), sku="OVR-1")
    order = send_order(draft(None, (a, "5", "1")).pk)
    receive(order.pk, [D(3)], "tok-same", "lager")
    receive(order.pk, [D(3)], "tok-same", "lager")
    assert StockItem.objects.get(pk=a.pk).quantity == D(3)
    with pytest.raises(BusinessRuleError, match=r"Position 1 \(OVR-1\): höchstens 2"):
        receive(order.pk, [D(3)], "tok-more", "lager")
    assert StockItem.objects.get(pk=a.pk).quantity == D(3)


def test_draft_cannot_be_received_and_received_order_cannot_be_cancelled(app):
    a = make_stock_item(quantity=D(0))
    order = draft(None, (a, "1", "1"))
    with pytest.raises(BusinessRuleError):
        receive(order.pk, [D(1)], "t", "lager")
    send_order(order.pk)
    receive(order.pk, [D(1)], "t2", "lager")
    with pytest.raises(BusinessRuleError):
        cancel_order(order.pk)
    assert cancel_order(draft(None, (a, "1", "1")).pk).status == "cancelled"


def test_reorder_list_groups_by_supplier_and_counts_open_orders(app):
    s1, s2 = make_supplier(name="Alpha"), make_supplier(name="Beta")
    low = make_stock_item(quantity=D(2), reorder_point=D(5), reorder_qty=D(20), supplier=s1)
    covered = make_stock_item(quantity=D(1), reorder_point=D(5), reorder_qty=D(10), supplier=s2)
    make_stock_item(quantity=D(50), reorder_point=D(5), supplier=s1)  # enough stock
    draft(s2, (covered, "10", "1"))
    groups = reorder_list(on_order_by_item())
    assert [l.sku for l in groups[s1.pk]] == [low.sku]
    assert groups[s1.pk][0].suggested == D(23)
    assert groups[s2.pk][0].suggested == D(0)  # 1 + 10 on order is above 5
    order = create_reorder_drafts(s1.pk, "einkauf")
    assert [(l.item.pk, l.quantity) for l in order.lines] == [(low.pk, D(23))]
    with pytest.raises(BusinessRuleError):
        create_reorder_drafts(s2.pk, "einkauf")


def test_suggestion_rule():
    assert suggest_quantity(D(3), D(0), D(5), D(10)) == D(12)
    assert suggest_quantity(D(5), D(0), D(5), D(0)) == D(0)
    assert suggest_quantity(D(3), D(3), D(5), D(10)) == D(0)


def test_valuation_splits_an_item_over_its_locations(app):
    item = make_stock_item(quantity=D("4"), unit_cost=D("2.5000"), location="A")
    post_movement(MovementRequest("transfer", item.pk, D(1), "x", "x", "v-1", to_location="B"))
    result = valuation()
    assert result.by_location == {"A": D("7.50"), "B": D("2.50")} and result.total == D("10.00")


def test_valuation_per_item_location_and_total(app):
    make_stock_item(quantity=D("3"), unit_cost=D("0.3350"), location="A")   # 1.005 -> 1.01
    make_stock_item(quantity=D("2"), unit_cost=D("10.0000"), location="A")
    make_stock_item(quantity=D("1.5"), unit_cost=D("4.0000"), location="B")
    result = valuation()
    assert item_value(D(3), D("0.335")) == D("1.01")
    assert result.by_location == {"A": D("21.01"), "B": D("6.00")}
    assert result.total == D("27.01")


def test_inventory_count_posts_differences_once_and_refuses_moved_items(app):
    a = make_stock_item(quantity=D(10), sku="INV-A", location="R1")
    b = make_stock_item(quantity=D(4), sku="INV-B", location="R1")
    c = make_stock_item(quantity=D(7), sku="INV-C", location="R1")
    post_movement(MovementRequest("transfer", a.pk, D(3), "Umlagern", "x", "t-a",
                                  to_location="R2"))
    sheet = {(row["sku"], row["location"]): row for row in count_sheet()}
    assert sheet[("INV-A", "R1")]["quantity"] == D(7) and sheet[("INV-A", "R2")]["quantity"] == D(3)
    post_movement(MovementRequest("issue", c.pk, D(1), "Entnahme", "x", uuid.uuid4().hex))
    counted = [(a.pk, "R1", D(7), D(6)), (a.pk, "R2", D(3), D(3.5)), (b.pk, "R1", D(4), D(4)),
               (c.pk, "R1", D(7), D(5))]
    result = post_count("count-1", counted, "inventur")
    assert (result["posted"], result["unchanged"]) == (2, 1)
    assert "INV-C" in str(result["errors"][0]) and "neu zählen" in str(result["errors"][0])
    post_count("count-1", counted[:2], "inventur")  # the same sheet again posts nothing new
    assert StockItem.objects.get(pk=a.pk).quantity == D("9.5")
    assert {x.location: x.quantity for x in StockItem.objects.get(pk=a.pk).bins} == {
        "R1": D(6), "R2": D("3.5")}
    assert StockItem.objects.get(pk=c.pk).quantity == D(6)
    assert count_sheet("R2") == [{"id": a.pk, "sku": "INV-A", "name": a.name, "unit": "Paket",
                                  "location": "R2", "quantity": D("3.5")}]
