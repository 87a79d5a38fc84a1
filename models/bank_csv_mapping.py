"""A bank's CSV columns as a clerk mapped them once (for banks without a built-in profile)."""
import mongoengine as me

from models.base import TimestampedDocument
from models.messages import N_, invalid


class BankCsvMapping(TimestampedDocument):
    name = me.StringField(required=True, unique=True, max_length=80)
    booking_date = me.StringField(required=True, max_length=80)
    value_date = me.StringField(max_length=80)
    amount = me.StringField(max_length=80)
    debit = me.StringField(max_length=80)
    credit = me.StringField(max_length=80)
    counterparty_name = me.StringField(max_length=80)
    counterparty_iban = me.StringField(max_length=80)
    purpose = me.StringField(required=True, max_length=80)
    end_to_end_id = me.StringField(max_length=80)
    account_iban = me.StringField(max_length=80)
    active = me.BooleanField(default=True)

    meta = {"collection": "bank_csv_mappings", "ordering": ["name"]}

    def __str__(self):
        return self.name

    def clean(self):
        if not self.amount and not (self.debit and self.credit):
            raise invalid("amount", N_("Bitte die Betragsspalte angeben oder beide Spalten Soll "
                                       "und Haben."))
