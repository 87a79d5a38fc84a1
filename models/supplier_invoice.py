"""Incoming supplier invoices and credit notes (Eingangsrechnungen), frozen once posted."""
from decimal import Decimal

import mongoengine as me
from mongoengine.errors import SaveConditionError

from models.base import TimestampedDocument, utcnow
from models.fields import FixedDecimalField, MoneyField
from models.frozen import FrozenQuerySet
from models.supplier import Supplier
from services.core.errors import BusinessRuleError

SUPPLIER_INVOICE_STATUSES = ("draft", "checked", "approved", "posted", "rejected", "cancelled")
OPEN_STATUSES = ("draft", "checked", "approved")  # still changeable
SUPPLIER_INVOICE_KINDS = ("invoice", "credit_note")
SOURCE_FORMATS = ("cii", "ubl", "zugferd1", "document")


class FrozenSupplierInvoiceError(BusinessRuleError):
    """Someone tried to change or delete a posted supplier invoice."""


class SupplierInvoiceQuerySet(FrozenQuerySet):
    """Bulk writes reach unfrozen invoices only; posted and cancelled ones are refused."""

    open_filter = {"frozen": False}
    # Written by services.payables only (through the raw collection).
    frozen_fields = ("frozen", "journal_entry", "reversal_entry", "payments", "paid_total",
                     "sha256", "source_file", "payable_account", "payable_eur")
    error = FrozenSupplierInvoiceError
    message = "{doc} ist gebucht und kann nicht mehr geändert oder gelöscht werden; " \
              "bitte stornieren"


class SupplierInvoiceLine(me.EmbeddedDocument):
    line_id = me.StringField(max_length=40)
    description = me.StringField(max_length=500)
    quantity = FixedDecimalField(places=4, default=Decimal("1"))
    unit = me.StringField(max_length=20)
    unit_price = FixedDecimalField(places=6)
    net_amount = MoneyField(required=True)  # after line allowances and charges (BT-131)
    vat_category = me.StringField(max_length=4, default="S")
    vat_rate = FixedDecimalField(places=2, default=Decimal("19.00"))
    order_line_ref = me.StringField(max_length=40)
    account = me.StringField(max_length=10)  # expense / inventory account (Kontierung)
    account_source = me.StringField(max_length=20)  # po_line, supplier, last_booking, manual
    cost_center = me.StringField(max_length=20)  # code of models.cost_center.CostCenter


class VatBreakdownLine(me.EmbeddedDocument):
    category = me.StringField(required=True, max_length=4)
    rate = FixedDecimalField(places=2, required=True)
    base = MoneyField(required=True)
    amount = MoneyField(required=True)


class Finding(me.EmbeddedDocument):
    """One result of the checks: a rule id, a German message, error or warning."""

    code = me.StringField(required=True, max_length=40)
    message = me.StringField(required=True)
    severity = me.StringField(required=True, choices=("error", "warning"))


class HistoryStep(me.EmbeddedDocument):
    at = me.DateTimeField(required=True, default=utcnow)
    user = me.StringField(required=True)
    action = me.StringField(required=True, max_length=40)
    note = me.StringField(max_length=1000)


class SupplierPayment(me.EmbeddedDocument):
    """One payment: `amount` left the bank, `discount` (Skonto) was taken on top of it."""

    key = me.StringField(required=True)
    date = me.DateField(required=True)
    amount = MoneyField(required=True)
    discount = MoneyField(default=Decimal("0.00"))
    bank_account = me.StringField(max_length=10)
    entry_id = me.ObjectIdField()  # claimed before the entry is posted (crash-safe repeat)
    recorded_by = me.StringField()
    # A foreign-currency invoice: `amount` and `discount` are in the invoice's currency,
    # `amount_eur` left the bank, `booked_eur` is the share of the EUR payable it clears.
    amount_eur = MoneyField()
    booked_eur = MoneyField()
    returned_on = me.DateField()               # the bank returned the transfer
    return_key = me.StringField()
    return_entry_id = me.ObjectIdField()


class SupplierInvoice(TimestampedDocument):
    kind = me.StringField(default="invoice", choices=SUPPLIER_INVOICE_KINDS)
    status = me.StringField(default="draft", choices=SUPPLIER_INVOICE_STATUSES)
    frozen = me.BooleanField(default=False)
    source_format = me.StringField(choices=SOURCE_FORMATS, default="document")
    profile = me.StringField(max_length=200)  # BT-24 specification identifier
    manual_lines_required = me.BooleanField(default=False)  # MINIMUM / BASIC WL / no XML
    number = me.StringField(max_length=60)
    type_code = me.StringField(max_length=4)
    issue_date = me.DateField()
    currency = me.StringField(max_length=3, default="EUR")
    # Foreign currency (§ 16 Abs. 6 UStG): BT-6 and BT-111 as invoiced; the rate used
    # (1 EUR = rate units of `currency`), its kind and day, fixed when the invoice is checked.
    tax_currency = me.StringField(max_length=3)
    vat_total_tax_currency = MoneyField()
    exchange_rate = FixedDecimalField(places=6)
    rate_kind = me.StringField(max_length=20)
    rate_day = me.DateField()
    payable_eur = MoneyField()  # the EUR amount credited to the payable when posted
    document_gross = MoneyField()  # typed off a scan: the gross the typed lines must reach
    supplier = me.ReferenceField(Supplier, reverse_delete_rule=me.DENY)
    supplier_data = me.DictField()  # name, vat_id, tax_number, iban, address ... as invoiced
    supplier_proposed = me.BooleanField(default=False)  # no master record matched
    buyer_reference = me.StringField(max_length=200)
    order_ref = me.StringField(max_length=60)  # BT-13
    delivery_date = me.DateField()
    period_start = me.DateField()
    period_end = me.DateField()
    lines = me.ListField(me.EmbeddedDocumentField(SupplierInvoiceLine))
    vat_breakdown = me.ListField(me.EmbeddedDocumentField(VatBreakdownLine))
    line_total = MoneyField()
    allowance_total = MoneyField(default=Decimal("0.00"))
    charge_total = MoneyField(default=Decimal("0.00"))
    net_total = MoneyField()  # tax basis (BT-109)
    vat_total = MoneyField()
    gross_total = MoneyField()
    prepaid = MoneyField(default=Decimal("0.00"))
    self_assessed_rate = FixedDecimalField(places=2, default=Decimal("19.00"))  # § 13b / ig. Erwerb
    amount_due = MoneyField()
    due_date = me.DateField()
    payment_terms = me.StringField(max_length=2000)
    skonto_days = me.IntField(min_value=0)
    skonto_percent = FixedDecimalField(places=2)
    skonto_until = me.DateField()
    skonto_amount = MoneyField()
    iban = me.StringField(max_length=34)
    payment_reference = me.StringField(max_length=140)
    end_to_end_ref = me.StringField(max_length=35)
    notes = me.ListField(me.StringField())
    findings = me.ListField(me.EmbeddedDocumentField(Finding))
    schematron_checked = me.BooleanField(default=False)
    iban_mismatch = me.BooleanField(default=False)
    iban_confirmed_by = me.StringField()
    findings_confirmed_by = me.StringField()
    history = me.ListField(me.EmbeddedDocumentField(HistoryStep))
    reject_reason = me.StringField(max_length=1000)
    source_file = me.ObjectIdField()  # archive record of the original (category invoice_in)
    source_filename = me.StringField(max_length=255)
    sha256 = me.StringField(max_length=64)
    attachments = me.ListField(me.ObjectIdField())  # BG-24, archived separately
    dedup_key = me.StringField(max_length=300)  # supplier key + number (unique)
    captured_by = me.StringField()
    checked_by = me.StringField()
    approved_by = me.StringField()
    approved_at = me.DateTimeField()
    purchase_order = me.ObjectIdField()
    po_deviations = me.ListField(me.StringField())
    journal_entry = me.ObjectIdField()
    reversal_entry = me.ObjectIdField()
    payable_account = me.StringField(max_length=10)  # credited when posted (personal or 1600)
    paid_total = MoneyField(default=Decimal("0.00"))  # cleared: payments plus Skonto taken
    payments = me.ListField(me.EmbeddedDocumentField(SupplierPayment))

    meta = {"collection": "supplier_invoices", "ordering": ["-created_at"],
            "indexes": ["status", "due_date", "supplier", "-created_at",
                        {"fields": ["approved_at"], "sparse": True},  # webhook look-back
                        {"fields": ["sha256"], "unique": True, "sparse": True},
                        {"fields": ["dedup_key"], "unique": True, "sparse": True}],
            "queryset_class": SupplierInvoiceQuerySet}

    def __str__(self):
        kind = "Gutschrift" if self.kind == "credit_note" else "Eingangsrechnung"
        return f"{kind} {self.number or 'ohne Nummer'}"

    @property
    def errors(self) -> list[str]:
        return [f.message for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[str]:
        return [f.message for f in self.findings if f.severity == "warning"]

    @property
    def open_amount(self) -> Decimal:
        return (self.amount_due or Decimal("0.00")) - (self.paid_total or Decimal("0.00"))

    def save(self, *args, **kwargs):
        """Save an unposted invoice; a posted one is never changed (only cancelled)."""
        if self.frozen:
            raise FrozenSupplierInvoiceError(f"{self} ist gebucht und kann nicht mehr "
                                             "geändert werden; bitte stornieren")
        if self._created:
            kwargs["force_insert"] = True
        else:
            kwargs["save_condition"] = {"frozen": False}
        try:
            return super().save(*args, **kwargs)
        except SaveConditionError:
            raise FrozenSupplierInvoiceError(f"{self} ist gebucht und kann nicht mehr "
                                             "geändert werden") from None

    def delete(self, *args, **kwargs):
        """Delete an unposted invoice; a posted one is never deleted."""
        stored = SupplierInvoice.objects(pk=self.pk).only("frozen").first()
        if stored is not None and stored.frozen:
            raise FrozenSupplierInvoiceError(f"{self} ist gebucht und kann nicht gelöscht "
                                             "werden; bitte stornieren")
        SupplierInvoice.objects(pk=self.pk, frozen=False).delete()


class ApprovalRule(me.Document):
    """Who approves which supplier invoices: the lowest matching `priority` wins.

    A rule matches when the gross amount is at least `min_amount` (and below
    `max_amount` if set) and, if `supplier` is set, the invoice is from that supplier.
    """

    name = me.StringField(required=True, max_length=120)
    priority = me.IntField(default=100)
    min_amount = MoneyField(default=Decimal("0.00"))
    max_amount = MoneyField()
    supplier = me.ReferenceField(Supplier, reverse_delete_rule=me.CASCADE)
    approver_roles = me.ListField(me.StringField(max_length=20))
    approver_users = me.ListField(me.StringField(max_length=200))  # e-mail addresses
    active = me.BooleanField(default=True)

    meta = {"collection": "approval_rules", "ordering": ["priority", "min_amount"]}

    def __str__(self):
        return self.name
