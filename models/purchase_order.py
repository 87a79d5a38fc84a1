"""Purchase orders (Bestellungen) and their goods receipts."""
from decimal import ROUND_HALF_UP, Decimal

import mongoengine as me

from models.base import TimestampedDocument, utcnow
from models.fields import FixedDecimalField
from models.stock import StockItem
from models.supplier import Supplier

PO_STATUSES = ("draft", "sent", "partly_received", "received", "cancelled")
OPEN_PO_STATUSES = ("draft", "sent", "partly_received")


class PurchaseOrderLine(me.EmbeddedDocument):
    item = me.ReferenceField(StockItem, required=True)
    quantity = FixedDecimalField(places=3, required=True, min_value=Decimal("0.001"))
    unit_price = FixedDecimalField(places=4, required=True, min_value=0)
    received = FixedDecimalField(places=3, default=Decimal(0), min_value=0)

    @property
    def net_amount(self) -> Decimal:
        # Commercial rounding (kaufmännisch) per line.
        return (self.quantity * self.unit_price).quantize(Decimal("0.01"), ROUND_HALF_UP)

    @property
    def open_quantity(self) -> Decimal:
        return max(self.quantity - (self.received or 0), Decimal(0))


class PurchaseOrder(TimestampedDocument):
    # Assigned when sent, gap-free per year (services.operations.purchasing); unset while a draft.
    number = me.StringField(max_length=20)
    year = me.IntField()
    supplier = me.ReferenceField(Supplier, required=True, reverse_delete_rule=me.DENY)
    order_date = me.DateField()
    status = me.StringField(required=True, default="draft", choices=PO_STATUSES)
    lines = me.ListField(me.EmbeddedDocumentField(PurchaseOrderLine))
    note = me.StringField(max_length=2000)
    created_by = me.StringField()
    sent_at = me.DateTimeField()
    receipt_count = me.IntField(default=0)  # head of the receipt chain applied here

    meta = {"collection": "purchase_orders", "ordering": ["-created_at"],
            "indexes": ["supplier", "status", ("year", "number")]}

    def __str__(self):
        return f"{self.number or 'Entwurf'} {self.supplier.name if self.supplier else ''}"

    @property
    def net_total(self) -> Decimal:
        return sum((line.net_amount for line in self.lines), Decimal("0.00"))

    def clean(self):
        if not self.lines:
            raise me.ValidationError("eine Bestellung braucht mindestens eine Position",
                                     errors={"lines": "mindestens eine Position"})


class PurchaseReceipt(me.Document):
    """Goods receipt n of an order, slot `<order id>:<n>` of its receipt chain."""

    id = me.StringField(primary_key=True)
    order = me.ObjectIdField(required=True)
    number = me.IntField(required=True, min_value=1)
    token = me.StringField(required=True, unique=True)  # idempotency key of the form
    quantities = me.ListField(me.IntField())  # per order line, thousandths received now
    received_after = me.ListField(me.IntField())  # per order line, cumulative
    state = me.StringField(required=True, default="pending", choices=("pending", "done"))
    user = me.StringField(required=True)
    at = me.DateTimeField(required=True, default=utcnow)

    meta = {"collection": "purchase_receipts"}
