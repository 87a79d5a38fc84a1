"""Stock movements: the only way an item's quantity on hand changes; never below zero.

No multi-document transactions exist, and FerretDB does not even apply a guarded
`$inc` atomically under concurrency, so a movement is written in steps that a
crash between any two leaves detectable and repairable:

1. the movement is stored with state ``pending`` under a unique idempotency key;
2. it takes the next version of the item's stock ledger by a unique insert
   (``<item>:<n+1>``, unique per movement too) computed from version n, refused
   when it would leave less than zero — two issues can never both take n+1;
3. the item's cached quantity/location are refreshed from the ledger's head;
4. the movement is marked ``done``.

``recover_pending_movements`` finishes what a crash left behind.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import mongoengine as me
from bson import ObjectId

from models.base import utcnow
from models.fields import FixedDecimalField
from models.sequence import StockLedgerEntry
from models.stock import StockItem
from models.stock_movement import MOVEMENT_KINDS, StockMovement
from services.claims import AlreadyClaimed, claim_next, find_head
from services.errors import BusinessRuleError
from services.formatting import format_decimal_de

QTY = FixedDecimalField(places=3)


@dataclass(frozen=True)
class MovementRequest:
    """What a clerk asks for; quantity is positive except for adjustments."""

    kind: str
    item_id: ObjectId
    quantity: Decimal
    reason: str
    user: str
    key: str
    on: date | None = None
    reference: str | None = None
    to_location: str | None = None
    unit_cost: Decimal | None = None
    base_version: int | None = None


def signed_change(kind: str, quantity: Decimal) -> Decimal:
    """Return the change of the quantity on hand a movement of this kind makes."""
    if kind not in MOVEMENT_KINDS:
        raise BusinessRuleError(f"Unbekannte Bewegungsart '{kind}'.")
    if quantity != quantity.quantize(Decimal("0.001")):
        raise BusinessRuleError("Mengen haben höchstens 3 Nachkommastellen.")
    if kind == "transfer":
        return Decimal(0)
    if kind == "adjustment":
        if quantity == 0:
            raise BusinessRuleError("Eine Korrektur braucht eine Menge ungleich 0.")
        return quantity
    if quantity <= 0:
        raise BusinessRuleError("Die Menge muss größer als 0 sein.")
    return quantity if kind == "receipt" else -quantity


def post_movement(req: MovementRequest) -> StockMovement:
    """Record and apply a movement; the same key again returns the first result."""
    item = StockItem.objects(pk=req.item_id).first()
    if item is None:
        raise BusinessRuleError("Der Artikel existiert nicht (mehr).")
    movement = _store_pending(req, item, signed_change(req.kind, req.quantity))
    if movement.state == "pending":
        apply_movement(movement)
    if movement.state == "refused":
        raise BusinessRuleError(movement.refusal)
    return movement


def _store_pending(req: MovementRequest, item: StockItem, change: Decimal) -> StockMovement:
    to_location = (req.to_location or "").strip() or None
    if req.kind == "transfer" and not to_location:
        raise BusinessRuleError("Für eine Umlagerung den Ziel-Lagerplatz angeben.")
    movement = StockMovement(
        key=req.key, kind=req.kind, item=item, quantity=change,
        date=req.on or utcnow().date(), reason=(req.reason or "").strip() or req.kind,
        reference=req.reference, user=req.user, unit_cost=req.unit_cost,
        base_version=req.base_version,
        from_location=item.location if req.kind == "transfer" else None,
        to_location=to_location)
    try:
        movement.save(force_insert=True)
    except me.NotUniqueError:
        movement = StockMovement.objects.get(key=req.key)
        if movement.item.pk != item.pk or movement.kind != req.kind:
            raise BusinessRuleError("Diese Buchung wurde schon für etwas anderes verwendet.")
    return movement


def apply_movement(movement: StockMovement) -> None:
    """Apply a pending movement to its item's ledger (idempotent); mark it done or refused."""
    item_id = movement.item.pk
    try:
        claim_next(StockLedgerEntry._get_collection(), str(item_id), _cached_version(item_id),
                   lambda n, head: _ledger_entry(movement, n, head))
    except AlreadyClaimed:
        pass  # applied before a crash or by a concurrent recovery
    except BusinessRuleError as exc:
        refresh_item_cache(item_id)
        _set_state(movement, "refused", refusal=str(exc))
        return
    refresh_item_cache(item_id)
    _set_state(movement, "done", applied_at=utcnow())


def _ledger_entry(movement: StockMovement, version: int, head: dict | None) -> dict:
    before, location = _head_values(movement.item.pk, head)
    change = QTY.to_mongo(movement.quantity)
    if movement.base_version is not None and movement.base_version != version - 1:
        raise BusinessRuleError(
            f"{movement.item.sku}: der Bestand hat sich seit der Zählung geändert; "
            "bitte neu zählen.")
    if movement.kind == "transfer" and location != movement.from_location:
        raise BusinessRuleError(
            f"Umlagerung abgelehnt: {movement.item.sku} liegt nicht mehr auf "
            f"'{movement.from_location}', sondern auf '{location}'.")
    if before + change < 0:
        unit = movement.item.unit
        raise BusinessRuleError(
            f"Nicht genug Bestand: {movement.item.sku} hat {_fmt(before)} {unit}, "
            f"angefordert {_fmt(-change)} {unit}.")
    return {"item": movement.item.pk, "version": version, "movement": movement.pk,
            "change": change, "quantity_before": before, "quantity_after": before + change,
            "location_after": movement.to_location if movement.kind == "transfer" else location,
            "at": utcnow()}


def _head_values(item_id, head: dict | None) -> tuple[int, str | None]:
    if head is not None:
        return head["quantity_after"], head.get("location_after")
    raw = StockItem._get_collection().find_one({"_id": item_id}, {"quantity": 1, "location": 1})
    return raw.get("quantity") or 0, raw.get("location")  # opening stock, version 0


def _cached_version(item_id) -> int:
    raw = StockItem._get_collection().find_one({"_id": item_id}, {"ledger_version": 1})
    return (raw or {}).get("ledger_version") or 0


def refresh_item_cache(item_id) -> None:
    """Copy the ledger head's quantity and location onto the item until they agree."""
    ledger, items = StockLedgerEntry._get_collection(), StockItem._get_collection()
    written = None
    while True:
        version, head = find_head(ledger, str(item_id), _cached_version(item_id))
        if head is None or version == written:
            return
        # Only ever a real ledger version is written, so the cache is never ahead.
        items.update_one({"_id": item_id}, {"$set": {
            "quantity": head["quantity_after"], "location": head.get("location_after"),
            "ledger_version": version, "updated_at": utcnow()}})
        written = version


def _set_state(movement: StockMovement, state: str, **fields) -> None:
    StockMovement._get_collection().update_one(
        {"_id": movement.pk, "state": "pending"}, {"$set": {"state": state, **fields}})
    movement.reload()


def _fmt(milli: int) -> str:
    return format_decimal_de(QTY.to_python(milli), 3).rstrip("0").rstrip(",")


def recover_pending_movements(older_than: timedelta = timedelta(minutes=1),
                              now: datetime | None = None) -> dict:
    """Finish movements a crash left pending and refresh stale item caches."""
    cutoff = (now or utcnow()) - older_than
    counts = {"done": 0, "refused": 0}
    for movement in StockMovement.objects(state="pending", created_at__lte=cutoff):
        apply_movement(movement)
        counts[movement.state] += 1
    for item_id in StockItem.objects.scalar("id"):
        refresh_item_cache(item_id)
    return counts


def movement_balance(item_id) -> Decimal:
    """Opening stock plus all done movements of an item: what must be on hand."""
    first = StockLedgerEntry.objects(item=item_id, version=1).first()
    opening = first.quantity_before if first else QTY.to_mongo(
        StockItem.objects.get(pk=item_id).quantity)
    total = sum(QTY.to_mongo(m.quantity) for m in
                StockMovement.objects(item=item_id, state="done").only("quantity"))
    return QTY.to_python(int(opening + total))
