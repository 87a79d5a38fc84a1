"""Outgoing invoices and credit notes, their lines and payments; VAT rates as data."""
from decimal import Decimal

import mongoengine as me
from mongoengine.errors import SaveConditionError

from models.base import TimestampedDocument
from models.customer import Customer
from models.fields import FixedDecimalField, MoneyField
from models.frozen import FrozenQuerySet
from models.messages import N_, invalid
from services.core.errors import BusinessRuleError
from services.core.units import UnknownUnitError, unit_code

INVOICE_STATUSES = ("draft", "issuing", "issued", "paid", "cancelled")
INVOICE_KINDS = ("invoice", "credit_note")


VAT_CATEGORIES = ("S", "Z", "E", "AE", "K", "G", "O")  # EN 16931 / UNTDID 5305


class VatRate(me.Document):
    """A VAT treatment the law allows: rate, EN 16931 category, wording, accounts, UStVA line.

    Seeded from seeds/data/vat_rates.csv; README "VAT categories" explains each one.
    """

    code = me.StringField(primary_key=True, max_length=10)
    rate = FixedDecimalField(places=2, required=True, min_value=0)
    label = me.StringField(required=True, max_length=120)
    revenue_account = me.StringField(required=True)
    vat_account = me.StringField()
    tax_key = me.StringField()
    category = me.StringField(required=True, max_length=2, choices=VAT_CATEGORIES)
    vatex = me.StringField(max_length=30)  # exemption reason code (BT-121), e.g. VATEX-EU-IC
    ustva_kz = me.StringField(max_length=4)  # line of the VAT return (Kennzahl) for the base
    invoice_text = me.StringField(max_length=200)  # wording the law asks for on the invoice
    needs_buyer_vat_id = me.BooleanField(default=False)  # § 14a UStG: both VAT IDs
    small_amount_allowed = me.BooleanField(default=True)  # § 33 UStDV Kleinbetragsrechnung

    meta = {"collection": "vat_rates"}

    def __str__(self):
        return self.label


class FrozenInvoiceError(BusinessRuleError):
    """Someone tried to change or delete an issued invoice."""


class InvoiceQuerySet(FrozenQuerySet):
    """Bulk writes reach drafts only; issued, paid and cancelled invoices are refused."""

    open_filter = {"status": "draft"}
    # Written by services.invoicing only (through the raw collection).
    frozen_fields = ("status", "number", "issued_at", "issued_by", "journal_entry",
                     "pdf_file", "xml_file", "pdf_sha256", "payments", "paid_total",
                     "cancels", "cancelled_by", "tax_lines", "net_total", "vat_total",
                     "gross_total", "due_date", "recipient", "supplier", "skonto_until")
    error = FrozenInvoiceError
    message = "{doc} is issued and cannot be changed or deleted; cancel it with a credit note"


class InvoiceLine(me.EmbeddedDocument):
    description = me.StringField(required=True, max_length=500)
    quantity = FixedDecimalField(places=3, required=True, min_value=Decimal("0.001"))
    unit = me.StringField(default="H87", max_length=20)  # UN/ECE Rec 20 (services.core.units)
    unit_price = FixedDecimalField(places=4, required=True, min_value=0)
    vat_rate = me.StringField(required=True, default="19", max_length=10)
    exemption_reason = me.StringField(max_length=200)
    cost_center = me.StringField(max_length=20)  # code onto the revenue line; else the invoice's

    def __str__(self):
        return f"{self.quantity} {self.unit} {self.description}"


class TaxLine(me.EmbeddedDocument):
    rate_code = me.StringField(required=True)
    rate = FixedDecimalField(places=2, required=True)
    net = MoneyField(required=True)
    vat = MoneyField(required=True)
    exemption_reason = me.StringField()
    category = me.StringField()  # frozen with the invoice for the VAT return
    ustva_kz = me.StringField()


class Payment(me.EmbeddedDocument):
    key = me.StringField(required=True)
    date = me.DateField(required=True)
    amount = MoneyField(required=True)
    reference = me.StringField(max_length=120)
    entry_id = me.ObjectIdField()
    recorded_by = me.StringField()
    # What else the payment cleared: Skonto taken within its period, a small difference
    # written off (both with VAT correction, § 17 UStG), and what was paid beyond the
    # open amount (stays as the customer's credit on the receivables account).
    discount = MoneyField(default=Decimal("0.00"))
    write_off = MoneyField(default=Decimal("0.00"))
    overpaid = MoneyField(default=Decimal("0.00"))
    # A payment the bank took back (returned direct debit, chargeback) settles nothing.
    returned_on = me.DateField()
    return_entry_id = me.ObjectIdField()
    return_key = me.StringField()

    @property
    def cleared(self) -> Decimal:
        """The part of the invoice this payment settles."""
        if self.returned_on:
            return Decimal("0.00")
        return self.amount - (self.overpaid or 0) + (self.discount or 0) + (self.write_off or 0)


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
    # Skonto (cash discount) agreed on the invoice: percent off the gross for payment
    # within skonto_days of the invoice date (§ 14 (4) Nr. 8 UStG).
    skonto_days = me.IntField(min_value=1, max_value=365)
    skonto_percent = FixedDecimalField(places=2, min_value=Decimal("0.01"),
                                       max_value=Decimal("10.00"))
    notes = me.StringField(max_length=2000)
    cost_center = me.StringField(max_length=20)  # code for lines that name none
    # Frozen when issued (written by services.invoicing.issuing only).
    due_date = me.DateField()
    skonto_until = me.DateField()
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
    # Written by services.banking.dunning only: the last level sent and when.
    dunning_level = me.IntField(default=0)
    dunned_on = me.DateField()
    created_by = me.StringField()

    meta = {"collection": "invoices", "ordering": ["-created_at"],
            "indexes": ["status", "number", "customer", "issue_date", "-created_at"],
            "queryset_class": InvoiceQuerySet}

    def __str__(self):
        label = self.number or "Entwurf"
        kind = "Stornorechnung" if self.kind == "credit_note" else "Rechnung"
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
            try:
                line.unit = unit_code(line.unit)
            except UnknownUnitError as exc:
                raise invalid("lines", N_("Position %(line)s: %(problem)s"), line=i,
                              problem=str(exc)) from None
            if line.vat_rate not in known:
                raise invalid("lines", N_("Position %(line)s: den Steuersatz '%(rate)s' gibt es "
                                          "nicht; bitte einen dieser wählen: %(known)s"),
                              line=i, rate=line.vat_rate, known=", ".join(sorted(known)))
        if bool(self.skonto_days) != bool(self.skonto_percent):
            raise invalid("skonto_percent", N_("Skonto braucht Tage und Prozentsatz (oder keines "
                                               "von beiden)"))
        if self.skonto_days and self.skonto_days > (self.payment_days or 0):
            raise invalid("skonto_days", N_("Die Skontofrist darf nicht länger als das "
                                            "Zahlungsziel sein"))
        if self.service_date and self.service_date_end and \
                self.service_date_end < self.service_date:
            raise invalid("service_date_end", N_("Das Ende des Leistungszeitraums liegt vor "
                                                 "seinem Beginn; bitte die Daten prüfen."))
