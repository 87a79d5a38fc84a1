"""Events for webhook subscribers, found in the books themselves (whoever caused them).

Each event has a stable id (`invoice.issued:<invoice>`, `ticket.status_changed:<ticket
event>`, `stock.below_reorder_point:<item>:<ledger version>`,
`supplier_invoice.approved:<supplier invoice>`), so collecting the same change twice (two
scheduler runs, a retry) stores it once. `collect_events` looks back a bounded window; the
panel, the CLI and the API all end up here alike. The payables approval publishes its event
at once; the look-back finds it again if the process died between approval and publishing.
"""
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from pymongo.errors import DuplicateKeyError

from models.api import ApiEvent
from models.invoice import Invoice
from models.stock import StockItem
from models.supplier_invoice import SupplierInvoice
from models.ticket import TicketEvent

LOOKBACK = timedelta(days=7)


def publish(event_type: str, subject: str, data: dict, at: datetime | None = None) -> bool:
    """Store an event once; return True if it is new."""
    try:
        ApiEvent._get_collection().insert_one({
            "_id": f"{event_type}:{subject}", "type": event_type, "data": data,
            "created_at": at or datetime.now(timezone.utc), "fanned_out": False})
        return True
    except DuplicateKeyError:
        return False


def collect_events(now: datetime | None = None) -> int:
    """Publish what happened within the look-back window; return how many were new."""
    now = now or datetime.now(timezone.utc)
    since = now - LOOKBACK
    new = 0
    for inv in Invoice.objects(kind="invoice", status__in=("issued", "paid", "cancelled"),
                               issued_at__gte=since):
        new += publish("invoice.issued", str(inv.pk), invoice_data(inv))
    # A payment is dated by the bank statement; a week's look-back covers a late entry.
    for inv in Invoice.objects(kind="invoice", status="paid",
                               payments__date__gte=datetime.combine(since.date(),
                                                                    datetime.min.time())):
        new += publish("invoice.paid", str(inv.pk), invoice_data(inv))
    for event in TicketEvent.objects(at__gte=since):
        new += publish("ticket.status_changed", event.pk, {
            "ticket_id": str(event.ticket), "number": event.number,
            "from_status": event.from_status, "to_status": event.to_status,
            "at": event.at.isoformat()})
    for item in StockItem.objects(reorder_point__gt=0, active=True):
        new += stock_level_changed(item)
    for inv in SupplierInvoice.objects(approved_at__gte=since):
        new += supplier_invoice_approved(inv)
    return new


def supplier_invoice_approved(inv: SupplierInvoice) -> bool:
    """Publish `supplier_invoice.approved` for an invoice that has been approved."""
    if inv.approved_at is None:
        return False
    return publish("supplier_invoice.approved", str(inv.pk), {
        "supplier_invoice_id": str(inv.pk), "number": inv.number,
        "supplier_id": str(inv.supplier.pk) if inv.supplier else None,
        "supplier_name": inv.supplier.name if inv.supplier else None,
        "issue_date": _day(inv.issue_date), "due_date": _day(inv.due_date),
        "currency": inv.currency, "gross_total": _dec(inv.gross_total),
        "amount_due": _dec(inv.amount_due), "approved_at": _aware(inv.approved_at).isoformat()},
        at=_aware(inv.approved_at))


def stock_level_changed(item: StockItem) -> bool:
    """Publish `stock.below_reorder_point` if the item is at or below its reorder point."""
    if not item.reorder_point or item.quantity > item.reorder_point:
        return False
    return publish("stock.below_reorder_point", f"{item.pk}:{item.ledger_version or 0}", {
        "item_id": str(item.pk), "sku": item.sku, "quantity": _dec(item.quantity),
        "reorder_point": _dec(item.reorder_point)})


def invoice_data(inv: Invoice) -> dict:
    """The payload of an invoice event: amounts as decimal strings, dates ISO 8601."""
    return {"invoice_id": str(inv.pk), "number": inv.number, "status": inv.status,
            "customer_id": str(inv.customer.pk),
            "issue_date": _day(inv.issue_date),
            "gross_total": _dec(inv.gross_total), "paid_total": _dec(inv.paid_total)}


def _day(value) -> str | None:
    if value is None:
        return None
    return (value.date() if isinstance(value, datetime) else value).isoformat()


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _dec(value) -> str | None:
    return None if value is None else str(Decimal(value))
