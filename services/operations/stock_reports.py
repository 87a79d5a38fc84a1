"""Stock valuation, reorder suggestions and inventory counts."""
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from models.fields import FixedDecimalField
from models.stock import StockItem
from models.supplier import Supplier
from services.core.errors import BusinessRuleError
from services.core.messages import N_, RuleError
from services.core.units import unit_name

QTY, COST = FixedDecimalField(places=3), FixedDecimalField(places=4)
CENT = Decimal("0.01")


def item_value(quantity: Decimal, unit_cost: Decimal) -> Decimal:
    """Value of a stock position, rounded commercially (half a cent up) to the cent."""
    return (quantity * unit_cost).quantize(CENT, ROUND_HALF_UP)


@dataclass
class Valuation:
    items: list = field(default_factory=list)  # (sku, name, location, qty, unit_cost, value)
    by_location: dict = field(default_factory=dict)
    total: Decimal = Decimal("0.00")


def item_bins(raw: dict) -> list[tuple[str, Decimal]]:
    """(location, quantity) of an item's stock; opening stock lies at its main location."""
    if raw.get("bins"):
        return [(b.get("location") or "", QTY.to_python(b.get("quantity") or 0))
                for b in raw["bins"]]
    return [(raw.get("location") or "", QTY.to_python(raw.get("quantity") or 0))]


def valuation() -> Valuation:
    """Value every stock position (item × location), rounded to the cent; sums of those."""
    result, by_location = Valuation(), defaultdict(lambda: Decimal("0.00"))
    fields = {"sku": 1, "name": 1, "location": 1, "quantity": 1, "unit_cost": 1, "bins": 1}
    for raw in StockItem._get_collection().find({"active": {"$ne": False}}, fields).sort("sku"):
        cost = COST.to_python(raw.get("unit_cost") or 0)
        for location, qty in item_bins(raw):
            value = item_value(qty, cost)
            result.items.append((raw["sku"], raw["name"], location or "—", qty, cost, value))
            by_location[location or "—"] += value
            result.total += value
    result.by_location = dict(sorted(by_location.items()))
    return result


def suggest_quantity(on_hand: Decimal, on_order: Decimal, reorder_point: Decimal,
                     reorder_qty: Decimal) -> Decimal:
    """Order up to reorder point + reorder quantity, counting what is already on order.

    Nothing is suggested while stock plus open orders stays above the reorder point.
    """
    available = on_hand + on_order
    if available > reorder_point:
        return Decimal(0)
    return max(reorder_point + reorder_qty - available, Decimal(0))


@dataclass
class ReorderLine:
    item_id: object
    sku: str
    name: str
    unit: str
    on_hand: Decimal
    on_order: Decimal
    reorder_point: Decimal
    suggested: Decimal
    unit_cost: Decimal


def reorder_list(on_order: dict) -> dict:
    """Items at or below their reorder point, grouped by preferred supplier id (None = none)."""
    groups = defaultdict(list)
    fields = {"sku": 1, "name": 1, "unit": 1, "quantity": 1, "reorder_point": 1,
              "reorder_qty": 1, "unit_cost": 1, "supplier": 1}
    for raw in StockItem._get_collection().find({"active": {"$ne": False}}, fields).sort("sku"):
        qty, point = QTY.to_python(raw.get("quantity") or 0), QTY.to_python(raw.get("reorder_point") or 0)
        if qty > point:
            continue
        ordered = on_order.get(raw["_id"], Decimal(0))
        suggested = suggest_quantity(qty, ordered, point, QTY.to_python(raw.get("reorder_qty") or 0))
        groups[raw.get("supplier")].append(ReorderLine(
            raw["_id"], raw["sku"], raw["name"], unit_name(raw.get("unit", "")), qty, ordered,
            point,
            suggested, COST.to_python(raw.get("unit_cost") or 0)))
    return dict(groups)


def supplier_names(ids) -> dict:
    """Map supplier ids to display names in one query."""
    return {s.pk: str(s) for s in Supplier.objects(pk__in=[i for i in ids if i])}


def create_reorder_drafts(supplier_id, user: str) -> list:
    """Create one draft purchase order for a supplier from its reorder suggestions."""
    from services.operations.purchasing import DraftLine, create_draft, on_order_by_item

    lines = [DraftLine(line.item_id, line.suggested, line.unit_cost)
             for line in reorder_list(on_order_by_item()).get(supplier_id, [])
             if line.suggested > 0]
    if not lines:
        raise RuleError(N_("Für diesen Lieferanten ist nichts nachzubestellen."))
    return create_draft(Supplier.objects.get(pk=supplier_id), lines, user,
                        note="Aus der Nachbestellliste erzeugt")


def count_sheet(location: str | None = None) -> list[dict]:
    """Stock positions to count (optionally of one location) with the quantity listed."""
    fields = {"sku": 1, "name": 1, "unit": 1, "quantity": 1, "location": 1, "bins": 1}
    rows = []
    for raw in StockItem._get_collection().find({"active": {"$ne": False}}, fields).sort("sku"):
        for bin_location, qty in item_bins(raw):
            if location and bin_location != location:
                continue
            rows.append({"id": raw["_id"], "sku": raw["sku"], "name": raw["name"],
                         "unit": unit_name(raw.get("unit") or ""), "location": bin_location,
                         "quantity": qty})
    return rows


def post_count(count_id: str, counted: list[tuple], user: str) -> dict:
    """Post counted quantities [(item id, location, listed qty, counted qty)] as adjustments.

    Each difference is one adjustment with the key `inventur:<count>:<item>:<location>`,
    so sending the same sheet twice posts once; a position whose quantity changed
    after it was listed is refused and reported (errors: the BusinessRuleErrors),
    the others are posted.
    """
    from services.operations.stock import MovementRequest, post_movement

    result = {"posted": 0, "unchanged": 0, "errors": []}
    for item_id, location, listed, quantity in counted:
        if quantity < 0:
            result["errors"].append(RuleError(N_("Gezählte Mengen können nicht negativ sein.")))
            continue
        if quantity == listed:
            result["unchanged"] += 1
            continue
        try:
            post_movement(MovementRequest(
                kind="adjustment", item_id=item_id, quantity=quantity - listed,
                reason="Inventurdifferenz", user=user, location=location,
                key=f"inventur:{count_id}:{item_id}:{location}",
                reference=f"Inventur {count_id[:8]}", expected_quantity=listed))
            result["posted"] += 1
        except BusinessRuleError as exc:
            result["errors"].append(exc)
    return result


def new_count_id() -> str:
    return uuid.uuid4().hex
