"""Bank statements and their transactions (CAMT, MT940, CSV), with reconciliation state."""
import mongoengine as me

from models.base import TimestampedDocument
from models.fields import MoneyField

STATEMENT_FORMATS = ("camt.053", "camt.052", "camt.054", "mt940", "csv")
# open: waits for a clerk; booking: claimed, its allocations are being posted (a crash is
# finished by services.banking.reconcile.recover_bookings); booked; ignored (e.g. internal).
TRANSACTION_STATUSES = ("open", "booking", "booked", "ignored")
ALLOCATION_KINDS = ("invoice", "payroll", "supplier_invoice", "return", "account")


class BankStatement(TimestampedDocument):
    account = me.ReferenceField("BankAccount", required=True)
    key = me.StringField(required=True, unique=True)
    statement_id = me.StringField(max_length=80)
    format = me.StringField(choices=STATEMENT_FORMATS)
    file_name = me.StringField(max_length=200)
    from_date = me.DateField()
    to_date = me.DateField()
    opening_balance = MoneyField()
    closing_balance = MoneyField()
    credit_sum = MoneyField()
    debit_sum = MoneyField()
    transaction_count = me.IntField(default=0)
    # Opening + transactions = closing? Differences and chain gaps are kept, not hidden.
    balance_ok = me.BooleanField(default=True)
    problems = me.ListField(me.StringField())
    complete = me.BooleanField(default=False)
    imported_by = me.StringField()

    meta = {"collection": "bank_statements", "ordering": ["-to_date"],
            "indexes": ["account", "to_date"]}

    def __str__(self):
        return f"Auszug {self.statement_id or ''} {self.to_date or ''}".strip()


class Allocation(me.EmbeddedDocument):
    """One part of a transaction: an open item (invoice, payroll liability) or an account."""

    kind = me.StringField(required=True, choices=ALLOCATION_KINDS)
    ref = me.StringField(max_length=120)       # provider key of the open item
    label = me.StringField(max_length=200)
    account = me.StringField(regex=r"^\d{4,8}$")
    tax_key = me.StringField(max_length=10)
    cost_center = me.StringField(max_length=20)  # on the account's line (from a bank rule)
    amount = MoneyField(required=True)         # always positive, in the transaction's direction
    discount = MoneyField()                    # Skonto granted on top of the amount
    entry_id = me.ObjectIdField()
    returned_by = me.StringField()             # the return that took this payment back


class BankTransaction(TimestampedDocument):
    account = me.ReferenceField("BankAccount", required=True)
    statement = me.ReferenceField(BankStatement)
    key = me.StringField(required=True, unique=True)  # bank reference or fingerprint
    position = me.IntField()
    booking_date = me.DateField(required=True)
    value_date = me.DateField()
    amount = MoneyField(required=True)          # signed: + received, - paid
    currency = me.StringField(default="EUR")
    counterparty_name = me.StringField(max_length=140)
    counterparty_iban = me.StringField(max_length=34)
    counterparty_bic = me.StringField(max_length=11)
    purpose = me.StringField(max_length=1000)
    end_to_end_id = me.StringField(max_length=140)
    mandate_id = me.StringField(max_length=140)
    creditor_id = me.StringField(max_length=140)
    bank_reference = me.StringField(max_length=140)
    booking_text = me.StringField(max_length=140)
    gvc = me.StringField(max_length=3)
    batch_reference = me.StringField(max_length=140)  # the batch entry it was split from
    batch_count = me.IntField()                 # >1: a batch booking standing for several
    is_return = me.BooleanField(default=False)
    status = me.StringField(default="open", choices=TRANSACTION_STATUSES)
    confidence = me.IntField()                  # of the best proposal, percent
    proposal = me.StringField(max_length=300)   # the best proposal in words
    proposal_msg = me.DictField()               # the same as message ids (reconcile_match.describe)
    allocations = me.ListField(me.EmbeddedDocumentField(Allocation))
    claim = me.StringField()
    reconciled_by = me.StringField()
    reconciled_at = me.DateTimeField()

    meta = {"collection": "bank_transactions", "ordering": ["-booking_date", "position"],
            "indexes": ["status", "account", "statement", "booking_date"]}

    def __str__(self):
        return f"{self.booking_date} {self.amount} {self.counterparty_name or ''}".strip()


class BankCounterparty(me.Document):
    """Learned on booking: which party pays from (or is paid to) an IBAN."""

    iban = me.StringField(primary_key=True)
    party = me.StringField(required=True)

    meta = {"collection": "bank_counterparties"}
