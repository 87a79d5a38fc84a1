"""List pages load the documents of a reference column with one query, not one per row."""
from datetime import date

from bson import DBRef
import pytest

from admin.base import prefetch_references
from models.stock import StockItem
from models.stock_movement import StockMovement
from tests.factories import make_stock_item


def _movement(item, n):
    return StockMovement(key=f"m-{n}", kind="receipt", item=item, quantity=n,
                         date=date(2026, 3, n), reason="Wareneingang", user="lager@firma.de",
                         state="done").save()


def test_reference_columns_are_loaded_for_the_whole_page(app):
    with app.app_context():
        screws, nails = make_stock_item(sku="SCH-1", name="Schrauben"), \
            make_stock_item(sku="NAG-1", name="Nägel")
        for n, item in enumerate([screws, nails, screws], start=1):
            _movement(item, n)
        rows = list(StockMovement.objects.order_by("key"))
        assert all(isinstance(r._data["item"], DBRef) for r in rows)  # not loaded yet
        prefetch_references(rows, ["kind", "item", "quantity"])
        # The items are gone from the database now: only what the prefetch loaded is left
        # to read, so a look-up per row would fail here.
        StockItem._get_collection().delete_many({})
        assert [r.item.sku for r in rows] == ["SCH-1", "NAG-1", "SCH-1"]
        assert rows[0].item is rows[2].item  # one document per referenced item
        assert not rows[0]._changed_fields  # loading is not a change


def test_a_reference_to_a_missing_document_is_left_as_it_was(app):
    with app.app_context():
        gone, kept = make_stock_item(sku="WEG-1"), make_stock_item(sku="DA-1")
        _movement(gone, 1), _movement(kept, 2)
        StockItem._get_collection().delete_one({"_id": gone.pk})
        rows = list(StockMovement.objects.order_by("key"))
        prefetch_references(rows, ["item"])
        assert isinstance(rows[0]._data["item"], DBRef) and rows[0]._data["item"].id == gone.pk
        assert rows[1].item.sku == "DA-1"
        prefetch_references([], ["item"])  # an empty page asks nothing


def test_the_stock_movement_list_shows_each_rows_item(client, login):
    login("warehouse")
    items = [make_stock_item(sku=f"ART-{i}", name=f"Artikel {i}") for i in range(3)]
    for n in range(1, 7):
        _movement(items[n % 3], n)
    body = client.get("/admin/stock_movements/").get_data(as_text=True)
    assert body.count("ART-0") == 2 and body.count("ART-1") == 2 and body.count("ART-2") == 2


def _without_tokens(html: str) -> str:
    import re

    html = re.sub(r'nonce="[^"]+"', "NONCE", html)  # per response
    return re.sub(r'name="csrf_token" type="hidden" value="[^"]+"|value="[^"]+" name="csrf_token"'
                  r'|name="csrf_token" value="[^"]+"', "TOKEN", html)


def test_row_buttons_copied_per_row_are_what_the_macros_render(client, login, monkeypatch):
    """The stamped row buttons equal Flask-Admin's own, row by row (drafts and posted)."""
    import re

    import admin.base
    from services.ledger import posting
    from tests.factories import make_entry

    login("finance")
    drafts = [make_entry(text=f"Entwurf {i}") for i in range(3)]
    posted = posting.post_entry(make_entry(text="Gebuchte Miete"), "fibu")
    stamped = _without_tokens(client.get("/admin/journal/").get_data(as_text=True))
    monkeypatch.setattr(admin.base, "_STANDARD_ROW_ACTIONS", ())
    plain = _without_tokens(client.get("/admin/journal/").get_data(as_text=True))
    assert stamped == plain
    assert admin.base._STAMP not in stamped
    for draft in drafts:  # details, edit and the delete form carry the row's own id
        assert f"/admin/journal/edit/?id={draft.pk}" in stamped
        assert re.search(rf'name="id" type="hidden" value="{draft.pk}"|'
                         rf'type="hidden" value="{draft.pk}"', stamped)
    assert f"/admin/journal/details/?id={posted.pk}" in stamped
    assert f"/admin/journal/edit/?id={posted.pk}" not in stamped  # frozen: no edit button



def _supplier_view(app):
    from admin.procurement import SupplierView

    return next(v for v in app.extensions["admin"][0]._views if isinstance(v, SupplierView))


@pytest.mark.parametrize("matches, counted", [(0, False), (1, False), (49, False),
                                              (50, True), (51, True)])
def test_a_search_is_counted_only_when_its_first_page_is_full(app, monkeypatch, matches,
                                                             counted):
    """Fewer rows than a page (50) on the first page are the whole result: no count asked.

    A full page may have more behind it, so then the total is counted. The other
    suppliers never match (their names and numbers do not contain the term).
    """
    from mongoengine.queryset.base import BaseQuerySet

    from tests.factories import make_supplier

    counts = []
    real_count = BaseQuerySet.count

    def count(self, *args, **kwargs):  # the library's count, recorded
        counts.append(1)
        return real_count(self, *args, **kwargs)

    with app.app_context():
        for i in range(matches):
            make_supplier(supplier_no=f"K{i:05d}", name=f"Zwirnerei Nord {i}")
        for i in range(3):
            make_supplier(supplier_no=f"A{i:05d}", name=f"Holzbau Süd {i}")
        view = _supplier_view(app)
        monkeypatch.setattr(BaseQuerySet, "count", count)
        total, rows = view.get_list(0, None, False, "zwirnerei", [])
        assert total == matches
        assert len(rows) == min(matches, 50)
        assert all("Zwirnerei" in r.name for r in rows)
        assert bool(counts) is counted
        if matches > 50:  # the second page holds the rest
            total2, rows2 = view.get_list(1, None, False, "zwirnerei", [])
            assert total2 == matches and len(rows2) == matches - 50
            assert {r.supplier_no for r in rows} | {r.supplier_no for r in rows2} == \
                {f"K{i:05d}" for i in range(matches)}
