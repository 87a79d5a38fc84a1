"""The warehouse tile (items at or below the reorder point, stock value) is served from a
stored summary while no stock item changed, and counted anew after any change: the
figures are always those of a full count (issue 20). Expected figures by hand."""
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from models import StockItem
from models.stock_summary import StockSummary
from services.operations.dashboard import (SUMMARY_MAX_AGE, count_stock_position,
                                           stock_position_figures)
from services.operations.stock import MovementRequest, post_movement
from tests.factories import make_stock_item


def later(minutes=1):
    """A log-in after the writes have settled (SUMMARY_SETTLE)."""
    return datetime.now(timezone.utc) + timedelta(minutes=minutes)


def tile(at=None):
    figures = stock_position_figures(at or later())
    assert figures == count_stock_position()  # the stored figures are a full count's
    return figures


def _stock(app):
    # 5 × 2,50 = 12,50 (at the reorder point 5: counted), 10 × 0,125 = 1,25, 3 × 1,005 =
    # 3,015 → 3,02 (half a cent up); the inactive item counts for neither figure
    a = make_stock_item(quantity=Decimal("5"), reorder_point=Decimal("5"),
                        unit_cost=Decimal("2.5"))
    b = make_stock_item(quantity=Decimal("10"), reorder_point=Decimal("2"),
                        unit_cost=Decimal("0.125"))
    c = make_stock_item(quantity=Decimal("3"), reorder_point=Decimal("1"),
                        unit_cost=Decimal("1.005"))
    make_stock_item(quantity=Decimal("0"), reorder_point=Decimal("9"), unit_cost=Decimal("7"),
                    active=False)
    return a, b, c


def test_figures_are_stored_and_served_while_nothing_changes(app):
    _stock(app)
    assert tile() == (1, Decimal("16.77"))
    stored = StockSummary.objects.get(pk="warehouse")
    assert (stored.item_count, stored.below_reorder_point, stored.stock_value) == (
        4, 1, Decimal("16.77"))
    # served from the stored document: a figure written into it by hand comes back
    StockSummary.objects(pk="warehouse").update_one(set__below_reorder_point=99)
    assert stock_position_figures(later()) == (99, Decimal("16.77"))


def test_a_movement_an_edit_an_insert_and_a_delete_each_count_anew(app):
    a, b, c = _stock(app)
    assert tile() == (1, Decimal("16.77"))
    # issue 9 of b: 1 × 0,125 = 0,13 (half up), now at or below its reorder point 2
    post_movement(MovementRequest("issue", b.pk, Decimal("9"), "Verkauf", "lager", "t-1"))
    assert tile(later(2)) == (2, Decimal("15.65"))
    c.reorder_point = Decimal("3")
    c.unit_cost = Decimal("2")           # 3 × 2 = 6,00
    c.save()
    assert tile(later(3)) == (3, Decimal("18.63"))
    make_stock_item(quantity=Decimal("1"), reorder_point=Decimal("0"), unit_cost=Decimal("1"))
    assert tile(later(4)) == (3, Decimal("19.63"))
    StockItem.objects(pk=a.pk).delete()
    assert tile(later(5)) == (2, Decimal("7.13"))
    b.reload()
    b.active = False
    b.save()
    assert tile(later(6)) == (1, Decimal("7.00"))


def test_figures_of_changes_that_may_not_have_settled_are_not_stored(app):
    _stock(app)
    assert stock_position_figures(datetime.now(timezone.utc)) == (1, Decimal("16.77"))
    assert StockSummary.objects(pk="warehouse").count() == 0


def test_an_old_summary_is_counted_anew_though_its_stamp_holds(app):
    _stock(app)
    first = later()
    tile(first)
    StockSummary.objects(pk="warehouse").update_one(set__below_reorder_point=99)
    assert stock_position_figures(first + SUMMARY_MAX_AGE - timedelta(seconds=1))[0] == 99
    assert stock_position_figures(first + SUMMARY_MAX_AGE + timedelta(seconds=1)) == (
        1, Decimal("16.77"))


def test_start_page_shows_the_counted_figures(client, login):
    make_stock_item(quantity=Decimal("1000"), reorder_point=Decimal("0"),
                    unit_cost=Decimal("2.5"))
    login("warehouse")
    assert "2.500,00 €" in client.get("/admin/").get_data(as_text=True)
    make_stock_item(quantity=Decimal("4"), reorder_point=Decimal("0"),
                    unit_cost=Decimal("0.5"))
    assert "2.502,00 €" in client.get("/admin/").get_data(as_text=True)
