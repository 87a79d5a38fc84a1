"""Stock movements: the only way the quantity on hand of an item changes."""
from decimal import Decimal

import mongoengine as me

from models.base import utcnow
from models.fields import FixedDecimalField
from models.stock import StockItem

MOVEMENT_KINDS = ("receipt", "issue", "adjustment", "transfer")
# pending: written, maybe not yet applied; done: applied to the item; refused: not applied.
MOVEMENT_STATES = ("pending", "done", "refused")


class StockMovement(me.Document):
    key = me.StringField(required=True, unique=True, max_length=120)  # idempotency key
    kind = me.StringField(required=True, choices=MOVEMENT_KINDS)
    item = me.ReferenceField(StockItem, required=True, reverse_delete_rule=me.DENY)
    # Signed change of the quantity on hand (issues negative); 0 for transfers.
    quantity = FixedDecimalField(places=3, required=True)
    date = me.DateField(required=True)
    reason = me.StringField(required=True, max_length=200)
    reference = me.StringField(max_length=80)  # purchase order, ticket, inventory count
    location = me.StringField(max_length=40)  # the bin a receipt/issue/adjustment touches
    from_location = me.StringField(max_length=40)
    to_location = me.StringField(max_length=40)
    moved = FixedDecimalField(places=3, min_value=0)  # quantity of a transfer
    unit_cost = FixedDecimalField(places=4, min_value=0)
    # Set by an inventory count: refuse if the bin no longer holds what was listed.
    expected_quantity = FixedDecimalField(places=3, min_value=0)
    user = me.StringField(required=True)
    state = me.StringField(required=True, default="pending", choices=MOVEMENT_STATES)
    refusal = me.StringField(max_length=300)
    created_at = me.DateTimeField(required=True, default=utcnow)
    applied_at = me.DateTimeField()

    meta = {"collection": "stock_movements", "ordering": ["-created_at"],
            "indexes": ["item", "state", "reference", "-created_at",
                        "reason", "user"]}  # reason, user: for the panel's search

    def __str__(self):
        return f"{self.kind} {self.quantity} {self.item.sku if self.item else ''}"

    @property
    def signed_quantity(self) -> Decimal:
        return self.quantity or Decimal(0)
