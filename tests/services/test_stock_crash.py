"""A process killed in the middle of a stock movement leaves nothing lost or doubled."""
import subprocess
import sys
import textwrap
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import mongoengine as me
import pytest

from models import StockItem
from models.sequence import StockLedgerEntry
from models.stock_movement import StockMovement
from services.operations.stock import MovementRequest, movement_balance, post_movement, recover_pending_movements
from tests.factories import make_stock_item

REPO = Path(__file__).resolve().parents[2]
# Where the child process dies: after storing the movement, after taking the ledger
# version, after refreshing the item cache (before marking the movement done).
CRASH_POINTS = {"stored": "services.operations.stock.apply_movement",
                "claimed": "services.operations.stock.refresh_item_cache",
                "cached": "services.operations.stock._set_state"}

CHILD = textwrap.dedent("""
    import os, sys
    from decimal import Decimal
    from bson import ObjectId
    sys.path.insert(0, {repo!r})
    from models import connect_db
    import services.operations.stock as stock
    connect_db({uri!r}, {db!r})
    module, name = {target!r}.rsplit(".", 1)
    def die(*args, **kwargs):
        os._exit(9)  # as abrupt as kill -9: no cleanup, no finally
    setattr(stock, name, die)
    stock.post_movement(stock.MovementRequest("issue", ObjectId({item!r}), Decimal(3),
                                              "Kommission", "lager", "crash-key"))
""")


def _run_child(item, target, uri):
    db = me.get_db()
    script = CHILD.format(repo=str(REPO), uri=uri, db=db.name, target=target, item=str(item.pk))
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert result.returncode == 9, result.stderr.decode()[-2000:]


@pytest.mark.parametrize("point", CRASH_POINTS)
def test_crash_at_every_step_is_completed_once_by_recovery(app, point):
    item = make_stock_item(quantity=Decimal(10), sku=f"CR-{point}")
    _run_child(item, CRASH_POINTS[point], app.config["MONGODB_URI"])
    movement = StockMovement.objects.get(key="crash-key")
    assert movement.state == "pending"  # the crash is visible, not silent
    later = movement.created_at + timedelta(minutes=5)
    assert recover_pending_movements(now=later)["done"] == 1
    assert StockItem.objects.get(pk=item.pk).quantity == Decimal(7)
    assert StockLedgerEntry.objects(item=item.pk).count() == 1
    # The clerk's retry with the same form (same key) does not issue again.
    again = post_movement(MovementRequest("issue", item.pk, Decimal(3), "Kommission", "lager",
                                          "crash-key"))
    assert again.state == "done" and StockItem.objects.get(pk=item.pk).quantity == Decimal(7)
    assert movement_balance(item.pk) == Decimal(7)
