"""The warehouse tile's figures as last computed, with the state of the items they were
computed from (services.operations.dashboard.stock_position_figures)."""
import mongoengine as me

from models.fields import MoneyField


class StockSummary(me.Document):
    """One document per summary (`_id` names it): figures plus the items' change stamp.

    The stamp is the number of stock items and their newest `updated_at`: every write to
    an item sets `updated_at` (Document.save, the stock ledger's cache refresh, the CSV
    import's compare-and-set), an insert or delete changes the number.
    """

    id = me.StringField(primary_key=True)
    item_count = me.IntField(required=True, min_value=0)
    latest_change = me.DateTimeField()
    computed_at = me.DateTimeField(required=True)
    below_reorder_point = me.IntField(required=True, min_value=0)
    stock_value = MoneyField(required=True)

    meta = {"collection": "stock_summaries"}
