"""Bank accounts of the company: IBAN, BIC, the ledger account they post to, auto-booking."""
import mongoengine as me

from models.base import TimestampedDocument, clean_iban
from models.messages import N_, invalid, reason


class BankAccount(TimestampedDocument):
    name = me.StringField(required=True, max_length=80)
    iban = me.StringField(required=True, unique=True, max_length=34)
    bic = me.StringField(max_length=11)
    ledger_account = me.StringField(required=True, regex=r"^\d{4,8}$")
    currency = me.StringField(default="EUR", choices=("EUR",))
    # Confidence in percent from which a proposal is booked without a clerk; empty: never.
    auto_book_from = me.IntField(min_value=50, max_value=100)
    active = me.BooleanField(default=True)
    # SEPA creditor identifier for direct debits collected to this account (pain.008).
    creditor_id = me.StringField(max_length=35)

    meta = {"collection": "bank_accounts", "ordering": ["name"]}

    def __str__(self):
        return f"{self.name} ({self.iban})"

    def clean(self):
        from models.ledger import Account
        from models.validators import normalize_bic, normalize_creditor_id

        clean_iban(self)
        try:
            self.bic = normalize_bic(self.bic, self.iban)
        except ValueError as exc:
            raise invalid("bic", reason(exc)) from None
        if self.creditor_id:
            try:
                self.creditor_id = normalize_creditor_id(self.creditor_id)
            except ValueError as exc:
                raise invalid("creditor_id", reason(exc)) from None
        if not Account.objects(number=self.ledger_account).first():
            raise invalid("ledger_account", N_("Das Sachkonto %(account)s gibt es nicht; bitte "
                                               "zuerst im Kontenplan anlegen."),
                          account=self.ledger_account)
