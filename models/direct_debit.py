"""SEPA direct-debit collection runs (pain.008): customer invoices collected by mandate.

Like a payment run: a clerk proposes, another person releases. Each item's key
(`direct-debit:<invoice id>`) is claimed in models.payment_run.PaymentClaim on release,
so an invoice is never in two released collections.
"""
from decimal import Decimal

import mongoengine as me

from models.base import TimestampedDocument
from models.fields import MoneyField
from models.frozen import FrozenDocument, FrozenQuerySet

RUN_STATUSES = ("draft", "released", "cancelled")
SEQUENCE_TYPES = ("FRST", "RCUR", "OOFF", "FNAL")


class DirectDebitRunQuerySet(FrozenQuerySet):
    """Bulk writes reach draft collections only; a released (sent) or cancelled one is frozen."""

    open_filter = {"status": "draft"}
    # Written by services.banking.direct_debit only (through the raw collection).
    frozen_fields = ("status", "released_by", "released_at", "creditor", "file")
    message = "{doc} ist freigegeben oder verworfen und kann nicht mehr geändert oder " \
              "gelöscht werden"


class DebitItem(me.EmbeddedDocument):
    key = me.StringField(required=True, max_length=120)
    invoice = me.ObjectIdField(required=True)
    number = me.StringField(required=True, max_length=40)
    name = me.StringField(required=True, max_length=140)      # the account holder
    iban = me.StringField(required=True, max_length=34)
    bic = me.StringField(max_length=11)
    amount = MoneyField(required=True, min_value=Decimal("0.01"))
    mandate = me.StringField(required=True, max_length=35)    # the mandate reference
    mandate_signed_on = me.DateField(required=True)
    scheme = me.StringField(required=True, max_length=4)
    sequence = me.StringField(required=True, choices=SEQUENCE_TYPES)
    end_to_end_id = me.StringField(max_length=35)


class DirectDebitRun(FrozenDocument, TimestampedDocument):
    number = me.StringField(required=True, unique=True, max_length=30)
    status = me.StringField(default="draft", choices=RUN_STATUSES)
    collection_date = me.DateField(required=True)
    bank_account = me.ReferenceField("BankAccount", required=True)
    items = me.ListField(me.EmbeddedDocumentField(DebitItem))
    total = MoneyField(default=Decimal("0.00"))
    version = me.IntField(default=1)
    created_by = me.StringField(required=True)
    edited_by = me.ListField(me.StringField())
    released_by = me.StringField()
    released_at = me.DateTimeField()
    creditor = me.DictField()                   # name, iban, bic, creditor id on release
    file = me.ObjectIdField()                   # the archived pain.008 file

    meta = {"collection": "direct_debit_runs", "ordering": ["-created_at"],
            "indexes": ["status", "-created_at"], "queryset_class": DirectDebitRunQuerySet}

    def __str__(self):
        return f"Lastschrifteinzug {self.number}"
