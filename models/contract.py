"""Contracts register: counterparty, term, notice, renewal, cost and linked archive documents."""
import mongoengine as me

from models.archive import ArchivedFile
from models.base import TimestampedDocument
from models.customer import Customer
from models.fields import MoneyField
from models.supplier import Supplier
from models.user import User
from models.messages import N_, invalid

COUNTERPARTY_KINDS = ("supplier", "customer", "other")
CONTRACT_CATEGORIES = ("rent", "leasing", "insurance", "maintenance", "telecom", "software",
                       "employment", "nda", "service", "other")
NOTICE_UNITS = ("months", "weeks")
# To which date a notice may take effect ("term_end": only at the end of a term, which is
# what a contract with automatic renewal means).
NOTICE_TO = ("any_day", "month_end", "quarter_end", "contract_year_end", "term_end")
NOTICE_FORMS = ("written", "text_form", "any_form")
PAYMENT_INTERVALS = ("monthly", "quarterly", "half_yearly", "yearly", "once")


class Contract(TimestampedDocument):
    number = me.StringField(required=True, unique=True, max_length=30)
    subject = me.StringField(required=True, max_length=200)
    category = me.StringField(required=True, choices=CONTRACT_CATEGORIES)
    counterparty_kind = me.StringField(required=True, default="supplier",
                                       choices=COUNTERPARTY_KINDS)
    supplier = me.ReferenceField(Supplier, reverse_delete_rule=me.DENY)
    customer = me.ReferenceField(Customer, reverse_delete_rule=me.DENY)
    counterparty_name = me.StringField(max_length=200)
    owner = me.ReferenceField(User, reverse_delete_rule=me.DENY)
    start = me.DateField(required=True)
    end = me.DateField()                       # empty: indefinite (or renewing by term)
    minimum_term_months = me.IntField(default=0, min_value=0, max_value=600)
    notice_period = me.IntField(default=0, min_value=0, max_value=120)
    notice_unit = me.StringField(default="months", choices=NOTICE_UNITS)
    notice_to = me.StringField(default="any_day", choices=NOTICE_TO)
    notice_form = me.StringField(default="written", choices=NOTICE_FORMS)
    renewal_months = me.IntField(default=0, min_value=0, max_value=120)  # 0: no auto-renewal
    cost = MoneyField(min_value=0, max_value=100_000_000)
    payment_interval = me.StringField(default="monthly", choices=PAYMENT_INTERVALS)
    booking_account = me.StringField(max_length=10)
    cost_centre = me.StringField(max_length=20)
    documents = me.ListField(me.ReferenceField(ArchivedFile))
    # the notice given (or received): the contract then ends on ends_on
    cancelled_on = me.DateField()
    ends_on = me.DateField()
    # days before a cancellation deadline on which the owner is reminded
    remind_days = me.ListField(me.IntField(min_value=0, max_value=730), default=lambda: [90, 30, 7])
    notes = me.StringField(max_length=5000)

    meta = {"collection": "contracts", "ordering": ["number"],
            "indexes": ["owner", "category", "cost_centre"]}

    def clean(self):
        if self.end and self.start and self.end < self.start:
            raise invalid("end", N_("Das Vertragsende liegt vor dem Beginn; bitte die Daten "
                                    "prüfen."))
        if self.cancelled_on and not self.ends_on:
            raise invalid("ends_on", N_("Bei einer Kündigung bitte das Vertragsende angeben."))

    def __str__(self):
        return f"{self.number} {self.subject}"
