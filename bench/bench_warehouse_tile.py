"""Time the warehouse tile of the start page (items below the reorder point, stock value)
against the raw driver reading the same fields; print it.

The tile (services.operations.dashboard.stock_position_figures) is served from a stored
summary while no item changed; "counting" is the pass over every item it replaces.

Run from the project root:  .venv/bin/python bench/bench_warehouse_tile.py [items]
Not part of the test run. Starts its own embedded database (or uses MONGODB_URI) in a
throw-away database with `items` active stock items (every tenth below its reorder point,
every fifth in two bins). The floor is the raw `find` of the five fields the tile needs,
every document read and nothing computed.
"""
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import database  # noqa: E402


def _items(count: int):
    for n in range(count):
        qty = 5_000 if n % 10 == 0 else 250_000                  # 5 / 250 pieces (3 places)
        doc = {"sku": f"B{n:06d}", "name": f"Artikel {n}", "unit": "H87", "quantity": qty,
               "reorder_point": 20_000, "reorder_qty": 50_000, "unit_cost": 12_345 + n,
               "location": "A-01", "active": True, "ledger_version": 0}
        if n % 5 == 0:
            doc["bins"] = [{"location": "A-01", "quantity": qty - 1_000},
                           {"location": "B-02", "quantity": 1_000}]
        yield doc


def _best(fn, repeat: int) -> float:
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        took = time.perf_counter() - start
        best = took if best is None else min(best, took)
    return best


def main(count: int, repeat: int = 3) -> None:
    from models import StockItem, connect_db, ensure_indexes
    from services.operations.dashboard import count_stock_position, stock_position_figures

    uri, stop = database("bench-tile-")
    db_name = f"bench_{uuid.uuid4().hex[:8]}"
    connect_db(uri, db_name)
    try:
        ensure_indexes()
        coll = StockItem._get_collection()
        batch = list(_items(count))
        for i in range(0, count, 1000):
            coll.insert_many(batch[i:i + 1000])
        fields = {"quantity": 1, "reorder_point": 1, "unit_cost": 1, "location": 1, "bins": 1}
        raw = _best(lambda: list(coll.find({"active": {"$ne": False}}, fields)), repeat)
        counted = _best(count_stock_position, 1)
        time.sleep(2.5)  # past SUMMARY_SETTLE after the inserts, as on a real log-in
        first = time.perf_counter()
        below, value = stock_position_figures()
        first = time.perf_counter() - first
        tile = _best(stock_position_figures, repeat)
        assert stock_position_figures() == count_stock_position() == (below, value)
        print(f"stock items: {count} (below reorder point: {below}, value {value})")
        print(f"raw find of the fields:              {raw * 1000:9.1f} ms")
        print(f"counting every item (before):        {counted * 1000:9.1f} ms")
        print(f"tile, first call (counts, stores):   {first * 1000:9.1f} ms")
        print(f"tile, stored summary, best of {repeat}:   {tile * 1000:9.1f} ms")
        print(f"ratio counting / raw find:           {counted / raw:9.2f}")
        print(f"ratio stored tile / raw find:        {tile / raw:9.4f}")
    finally:
        import mongoengine as me

        me.get_connection().drop_database(db_name)
        stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
