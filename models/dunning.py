"""Dunning: levels and the base rate as data, blocks with a reason, runs with their letters."""
from decimal import Decimal

import mongoengine as me

from models.base import TimestampedDocument
from models.customer import Customer
from models.fields import FixedDecimalField, MoneyField
from models.frozen import FrozenDocument, FrozenQuerySet
from models.invoice import Invoice

RUN_STATUSES = ("draft", "confirmed", "cancelled")
LETTER_STATUSES = ("pending", "sent", "cancelled")
DELIVERIES = ("mail", "post")


class DunningRunQuerySet(FrozenQuerySet):
    """Bulk writes reach draft runs only; a confirmed (letters out, fees booked) or
    cancelled run is frozen."""

    open_filter = {"status": "draft"}
    # Written by services.banking.dunning only (through the raw collection).
    frozen_fields = ("status", "confirmed_by", "confirmed_at")
    message = "{doc} ist bestätigt oder verworfen und kann nicht mehr geändert oder " \
              "gelöscht werden"


class DunningLevel(TimestampedDocument):
    """One stage: from how many days after the due date, its fee, text, and whether interest."""

    level = me.IntField(required=True, unique=True, min_value=1, max_value=9)
    days_after_due = me.IntField(required=True, min_value=0, max_value=365)
    title = me.StringField(required=True, max_length=80)        # e.g. "1. Mahnung"
    text = me.StringField(required=True, max_length=2000)       # the letter's paragraph
    fee = MoneyField(default=Decimal("0.00"), min_value=0)
    charge_interest = me.BooleanField(default=False)             # § 288 BGB default interest

    meta = {"collection": "dunning_levels", "ordering": ["level"]}

    def __str__(self):
        return self.title


class BaseRate(TimestampedDocument):
    """The base rate of § 247 BGB (Bundesbank), valid from a date until the next one."""

    valid_from = me.DateField(required=True, unique=True)
    rate = FixedDecimalField(places=2, required=True)   # percent, may be negative

    meta = {"collection": "base_rates", "ordering": ["valid_from"]}

    def __str__(self):
        return f"{self.rate} % ab {self.valid_from:%d.%m.%Y}"


class DunningBlock(TimestampedDocument):
    """No dunning for a customer or one invoice, with the reason (e.g. a complaint)."""

    customer = me.ReferenceField(Customer, reverse_delete_rule=me.CASCADE)
    invoice = me.ReferenceField(Invoice, reverse_delete_rule=me.CASCADE)
    reason = me.StringField(required=True, max_length=300)
    created_by = me.StringField()

    meta = {"collection": "dunning_blocks", "indexes": ["customer", "invoice"]}

    def clean(self):
        if not self.customer and not self.invoice:
            msg = "Sperre braucht einen Kunden oder eine Rechnung"
            raise me.ValidationError(msg, errors={"customer": msg})


class DunnedInvoice(me.EmbeddedDocument):
    invoice = me.ObjectIdField(required=True)
    number = me.StringField()
    due_date = me.DateField()
    open_amount = MoneyField()
    paid_total = MoneyField()          # as read by the proposal: a payment since cancels
    days_overdue = me.IntField()
    interest = MoneyField(default=Decimal("0.00"))


class DunningLetter(me.EmbeddedDocument):
    key = me.StringField(required=True)
    customer = me.ObjectIdField(required=True)
    customer_name = me.StringField()
    level = me.IntField(required=True)
    consumer = me.BooleanField(default=False)
    invoices = me.ListField(me.EmbeddedDocumentField(DunnedInvoice))
    fee = MoneyField(default=Decimal("0.00"))
    interest = MoneyField(default=Decimal("0.00"))
    open_total = MoneyField(default=Decimal("0.00"))
    status = me.StringField(default="pending", choices=LETTER_STATUSES)
    cancel_reason = me.StringField()
    entry_id = me.ObjectIdField()
    pdf_file = me.ObjectIdField()
    delivery = me.StringField(choices=DELIVERIES)   # e-mail queued, or by post
    mail_id = me.ObjectIdField()                    # the queued message (outgoing_mail)


class DunningRun(FrozenDocument, TimestampedDocument):
    number = me.StringField(required=True, unique=True, max_length=30)
    as_of = me.DateField(required=True)
    status = me.StringField(default="draft", choices=RUN_STATUSES)
    letters = me.ListField(me.EmbeddedDocumentField(DunningLetter))
    created_by = me.StringField()
    confirmed_by = me.StringField()
    confirmed_at = me.DateTimeField()

    meta = {"collection": "dunning_runs", "ordering": ["-created_at"],
            "indexes": ["status", "-created_at"], "queryset_class": DunningRunQuerySet}

    def __str__(self):
        return f"Mahnlauf {self.number}"
