"""Claim chains: append-only slots `<chain>:<n>` taken by unique inserts.

FerretDB 1.24 does not apply a filtered update atomically under concurrency
(two `$inc` with the same guard both succeed), but a unique index refuses the
second insert reliably on both FerretDB and MongoDB. So every "take the next
one" — stock versions here, document numbers in models.counter — is an insert of
slot n+1, made only after slot n was seen: gap-free, and two writers can never take
the same slot.
"""
import mongoengine as me

from models.base import utcnow


class StockLedgerEntry(me.Document):
    """Version n of an item's stock: which movement made it and what it left on hand."""

    id = me.StringField(primary_key=True)  # "<item id>:<version:09d>"
    item = me.ObjectIdField(required=True)
    version = me.IntField(required=True, min_value=1)
    movement = me.ObjectIdField(required=True, unique=True)
    change = me.IntField(required=True)  # thousandths of the unit
    quantity_before = me.IntField(required=True)
    quantity_after = me.IntField(required=True, min_value=0)
    location_after = me.StringField()  # the item's main location
    # [{"l": location, "q": thousandths}] after this version; absent on opening stock only
    bins_after = me.ListField(me.DictField())
    at = me.DateTimeField(required=True, default=utcnow)

    meta = {"collection": "stock_ledger"}
