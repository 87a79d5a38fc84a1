"""Purchase-order matching: two-way (order ↔ invoice) and three-way (with goods receipts).

The order is found by the invoice's order reference (BT-13) among the supplier's orders,
else by the supplier and the net amount within the tolerance. Invoice lines point to
order lines by their order line reference (BT-132, the order line's number from 1);
quantities and prices may deviate by `tolerance_pct` percent (at least `tolerance_abs`).
"""
from dataclasses import dataclass, field
from decimal import Decimal

from models.purchase_order import PurchaseOrder
from services.core.messages import N_

DEFAULT_TOLERANCE_PCT = Decimal("2")
DEFAULT_TOLERANCE_ABS = Decimal("1.00")


@dataclass
class MatchResult:
    order: PurchaseOrder | None
    deviations: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.order is not None and not self.deviations


def _within(a: Decimal, b: Decimal, pct: Decimal, absolute: Decimal) -> bool:
    return abs(a - b) <= max(abs(b) * pct / 100, absolute)


def find_order(inv, pct=DEFAULT_TOLERANCE_PCT, absolute=DEFAULT_TOLERANCE_ABS, orders=None):
    """The purchase order the invoice bills, or None.

    `orders`: the supplier's orders that are not cancelled, newest first, when the caller
    read them already (the batch intake reads them once for all its invoices).
    """
    if inv.supplier is None:
        return None
    if orders is not None:
        return _find_in(inv, orders, pct, absolute)
    orders = PurchaseOrder.objects(supplier=inv.supplier, status__ne="cancelled")
    if inv.order_ref:
        hit = orders.filter(number=inv.order_ref.strip()).first()
        if hit is not None:
            return hit
    if inv.net_total is None:
        return None
    close = [o for o in orders.filter(status__ne="draft")
             if _within(inv.net_total, o.net_total, pct, absolute)]
    return close[0] if len(close) == 1 else None


def _find_in(inv, orders, pct, absolute):
    """find_order's rule on a list already read (same order as the query's)."""
    if inv.order_ref:
        ref = inv.order_ref.strip()
        hit = next((o for o in orders if o.number == ref), None)
        if hit is not None:
            return hit
    if inv.net_total is None:
        return None
    close = [o for o in orders if o.status != "draft"
             and _within(inv.net_total, o.net_total, pct, absolute)]
    return close[0] if len(close) == 1 else None


def match_invoice(inv, *, three_way: bool = True, pct=DEFAULT_TOLERANCE_PCT,
                  absolute=DEFAULT_TOLERANCE_ABS, orders=None) -> MatchResult:
    """Compare the invoice with its order (and the received quantities); list deviations."""
    order = find_order(inv, pct, absolute, orders)
    if order is None:
        return MatchResult(None)
    result = MatchResult(order)
    for ln in inv.lines:
        ref = (ln.order_line_ref or "").strip()
        if not ref.isdigit() or not 1 <= int(ref) <= len(order.lines):
            result.deviations.append(N_("Position %(line)s: keine Bestellposition zugeordnet")
                                     % {"line": ln.line_id or "?"})
            continue
        po_line = order.lines[int(ref) - 1]
        qty = ln.quantity or Decimal(0)
        if not _within(qty, po_line.quantity, pct, Decimal(0)):
            result.deviations.append(N_("Position %(line)s: berechnet %(qty)s, bestellt %(ordered)s")
                                     % {"line": ln.line_id, "qty": qty, "ordered": po_line.quantity})
        if ln.unit_price is not None and not _within(ln.unit_price, po_line.unit_price, pct,
                                                     Decimal(0)):
            result.deviations.append(N_("Position %(line)s: Preis %(price)s, bestellt zu %(ordered)s")
                                     % {"line": ln.line_id, "price": ln.unit_price,
                                        "ordered": po_line.unit_price})
        received = po_line.received or Decimal(0)
        if three_way and qty > received and not _within(qty, received, pct, Decimal(0)):
            result.deviations.append(N_("Position %(line)s: berechnet %(qty)s, geliefert erst "
                                        "%(received)s") % {"line": ln.line_id, "qty": qty,
                                                           "received": received})
    if inv.net_total is not None and not _within(inv.net_total, order.net_total, pct, absolute):
        result.deviations.append(N_("Nettobetrag %(net)s weicht von der Bestellung %(order)s ab")
                                 % {"net": inv.net_total, "order": order.net_total})
    return result
