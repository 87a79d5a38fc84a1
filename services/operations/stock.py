"""Stock movements: the only way an item's quantity on hand changes; never below zero.

No multi-document transactions exist, and FerretDB does not even apply a guarded
`$inc` atomically under concurrency, so a movement is written in steps that a
crash between any two leaves detectable and repairable:

1. the movement is stored with state ``pending`` under a unique idempotency key;
2. it takes the next version of the item's stock ledger by a unique insert
   (``<item>:<n+1>``, unique per movement too) computed from version n, refused
   when it would leave less than zero — two issues can never both take n+1;
3. the item's cached quantity, bins and location are refreshed from the ledger's head;
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
from services.core.claims import AlreadyClaimed, claim_next, find_head
from services.core.errors import BusinessRuleError
from services.core.formatting import format_decimal_de
from services.core.messages import N_, RuleError
from services.core.units import unit_name

QTY = FixedDecimalField(places=3)


@dataclass(frozen=True)
class MovementRequest:
    """What a clerk asks for; quantity is positive except for adjustments.

    `location` is the bin touched (for a transfer: the bin taken from); empty means
    the item's main location.
    """

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
    location: str | None = None
    expected_quantity: Decimal | None = None


def signed_change(kind: str, quantity: Decimal) -> Decimal:
    """Return the change of the quantity on hand a movement of this kind makes."""
    if kind not in MOVEMENT_KINDS:
        raise RuleError(N_("Unbekannte Bewegungsart '%(kind)s'."), kind=kind)
    if quantity != quantity.quantize(Decimal("0.001")):
        raise RuleError(N_("Mengen haben höchstens 3 Nachkommastellen."))
    if kind == "adjustment":
        if quantity == 0:
            raise RuleError(N_("Eine Korrektur braucht eine Menge ungleich 0."))
        return quantity
    if quantity <= 0:
        raise RuleError(N_("Die Menge muss größer als 0 sein."))
    if kind == "transfer":
        return Decimal(0)
    return quantity if kind == "receipt" else -quantity


def post_movement(req: MovementRequest) -> StockMovement:
    """Record and apply a movement; the same key again returns the first result."""
    item = StockItem.objects(pk=req.item_id).first()
    if item is None:
        raise RuleError(N_("Der Artikel existiert nicht (mehr)."))
    movement = _store_pending(req, item, signed_change(req.kind, req.quantity))
    if movement.state == "pending":
        apply_movement(movement, hint=item.ledger_version or 0)
    if movement.state == "refused":
        # The original error (translatable) when this call refused it, else the stored text.
        raise getattr(movement, "_refusal_error", None) or BusinessRuleError(movement.refusal)
    return movement


def _store_pending(req: MovementRequest, item: StockItem, change: Decimal) -> StockMovement:
    location = (req.location or "").strip() or item.location or ""
    to_location = (req.to_location or "").strip() or None
    if req.kind == "transfer" and not to_location:
        raise RuleError(N_("Für eine Umlagerung den Ziel-Lagerplatz angeben."))
    if req.kind == "transfer" and to_location == location:
        raise RuleError(N_("Quell- und Ziel-Lagerplatz sind gleich."))
    transfer = req.kind == "transfer"
    movement = StockMovement(
        key=req.key, kind=req.kind, item=item, quantity=change,
        date=req.on or utcnow().date(), reason=(req.reason or "").strip() or req.kind,
        reference=req.reference, user=req.user, unit_cost=req.unit_cost,
        expected_quantity=req.expected_quantity,
        location=None if transfer else location,
        from_location=location if transfer else None,
        to_location=to_location if transfer else None,
        moved=req.quantity if transfer else None)
    try:
        movement.save(force_insert=True)
    except me.NotUniqueError:
        movement = StockMovement.objects.get(key=req.key)
        if movement.item.pk != item.pk or movement.kind != req.kind:
            raise RuleError(N_("Diese Buchung wurde schon für etwas anderes verwendet."))
    return movement


def apply_movement(movement: StockMovement, hint: int | None = None) -> None:
    """Apply a pending movement to its item's ledger (idempotent); mark it done or refused.

    `hint` is a ledger version known to exist (e.g. the item's cached one).
    """
    item_id = movement.item.pk
    start = _cached_version(item_id) if hint is None else hint
    try:
        entry = claim_next(StockLedgerEntry._get_collection(), str(item_id), start,
                           lambda n, head: _ledger_entry(movement, n, head))
    except AlreadyClaimed:
        entry = None  # applied before a crash or by a concurrent recovery
    except BusinessRuleError as exc:
        refresh_item_cache(item_id)
        _set_state(movement, "refused", refusal=str(exc))
        movement._refusal_error = exc
        return
    refresh_item_cache(item_id, known=(entry["version"], entry) if entry else None)
    _set_state(movement, "done", applied_at=utcnow())


def next_bins(bins: dict, main: str | None, kind: str, location: str, change: int,
              to_location: str | None = None, moved: int = 0):
    """Pure: the bins {location: thousandths} and main location after a movement.

    Raises ValueError(location, available) when a bin would go below zero.
    """
    bins = dict(bins)
    if kind == "transfer":
        if bins.get(location, 0) < moved:
            raise ValueError(location, bins.get(location, 0))
        bins[location] -= moved
        bins[to_location] = bins.get(to_location, 0) + moved
        if (main or "") == location and bins[location] == 0:
            main = to_location  # everything moved: the item now lives there
    else:
        if bins.get(location, 0) + change < 0:
            raise ValueError(location, bins.get(location, 0))
        bins[location] = bins.get(location, 0) + change
    return {loc: q for loc, q in bins.items() if q}, main


def _ledger_entry(movement: StockMovement, version: int, head: dict | None) -> dict:
    bins, main = _head_values(movement.item.pk, head)
    change = QTY.to_mongo(movement.quantity)
    here = movement.from_location if movement.kind == "transfer" else (movement.location or "")
    if movement.expected_quantity is not None and \
            bins.get(here, 0) != QTY.to_mongo(movement.expected_quantity):
        raise RuleError(N_("%(sku)s: der Bestand auf '%(location)s' hat sich seit der "
                           "Zählung geändert; bitte neu zählen."),
                        sku=movement.item.sku, location=here)
    try:
        after, main_after = next_bins(bins, main, movement.kind, here, change,
                                      movement.to_location,
                                      QTY.to_mongo(movement.moved or Decimal(0)))
    except ValueError as exc:
        raise _shortage(movement, bins, *exc.args) from None
    before = sum(bins.values())
    return {"item": movement.item.pk, "version": version, "movement": movement.pk,
            "change": change, "quantity_before": before, "quantity_after": before + change,
            "location_after": main_after,
            "bins_after": [{"l": loc, "q": q} for loc, q in sorted(after.items())],
            "at": utcnow()}


def _shortage(movement: StockMovement, bins: dict, location: str, available: int) -> RuleError:
    wanted = QTY.to_mongo(movement.moved) if movement.kind == "transfer" else -QTY.to_mongo(
        movement.quantity)
    params = {"sku": movement.item.sku, "have": _fmt(available),
              "unit": unit_name(movement.item.unit),
              "want": _fmt(wanted), "location": location}
    # Name the location only when the item lies in other places too.
    if movement.kind == "transfer":
        return RuleError(N_("Umlagerung abgelehnt: %(sku)s hat %(have)s %(unit)s auf "
                            "'%(location)s', angefordert %(want)s %(unit)s."), **params)
    if set(bins) - {location}:
        return RuleError(N_("Nicht genug Bestand: %(sku)s hat %(have)s %(unit)s auf "
                            "'%(location)s', angefordert %(want)s %(unit)s."), **params)
    return RuleError(N_("Nicht genug Bestand: %(sku)s hat %(have)s %(unit)s, "
                        "angefordert %(want)s %(unit)s."), **params)


def _head_values(item_id, head: dict | None) -> tuple[dict, str | None]:
    if head is not None:
        if "bins_after" in head:
            return {b["l"]: b["q"] for b in head["bins_after"]}, head.get("location_after")
        location = head.get("location_after") or ""
        return ({location: head["quantity_after"]} if head["quantity_after"] else {},
                head.get("location_after"))
    raw = StockItem._get_collection().find_one({"_id": item_id}, {"quantity": 1, "location": 1})
    opening = raw.get("quantity") or 0  # opening stock (version 0) lies at the main location
    return ({raw.get("location") or "": opening} if opening else {}), raw.get("location")


def _cached_version(item_id) -> int:
    raw = StockItem._get_collection().find_one({"_id": item_id}, {"ledger_version": 1})
    return (raw or {}).get("ledger_version") or 0


def refresh_item_cache(item_id, known: tuple[int, dict] | None = None) -> None:
    """Copy the ledger head's quantity, bins and location onto the item until they agree.

    `known` is a (version, entry) just written, which saves looking it up again.
    """
    ledger, items = StockLedgerEntry._get_collection(), StockItem._get_collection()
    written = None
    while True:
        if known is not None:
            version, head = find_head(ledger, str(item_id), known[0], known[1])
            known = None
        else:
            version, head = find_head(ledger, str(item_id), _cached_version(item_id))
        if head is None or version == written:
            return
        bins, main = _head_values(item_id, head)
        # Only ever a real ledger version is written, so the cache is never ahead.
        items.update_one({"_id": item_id}, {"$set": {
            "quantity": head["quantity_after"], "location": main,
            "bins": [{"location": loc, "quantity": q} for loc, q in sorted(bins.items())],
            "ledger_version": version, "updated_at": utcnow()}})
        written, known = version, (version, head)


def _set_state(movement: StockMovement, state: str, **fields) -> None:
    done = StockMovement._get_collection().update_one(
        {"_id": movement.pk, "state": "pending"},
        {"$set": {"state": state, **fields}}).modified_count
    if done:
        for name, value in {"state": state, **fields}.items():
            movement._data[name] = value  # what was written; no need to read it back
    else:
        movement.reload()  # someone else finished it first


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
