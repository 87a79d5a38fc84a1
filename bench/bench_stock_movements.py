"""Time services.operations.stock.post_movement against the raw driver doing the naive thing; print it.

Run from the project root:  .venv/bin/python bench/bench_stock_movements.py [movements]
Not part of the test run. Starts its own embedded database (or uses MONGODB_URI) in a
throw-away database. The floor is one guarded `$inc` update_one per movement — what the
quantity change costs when nothing is recorded; the service also stores the movement,
takes a ledger version by unique insert, refreshes the item cache and marks it done.
"""
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import database  # noqa: E402


def main(count: int) -> None:
    from models import StockItem, connect_db
    from services.operations.stock import MovementRequest, post_movement

    uri, stop = database("bench-stock-")
    db_name = f"bench_{uuid.uuid4().hex[:8]}"
    connect_db(uri, db_name)
    try:
        raw_item = StockItem(sku="RAW", name="raw", quantity=Decimal(count)).save()
        coll = StockItem._get_collection()
        start = time.perf_counter()
        for _ in range(count):
            coll.update_one({"_id": raw_item.pk, "quantity": {"$gte": 1000}},
                            {"$inc": {"quantity": -1000}})
        raw = time.perf_counter() - start

        item = StockItem(sku="SVC", name="service", quantity=Decimal(count)).save()
        start = time.perf_counter()
        for n in range(count):
            post_movement(MovementRequest("issue", item.pk, Decimal(1), "bench", "bench",
                                          f"bench-{n}"))
        service = time.perf_counter() - start
        assert StockItem.objects.get(pk=item.pk).quantity == 0
        print(f"movements: {count}")
        print(f"raw guarded $inc:      {raw:8.3f} s  {count / raw:8.0f} /s")
        print(f"post_movement:         {service:8.3f} s  {count / service:8.0f} /s")
        print(f"ratio service / raw:   {service / raw:8.2f}")
    finally:
        import mongoengine as me

        me.get_connection().drop_database(db_name)
        stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
