"""Period balances: debit/credit totals per year, month, account, cost centre and tax key.

Kept by services.ledger.balances in the posting sequence, exactly once per posted entry,
so reports add up a few hundred small documents instead of every journal line.
"""
import mongoengine as me

# Month 0 holds the opening balances (entries with source "opening", EB-Werte).
OPENING_MONTH = 0


def balance_id(year: int, month: int, account: str, cost_center: str = "",
               tax_key: str = "") -> str:
    """Return the `_id` of the balance document of one key."""
    return f"{year}:{month:02d}:{account}:{cost_center}:{tax_key}"


class PeriodBalance(me.Document):
    """Totals in integer cents; `last` is the number of the last entry applied to it."""

    id = me.StringField(primary_key=True)
    year = me.IntField(required=True)
    month = me.IntField(required=True, min_value=0, max_value=12)
    account = me.StringField(required=True)
    cost_center = me.StringField(default="")
    tax_key = me.StringField(default="")
    debit = me.IntField(default=0)
    credit = me.IntField(default=0)
    last = me.IntField(default=0)

    meta = {"collection": "period_balances",
            "indexes": [("year", "month"), ("year", "account")]}


class BalanceHead(me.Document):
    """Per fiscal year: the journal number up to which every entry is in the balances."""

    year = me.IntField(primary_key=True)
    applied = me.IntField(default=0, min_value=0)

    meta = {"collection": "balance_heads"}
