"""Journal chain: one slot per posted number, a per-year head, posting keys.

Every posted number is claimed by inserting its ChainSlot (`_id` = year:number, unique
`entry_id`). The FiscalYear head holds a hint of how far the chain is complete, the
closed months, and the gate through which each posting passes (services.ledger.posting).
"""
import mongoengine as me

from models.frozen import AppendOnlyQuerySet

GENESIS_HASH = "0" * 64


class PostingOnlyQuerySet(AppendOnlyQuerySet):
    """No bulk update or delete: only services.ledger.posting writes these (raw collection).

    A queryset update could otherwise reopen a closed month, move the chain head or
    rewrite a claimed slot."""

    message = "Journal-Kette {doc}: nur Buchen und Periodenabschluss ändern diesen Eintrag"


def slot_id(year: int, number: int) -> str:
    """Return the `_id` of the chain slot of a number in a fiscal year."""
    return f"{year}:{number:09d}"


class FiscalYear(me.Document):
    """One document per fiscal year: chain hint (complete up to last_number), closed
    months, and the posting gate."""

    year = me.IntField(primary_key=True)
    last_number = me.IntField(default=0, min_value=0)
    last_hash = me.StringField(default=GENESIS_HASH)
    closed_months = me.ListField(me.IntField(min_value=1, max_value=12))
    closed_by = me.StringField()
    closed_at = me.DateTimeField()
    gate = me.IntField(default=0, min_value=0)  # the number a posting may claim (see posting)
    gate_slot = me.DictField()  # the slot for `gate`, for anyone to complete

    meta = {"collection": "fiscal_years", "ordering": ["-year"],
            "queryset_class": PostingOnlyQuerySet}

    def __str__(self):
        return str(self.year)


class ChainSlot(me.Document):
    """A claimed journal number with the full posted entry it belongs to.

    Inserted once and never changed: it is the record of a started posting that any
    later posting (or recovery) completes if the poster crashed.
    """

    id = me.StringField(primary_key=True)
    year = me.IntField(required=True)
    number = me.IntField(required=True, min_value=1)
    entry_id = me.ObjectIdField(required=True, unique=True)
    hash = me.StringField(required=True)
    prev_hash = me.StringField(required=True)
    doc = me.DictField(required=True)

    meta = {"collection": "journal_chain", "queryset_class": PostingOnlyQuerySet}

    def __str__(self):
        return self.id or ""


class PostingKey(me.Document):
    """An idempotency key of a posting request: its `_id` is the key (unique by nature)."""

    key = me.StringField(primary_key=True, max_length=200)
    entry_id = me.ObjectIdField(required=True)

    meta = {"collection": "posting_keys"}
