"""Stock movements: quantity changes only through them, never below zero, crash-safe."""
import threading
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest

from models import StockItem
from models.stock_movement import StockMovement
from models.sequence import StockLedgerEntry
from services.core.claims import claim_next
from services.core.errors import BusinessRuleError
from services.operations.stock import (MovementRequest, _ledger_entry, movement_balance, post_movement,
                            recover_pending_movements)
from tests.factories import make_stock_item


def move(item, kind, qty, key=None, **kw):
    return post_movement(MovementRequest(kind=kind, item_id=item.pk, quantity=Decimal(qty),
                                         reason=kw.pop("reason", "Test"), user="lager@x.de",
                                         key=key or uuid.uuid4().hex, **kw))


def fresh(item):
    return StockItem.objects.get(pk=item.pk)


def test_receipt_issue_adjustment_change_quantity_and_history_matches(app):
    item = make_stock_item(quantity=Decimal(0))
    move(item, "receipt", "10.5")
    move(item, "issue", "3.25")
    move(item, "adjustment", "-0.25", reason="Bruch")
    assert fresh(item).quantity == Decimal("7.000")
    assert movement_balance(item.pk) == fresh(item).quantity
    assert StockMovement.objects(item=item, state="done").count() == 3


def test_issue_larger_than_stock_is_refused_with_a_clear_message(app):
    item = make_stock_item(quantity=Decimal(0), sku="A-1")
    move(item, "receipt", "2")
    with pytest.raises(BusinessRuleError, match=r"Nicht genug Bestand: A-1 hat 2 Paket, angefordert 5"):
        move(item, "issue", "5")
    assert fresh(item).quantity == Decimal(2)
    refused = StockMovement.objects.get(state="refused")
    assert "Nicht genug Bestand" in refused.refusal


def test_same_key_twice_applies_once(app):
    item = make_stock_item(quantity=Decimal(0))
    first = move(item, "receipt", "4", key="po-1-r1-l0")
    again = move(item, "receipt", "4", key="po-1-r1-l0")
    assert first.pk == again.pk and fresh(item).quantity == Decimal(4)


@pytest.mark.parametrize("kind,qty", [("issue", "0"), ("receipt", "-1"),
                                      ("adjustment", "0"), ("issue", "0.0001")])
def test_nonsense_quantities_are_refused(app, kind, qty):
    item = make_stock_item(quantity=Decimal(0))
    with pytest.raises(BusinessRuleError):
        move(item, kind, qty)
    assert StockMovement.objects.count() == 0


def bins(item):
    return {b.location: b.quantity for b in fresh(item).bins}


def test_partial_transfer_splits_the_stock_over_two_locations(app):
    item = make_stock_item(quantity=Decimal(0), location="Regal A-01", sku="TR-1", unit="Stk")
    move(item, "receipt", "5")
    movement = move(item, "transfer", "2", to_location="Regal B-02")
    assert (movement.from_location, movement.to_location, movement.moved) == (
        "Regal A-01", "Regal B-02", Decimal(2))
    assert bins(item) == {"Regal A-01": Decimal(3), "Regal B-02": Decimal(2)}
    assert fresh(item).quantity == Decimal(5) and fresh(item).location == "Regal A-01"
    move(item, "issue", "2", location="Regal B-02")
    with pytest.raises(BusinessRuleError,
                       match=r"Nicht genug Bestand: TR-1 hat 0 Stück auf 'Regal B-02', angefordert 1 Stück"):
        move(item, "issue", "1", location="Regal B-02")
    assert bins(item) == {"Regal A-01": Decimal(3)}


def test_transferring_everything_moves_the_main_location(app):
    item = make_stock_item(quantity=Decimal(4), location="Alt", sku="TR-2", unit="Stk")
    with pytest.raises(BusinessRuleError, match="Umlagerung abgelehnt: TR-2 hat 4 Stück"):
        move(item, "transfer", "5", to_location="Neu")
    move(item, "transfer", "4", to_location="Neu")
    assert (fresh(item).location, bins(item)) == ("Neu", {"Neu": Decimal(4)})
    move(item, "receipt", "1")  # receipts go to the main location
    assert bins(item) == {"Neu": Decimal(5)}


def test_twenty_parallel_issues_from_ten_exactly_ten_succeed(app):
    item = make_stock_item(quantity=Decimal(0))
    move(item, "receipt", "10")
    barrier, results = threading.Barrier(20), []

    def issue_one():
        barrier.wait(timeout=60)
        try:
            move(item, "issue", "1")
            results.append("ok")
        except BusinessRuleError as exc:
            results.append(str(exc))

    threads = [threading.Thread(target=issue_one) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
        assert not t.is_alive(), "a thread still runs after 120 s (deadlock?)"
    assert results.count("ok") == 10
    assert sum("Nicht genug Bestand" in r for r in results) == 10
    assert fresh(item).quantity == Decimal(0)
    assert movement_balance(item.pk) == Decimal(0)


def _pending(item, qty, key):
    return StockMovement(key=key, kind="issue" if qty < 0 else "receipt", item=item,
                         quantity=qty, date=item.created_at.date(), reason="Test",
                         user="x", created_at=item.created_at - timedelta(hours=1)).save()


def test_crash_after_storing_the_movement_is_completed_by_recovery(app):
    item = make_stock_item(quantity=Decimal(0))
    move(item, "receipt", "5")
    _pending(item, Decimal("-2"), "crash-1")  # stored, never applied
    assert recover_pending_movements()["done"] == 1
    assert fresh(item).quantity == Decimal(3)
    assert movement_balance(item.pk) == Decimal(3)


def test_crash_after_applying_is_not_applied_twice(app):
    item = make_stock_item(quantity=Decimal(0))
    move(item, "receipt", "5")
    pending = _pending(item, Decimal("-2"), "crash-2")
    # Step 2 happened (ledger version taken), steps 3 and 4 did not.
    claim_next(StockLedgerEntry._get_collection(), str(item.pk), 0,
               lambda n, head: _ledger_entry(pending, n, head))
    assert fresh(item).quantity == Decimal(5)  # the cache is stale until recovery
    recover_pending_movements()
    assert fresh(item).quantity == Decimal(3)
    assert StockLedgerEntry.objects(item=item.pk).count() == 2
    assert StockMovement.objects.get(pk=pending.pk).state == "done"


def test_recovery_refuses_a_pending_issue_the_stock_no_longer_covers(app):
    item = make_stock_item(quantity=Decimal(0))
    move(item, "receipt", "1")
    pending = _pending(item, Decimal("-2"), "crash-3")
    assert recover_pending_movements()["refused"] == 1
    assert StockMovement.objects.get(pk=pending.pk).state == "refused"
    assert fresh(item).quantity == Decimal(1)
