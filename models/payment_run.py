"""SEPA payment runs (outgoing credit transfers), the payees of liabilities, and claims.

A run holds the items a clerk proposed; another person releases it. `PaymentClaim` has
the item key as _id: an item is "in payment" in exactly one released run (an insert
with an existing _id is refused atomically), until the bank statement closes it.
"""
from decimal import Decimal

import mongoengine as me

from models.base import TimestampedDocument, clean_iban
from models.fields import MoneyField
from models.frozen import FrozenDocument, FrozenQuerySet

RUN_STATUSES = ("draft", "released", "cancelled")
CLAIM_STATUSES = ("in_payment", "paid")
CATEGORY_PURPOSES = ("SALA", "TAXS", "SSBE", "SUPP")  # ISO 20022 ExternalCategoryPurpose1Code


class PaymentRunQuerySet(FrozenQuerySet):
    """Bulk writes reach draft runs only; a released (sent) or cancelled run is frozen."""

    open_filter = {"status": "draft"}
    # Written by services.banking.sepa only (through the raw collection).
    frozen_fields = ("status", "released_by", "released_at", "debtor", "files")
    message = "{doc} ist freigegeben oder storniert und kann nicht mehr geändert oder " \
              "gelöscht werden"


class PaymentPayee(TimestampedDocument):
    """Who receives a liability payment: the tax office, a health fund, the Minijob-Zentrale."""

    key = me.StringField(primary_key=True, max_length=60)  # tax_office, minijob, fund:<BNR>
    name = me.StringField(required=True, max_length=70)
    iban = me.StringField(required=True, max_length=34)
    bic = me.StringField(max_length=11)

    meta = {"collection": "payment_payees"}

    def __str__(self):
        return self.name

    def clean(self):
        clean_iban(self)


class PaymentItem(me.EmbeddedDocument):
    key = me.StringField(required=True, max_length=120)   # source:document, unique per item
    source = me.StringField(required=True, max_length=30)
    name = me.StringField(required=True, max_length=140)
    iban = me.StringField(required=True, max_length=34)
    bic = me.StringField(max_length=11)
    amount = MoneyField(required=True, min_value=Decimal("0.01"))
    purpose = me.StringField(required=True, max_length=200)
    category_purpose = me.StringField(choices=CATEGORY_PURPOSES)
    due = me.DateField()
    end_to_end_id = me.StringField(max_length=35)


class PaymentRun(FrozenDocument, TimestampedDocument):
    number = me.StringField(required=True, unique=True, max_length=30)
    status = me.StringField(default="draft", choices=RUN_STATUSES)
    up_to = me.DateField(required=True)
    execution_date = me.DateField(required=True)
    bank_account = me.ReferenceField("BankAccount")   # paid from; empty: the company's IBAN
    items = me.ListField(me.EmbeddedDocumentField(PaymentItem))
    total = MoneyField(default=Decimal("0.00"))
    version = me.IntField(default=1)          # raised by every change; release names it
    created_by = me.StringField(required=True)
    edited_by = me.ListField(me.StringField())  # everyone who changed the items
    released_by = me.StringField()
    released_at = me.DateTimeField()
    debtor = me.DictField()                     # name, iban, bic frozen on release
    files = me.DictField()                      # pain version -> archived file id

    meta = {"collection": "payment_runs", "ordering": ["-created_at"],
            "indexes": ["status", "-created_at"], "queryset_class": PaymentRunQuerySet}

    def __str__(self):
        return f"Zahlungslauf {self.number}"


class PaymentClaim(me.Document):
    id = me.StringField(primary_key=True)       # the item key
    run = me.ObjectIdField(required=True)
    status = me.StringField(default="in_payment", choices=CLAIM_STATUSES)
    amount = MoneyField()

    meta = {"collection": "payment_claims", "indexes": ["run"]}
