"""The company's own master data: letterhead, tax numbers and bank details (one document)."""
from decimal import Decimal

import mongoengine as me

from models.base import TimestampedDocument, clean_iban
from models.fields import MoneyField
from models.validators import normalize_vat_id
from models.messages import N_, invalid, reason

COMPANY_ID = "company"


class Company(TimestampedDocument):
    key = me.StringField(primary_key=True, default=COMPANY_ID, choices=(COMPANY_ID,))
    name = me.StringField(required=True, max_length=120)
    street = me.StringField(required=True, max_length=120)
    postal_code = me.StringField(required=True, regex=r"^\d{5}$")
    city = me.StringField(required=True, max_length=80)
    country = me.StringField(default="DE", regex=r"^[A-Z]{2}$")
    vat_id = me.StringField(max_length=20)
    tax_number = me.StringField(max_length=30)
    email = me.StringField(max_length=120)
    phone = me.StringField(max_length=40)
    managing_director = me.StringField(max_length=120)
    register = me.StringField(max_length=80)
    bank_name = me.StringField(max_length=80)
    iban = me.StringField(max_length=34)
    bic = me.StringField(max_length=11)
    # U1 (sick-pay levy, AAG § 1): only while the company has at most 30 employees
    u1_levy = me.BooleanField(default=True)
    # A payment short of the open amount by at most this much closes the invoice; the
    # difference is written off with VAT correction (services.invoicing.settlement).
    write_off_limit = MoneyField(default=Decimal("5.00"), min_value=0)
    # VAT return (§§ 18, 20 UStG): Soll- or Ist-Versteuerung, filing period, and the
    # Dauerfristverlängerung (§ 46 UStDV: one month later, 1/11 special prepayment).
    vat_accounting = me.StringField(default="soll", choices=("soll", "ist"))
    vat_filing = me.StringField(default="monthly", choices=("monthly", "quarterly"))
    vat_extension = me.BooleanField(default=False)
    # DATEV hand-off (header of every EXTF file) and the personal accounts' number ranges
    datev_consultant_no = me.IntField(min_value=1001, max_value=9999999)
    datev_client_no = me.IntField(min_value=1, max_value=99999)
    fiscal_year_start_month = me.IntField(default=1, min_value=1, max_value=12)
    gl_account_length = me.IntField(default=4, min_value=4, max_value=8)
    debtor_from = me.IntField(default=10000, min_value=10000, max_value=99999999)
    debtor_to = me.IntField(default=69999, min_value=10000, max_value=99999999)
    creditor_from = me.IntField(default=70000, min_value=10000, max_value=99999999)
    creditor_to = me.IntField(default=99999, min_value=10000, max_value=99999999)
    # Receivables and payables post to the personal accounts from this day on (cut-over)
    personal_accounts_from = me.DateField()
    # § 6 (2a) EStG: items of 250.01-1,000 € go into the year's pool (Sammelposten)
    asset_pool_option = me.BooleanField(default=False)

    meta = {"collection": "company"}

    def __str__(self):
        return self.name

    def clean(self):
        clean_iban(self)
        _check_ranges(self)
        if self.vat_id:
            try:
                self.vat_id = normalize_vat_id(self.vat_id)
            except ValueError as exc:
                raise invalid("vat_id", reason(exc)) from None

    @classmethod
    def current(cls) -> "Company | None":
        """Return the company's master data, or None before it has been entered."""
        return cls.objects(key=COMPANY_ID).first()


def _check_ranges(company) -> None:
    """Debtor and creditor ranges are ordered and do not overlap."""
    d_from, d_to = company.debtor_from or 10000, company.debtor_to or 69999
    c_from, c_to = company.creditor_from or 70000, company.creditor_to or 99999
    if d_from > d_to or c_from > c_to or not (d_to < c_from or c_to < d_from):
        raise invalid("debtor_from", N_("Debitoren- und Kreditorenbereich: von ≤ bis, ohne "
                                        "Überschneidung"))
