"""Stock items (Artikel) kept in the warehouse."""
from decimal import ROUND_HALF_UP, Decimal

import mongoengine as me

from models.base import TimestampedDocument
from models.fields import FixedDecimalField
from models.supplier import Supplier
from models.messages import invalid
from services.core.units import UnknownUnitError, unit_code



class StockBin(me.EmbeddedDocument):
    """The quantity of an item at one location."""

    location = me.StringField(max_length=40)
    quantity = FixedDecimalField(places=3, default=Decimal("0"), min_value=0)


class StockItem(TimestampedDocument):
    sku = me.StringField(required=True, unique=True, max_length=40)
    name = me.StringField(required=True, max_length=160)
    unit = me.StringField(required=True, default="H87", max_length=3)  # UN/ECE Rec 20 code
    quantity = FixedDecimalField(places=3, default=Decimal("0"), min_value=0)
    reorder_point = FixedDecimalField(places=3, default=Decimal("0"), min_value=0)
    reorder_qty = FixedDecimalField(places=3, default=Decimal("0"), min_value=0)
    unit_cost = FixedDecimalField(places=4, default=Decimal("0"), min_value=0)
    supplier = me.ReferenceField(Supplier, reverse_delete_rule=me.DENY)
    location = me.StringField(max_length=40)
    active = me.BooleanField(default=True)
    # quantity (total), bins (per location) and location (the main location, where
    # receipts go) are a cache of the newest entry of the item's stock ledger
    # (models.sequence.StockLedgerEntry); this is that entry's version.
    ledger_version = me.IntField(default=0, min_value=0)
    bins = me.ListField(me.EmbeddedDocumentField(StockBin))

    meta = {"collection": "stock_items", "ordering": ["sku"],
            "indexes": ["name", "supplier", "location",
                          "-updated_at"]}  # the newest change: the warehouse tile's stamp

    def __str__(self):
        return f"{self.sku} {self.name}"

    def clean(self):
        """Store the unit as its Rec 20 code ("Stück" -> H87); refuse an unknown unit."""
        try:
            self.unit = unit_code(self.unit)
        except UnknownUnitError as exc:
            raise invalid("unit", str(exc)) from None

    @property
    def stock_value(self) -> Decimal:
        # Commercial rounding (kaufmännisch): half a cent rounds up.
        return (self.quantity * self.unit_cost).quantize(Decimal("0.01"), ROUND_HALF_UP)
