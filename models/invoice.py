"""Outgoing invoices and credit notes, their lines and payments; VAT rates as data."""
from decimal import Decimal

import mongoengine as me
from mongoengine.errors import SaveConditionError

from models.base import TimestampedDocument
from models.customer import Customer
from models.fields import FixedDecimalField, MoneyField
from services.core.errors import BusinessRuleError

INVOICE_STATUSES = ("draft", "issuing", "issued", "paid", "cancelled")
INVOICE_KINDS = ("invoice", "credit_note")


class VatRate(me.Document):
    """A VAT rate the law allows and where it is posted (seeded from vat_rates.csv)."""

    code = me.StringField(primary_key=True, max_length=10)
    rate = FixedDecimalField(places=2, required=True, min_value=0)
    label = me.StringField(required=True, max_length=80)
    revenue_account = me.StringField(required=True)
    vat_account = me.StringField()
    tax_key = me.StringField()
    category = me.StringField(required=True, max_length=2)  # EN 16931 VAT category

    meta = {"collection": "vat_rates"}

    def __str__(self):
        return self.label


class FrozenInvoiceError(BusinessRuleError):
    """Someone tried to change or delete an issued invoice."""


class InvoiceLine(me.EmbeddedDocument):
    description = me.StringField(required=True, max_length=500)
    quantity = FixedDecimalField(places=3, required=True, min_value=Decimal("0.001"))
    unit = me.StringField(default="Stk", max_length=20)
    unit_price = FixedDecimalField(places=4, required=True, min_value=0)
    vat_rate = me.StringField(required=True, default="19", max_length=10)
    exemption_reason = me.StringField(max_length=200)

    def __str__(self):
        return f"{self.quantity} {self.unit} {self.description}"


class TaxLine(me.EmbeddedDocument):
    rate_code = me.StringField(required=True)
    rate = FixedDecimalField(places=2, required=True)
    net = MoneyField(required=True)
    vat = MoneyField(required=True)
    exemption_reason = me.StringField()


class Payment(me.EmbeddedDocument):
    key = me.StringField(required=True)
    date = me.DateField(required=True)
    amount = MoneyField(required=True)
    reference = me.StringField(max_length=120)
    entry_id = me.ObjectIdField()
    recorded_by = me.StringField()


class Invoice(TimestampedDocument):
    kind = me.StringField(default="invoice", choices=INVOICE_KINDS)
    number = me.StringField(max_length=30)
    status = me.StringField(default="draft", choices=INVOICE_STATUSES)
    customer = me.ReferenceField(Customer, required=True, reverse_delete_rule=me.DENY)
    issue_date = me.DateField()
    service_date = me.DateField()
    service_date_end = me.DateField()
    lines = me.ListField(me.EmbeddedDocumentField(InvoiceLine))
    payment_terms = me.StringField(default="Zahlbar innerhalb von 14 Tagen ohne Abzug.",
                                   max_length=300)
    payment_days = me.IntField(default=14, min_value=0, max_value=365)
    notes = me.StringField(max_length=2000)
    # Frozen when issued (written by services.invoicing.issuing only).
    due_date = me.DateField()
    recipient = me.DictField()
    supplier = me.DictField()
    tax_lines = me.ListField(me.EmbeddedDocumentField(TaxLine))
    net_total = MoneyField()
    vat_total = MoneyField()
    gross_total = MoneyField()
    paid_total = MoneyField(default=Decimal("0.00"))
    payments = me.ListField(me.EmbeddedDocumentField(Payment))
    journal_entry = me.ObjectIdField()
    pdf_file = me.ObjectIdField()
    xml_file = me.ObjectIdField()
    pdf_sha256 = me.StringField()
    cancels = me.ObjectIdField()
    cancelled_by = me.ObjectIdField()
    issued_by = me.StringField()
    issued_at = me.DateTimeField()
    created_by = me.StringField()

    meta = {"collection": "invoices", "ordering": ["-created_at"],
            "indexes": ["status", "number", "customer", "issue_date", "-created_at"]}

    def __str__(self):
        label = self.number or "Entwurf"
        kind = "Gutschrift" if self.kind == "credit_note" else "Rechnung"
        return f"{kind} {label}"

    def save(self, *args, **kwargs):
        """Save a draft; an issued invoice is never changed (only cancelled)."""
        if self.status != "draft":
            raise FrozenInvoiceError(f"{self} is issued and cannot be changed; "
                                     "cancel it with a credit note instead")
        if self._created:
            kwargs["force_insert"] = True
        else:
            kwargs["save_condition"] = {"status": "draft"}
        try:
            return super().save(*args, **kwargs)
        except SaveConditionError:
            raise FrozenInvoiceError(f"{self} is issued and cannot be changed") from None

    def delete(self, *args, **kwargs):
        """Delete a draft; an issued invoice is never deleted."""
        stored = Invoice.objects(pk=self.pk).only("status").first()
        if stored is not None and stored.status != "draft":
            raise FrozenInvoiceError(f"{self} is issued and cannot be deleted; "
                                     "cancel it with a credit note instead")
        Invoice.objects(pk=self.pk, status="draft").delete()

    def clean(self):
        known = set(VatRate.objects.scalar("code"))
        for i, line in enumerate(self.lines, start=1):
            if line.vat_rate not in known:
                msg = f"line {i}: VAT rate '{line.vat_rate}' is unknown; use one of " \
                      f"{', '.join(sorted(known))}"
                raise me.ValidationError(msg, errors={"lines": msg})
        if self.service_date and self.service_date_end and \
                self.service_date_end < self.service_date:
            msg = "the service period must end after it starts"
            raise me.ValidationError(msg, errors={"service_date_end": msg})
