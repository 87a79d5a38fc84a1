"""The business rules an import of existing records must respect (issue 13.10).

An import changes master data only: an item's quantity moves through stock movements
(an item that never moved may get its opening stock, booked as a movement with a
reason), a ticket's status through its workflow (services.operations.tickets), so neither is ever
written by the import itself.
"""
from decimal import Decimal

from bson import ObjectId

from models.it_asset import Asset
from models.stock import StockItem
from services.operations.tickets import STATUS_LABELS

from .rows import RowProblem

# Fields an update of an existing record never writes.
PROTECTED = {"stock_items": ("quantity",), "tickets": ("status",)}
OPENING_REASON = "Anfangsbestand (CSV-Import)"


def write_fields(spec_name: str, fields: tuple[str, ...]) -> tuple[str, ...]:
    """Return the fields an update may write: all compared ones but the protected."""
    protected = PROTECTED.get(spec_name, ())
    return tuple(name for name in fields if name not in protected)


def check_update(spec_name: str, key: str, stored_extra: dict, document: dict,
                 fields: tuple[str, ...], label) -> Decimal | None:
    """Refuse an update that would bypass a workflow; return an opening stock to book.

    `stored_extra` holds what the check pass read besides the compared fields; only
    columns the file has (`fields`) are looked at.
    """
    if spec_name == "it_assets":
        check_new(spec_name, key, document, label)
    if spec_name == "stock_items" and "quantity" in fields:
        return _stock_quantity(key, stored_extra, document.get("quantity") or 0, label)
    if spec_name == "tickets" and "status" in fields and document.get("status") is not None:
        old, new = stored_extra.get("status"), document["status"]
        if old != new:
            raise RowProblem([(label("status"), (
                f"Ticket „{key}“: der Status wird nicht per Import geändert (gespeichert "
                f"„{STATUS_LABELS.get(old, old)}“, Datei „{STATUS_LABELS.get(new, new)}“); "
                "bitte im Ticket über den Workflow ändern oder die Spalte leer lassen."))])
    return None


def check_new(spec_name: str, key: str, document: dict, label) -> None:
    """Refuse a device whose serial number another device of the same maker already has."""
    if spec_name != "it_assets" or not document.get("serial_number"):
        return
    other = Asset._get_collection().find_one(
        {"manufacturer_key": document.get("manufacturer_key"),
         "serial_number": document["serial_number"], "asset_tag": {"$ne": key}},
        {"asset_tag": 1})
    if other is not None:
        raise RowProblem([(label("serial_number"), (
            f"Seriennummer „{document['serial_number']}“ von {document.get('manufacturer')} "
            f"ist schon bei Gerät „{other['asset_tag']}“ erfasst; je Hersteller nur einmal."))])


def opening_quantity(document: dict) -> Decimal | None:
    """Return the opening stock a new item's row asks for (None when there is none)."""
    if document.get("quantity"):
        return StockItem.quantity.to_python(document["quantity"])
    return None


def _stock_quantity(key: str, stored_extra: dict, new: int, label) -> Decimal | None:
    old = stored_extra.get("quantity") or 0
    if new == old:
        return None
    if not stored_extra.get("ledger_version") and not old:
        return StockItem.quantity.to_python(new)  # never moved: the file gives its opening stock
    to_text = lambda raw: f"{StockItem.quantity.to_python(raw).normalize():f}".replace(".", ",")
    raise RowProblem([(label("quantity"), (
        f"Artikel „{key}“: der Bestand wird nicht per Import geändert (gespeichert {to_text(old)}, "
        f"Datei {to_text(new)}); bitte als Lagerbewegung oder Inventur buchen oder die Spalte "
        "leer lassen."))])


def book_opening_stock(item_id: ObjectId, quantity: Decimal, user: str) -> None:
    """Book an item's opening stock as a movement with a reason (once per item)."""
    from services.operations.stock import MovementRequest, post_movement

    post_movement(MovementRequest(kind="adjustment", item_id=item_id, quantity=quantity,
                                  reason=OPENING_REASON, user=user,
                                  key=f"csv-import-opening:{item_id}"))
