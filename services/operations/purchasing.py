"""Purchase orders: draft, send with a gap-free number, receive (partly), cancel."""
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from bson import ObjectId

from models.base import utcnow
from models.fields import FixedDecimalField
from models.purchase_order import (OPEN_PO_STATUSES, PurchaseOrder, PurchaseOrderLine,
                                   PurchaseReceipt)
from models.stock import StockItem
from services.core.claims import AlreadyClaimed, claim_next
from services.core.formatting import format_decimal_de
from services.core.messages import N_, RuleError
from models.counter import next_number
from services.operations.stock import MovementRequest, post_movement
from services.core.units import unit_name

QTY = FixedDecimalField(places=3)


@dataclass(frozen=True)
class DraftLine:
    item_id: ObjectId
    quantity: Decimal
    unit_price: Decimal


def create_draft(supplier, lines: list[DraftLine], user: str, note: str = "") -> PurchaseOrder:
    """Create a draft order for a supplier with the given lines."""
    if not lines:
        raise RuleError(N_("Die Bestellung braucht mindestens eine Position."))
    order_lines = []
    for line in lines:
        if line.quantity <= 0:
            raise RuleError(N_("Bestellmengen müssen größer als 0 sein."))
        order_lines.append(PurchaseOrderLine(item=StockItem.objects.get(pk=line.item_id),
                                             quantity=line.quantity,
                                             unit_price=line.unit_price))
    return PurchaseOrder(supplier=supplier, lines=order_lines, created_by=user,
                         note=note).save()


def order_number(year: int, n: int) -> str:
    """Format the n-th order of a year as B-2026-00001."""
    return f"B-{year}-{n:05d}"


def send_order(order_id, on: date | None = None) -> PurchaseOrder:
    """Give a draft its gap-free number of the year and mark it sent (safe to repeat)."""
    order = PurchaseOrder.objects.get(pk=order_id)
    if order.number:
        return order
    if order.status != "draft":
        raise RuleError(N_("Nur ein Entwurf kann versendet werden."))
    on = on or utcnow().date()
    n = next_number(f"purchase_order-{on.year}", owner=f"purchase_order:{order.pk}")
    PurchaseOrder._get_collection().update_one(
        {"_id": order.pk, "number": None},
        {"$set": {"number": order_number(on.year, n), "year": on.year,
                  "order_date": datetime(on.year, on.month, on.day),
                  "status": "sent", "sent_at": utcnow()}})
    return order.reload()


def cancel_order(order_id) -> PurchaseOrder:
    """Cancel an order that has received nothing; a sent order keeps its number."""
    order = PurchaseOrder.objects.get(pk=order_id)
    if order.status not in ("draft", "sent"):
        raise RuleError(N_("Nur Entwürfe und nicht gelieferte Bestellungen können "
                           "storniert werden."))
    PurchaseOrder._get_collection().update_one(
        {"_id": order.pk, "status": order.status, "receipt_count": order.receipt_count},
        {"$set": {"status": "cancelled"}})
    return order.reload()


def receive(order_id, quantities: list[Decimal], token: str, user: str) -> PurchaseReceipt:
    """Book a goods receipt (per order line, 0 for nothing) as receipt movements.

    The receipt is slot n+1 of the order's receipt chain, checked against the
    cumulative quantities of slot n, so two receipts can never over-receive a line;
    the same form token twice books once.
    """
    order = PurchaseOrder.objects.get(pk=order_id)
    finish_pending_receipts(order.pk)
    earlier = PurchaseReceipt.objects(token=token).first()
    if earlier is not None:  # the same form sent again
        return earlier
    if order.reload().status not in ("sent", "partly_received"):
        raise RuleError(N_("Nur versendete, offene Bestellungen können Wareneingänge "
                           "erhalten."))
    wanted = [QTY.to_mongo(q or Decimal(0)) for q in quantities]
    if len(wanted) != len(order.lines) or any(q < 0 for q in wanted) or not any(wanted):
        raise RuleError(N_("Für mindestens eine Position eine Liefermenge über 0 angeben "
                           "(keine negativen Mengen)."))
    try:
        doc = claim_next(PurchaseReceipt._get_collection(), str(order.pk), order.receipt_count,
                         lambda n, head: _receipt_doc(order, n, head, wanted, token, user))
        receipt = PurchaseReceipt.objects.get(pk=doc["_id"])
    except AlreadyClaimed:
        receipt = PurchaseReceipt.objects.get(token=token)
    _complete(receipt)
    return receipt.reload()


def _receipt_doc(order, n, head, wanted, token, user) -> dict:
    before = head["received_after"] if head else [0] * len(order.lines)
    after = [b + w for b, w in zip(before, wanted)]
    for i, line in enumerate(order.lines):
        if after[i] > QTY.to_mongo(line.quantity):
            open_qty = QTY.to_python(QTY.to_mongo(line.quantity) - before[i])
            raise RuleError(N_("Position %(pos)s (%(sku)s): höchstens %(open)s %(unit)s "
                               "sind noch offen."), pos=i + 1, sku=line.item.sku,
                            open=format_decimal_de(open_qty, 3).rstrip("0").rstrip(","),
                            unit=unit_name(line.item.unit))
    return {"order": order.pk, "number": n, "token": token, "quantities": wanted,
            "received_after": after, "state": "pending", "user": user, "at": utcnow()}


def _complete(receipt: PurchaseReceipt) -> None:
    """Book the receipt's movements (idempotent) and bring the order up to date."""
    order = PurchaseOrder.objects.get(pk=receipt.order)
    for i, milli in enumerate(receipt.quantities):
        if milli:
            line = order.lines[i]
            post_movement(MovementRequest(
                kind="receipt", item_id=line.item.pk, quantity=QTY.to_python(milli),
                reason=f"Wareneingang {order.number}", user=receipt.user,
                key=f"po-receipt:{receipt.pk}:{i}", reference=order.number,
                unit_cost=line.unit_price))
    _apply_head_to_order(order, receipt)
    PurchaseReceipt._get_collection().update_one(
        {"_id": receipt.pk}, {"$set": {"state": "done"}})


def _apply_head_to_order(order: PurchaseOrder, receipt: PurchaseReceipt) -> None:
    if receipt.number <= order.receipt_count:
        return  # a later receipt already brought the order further
    lines = PurchaseOrder._get_collection().find_one({"_id": order.pk})["lines"]
    for raw, received in zip(lines, receipt.received_after):
        raw["received"] = received
    complete = all(raw["received"] >= raw["quantity"] for raw in lines)
    PurchaseOrder._get_collection().update_one(
        {"_id": order.pk, "receipt_count": {"$lt": receipt.number}},
        {"$set": {"lines": lines, "receipt_count": receipt.number,
                  "status": "received" if complete else "partly_received",
                  "updated_at": utcnow()}})


def finish_pending_receipts(order_id=None) -> int:
    """Complete receipts a crash left pending (of one order or all); return how many."""
    query = {"state": "pending"} if order_id is None else {"state": "pending",
                                                           "order": order_id}
    done = 0
    for receipt in PurchaseReceipt.objects(**query).order_by("number"):
        _complete(receipt)
        done += 1
    return done


def on_order_by_item() -> dict:
    """Return {item id: quantity still to come} over all open orders."""
    result: dict = {}
    for raw in PurchaseOrder._get_collection().find(
            {"status": {"$in": list(OPEN_PO_STATUSES)}}, {"lines": 1}):
        for line in raw.get("lines", []):
            open_milli = max(line["quantity"] - line.get("received", 0), 0)
            result[line["item"]] = result.get(line["item"], 0) + open_milli
    return {item: QTY.to_python(milli) for item, milli in result.items()}
