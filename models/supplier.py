"""Suppliers (Lieferanten)."""
import mongoengine as me

from models.base import TimestampedDocument, clean_iban, clean_vat_id_and_postal_code


class Supplier(TimestampedDocument):
    supplier_no = me.StringField(required=True, unique=True, max_length=20)
    name = me.StringField(required=True, max_length=120)
    street = me.StringField(max_length=120)
    postal_code = me.StringField(max_length=10)
    city = me.StringField(max_length=80)
    country = me.StringField(default="DE", regex=r"^[A-Z]{2}$")
    vat_id = me.StringField(max_length=20)
    tax_number = me.StringField(max_length=20)  # Steuernummer (BT-32), matched on intake
    iban = me.StringField(max_length=34)
    contact_name = me.StringField(max_length=120)
    email = me.EmailField()
    phone = me.StringField(max_length=40)
    payment_terms_days = me.IntField(default=30, min_value=0, max_value=365)
    category = me.StringField(max_length=60)
    default_account = me.StringField(max_length=10)  # expense account of its invoices
    active = me.BooleanField(default=True)
    # personal account (Debitor/Kreditor), given once by services.ledger.personal_accounts
    account_no = me.StringField(regex=r"^\d{5,8}$")
    # Art. 17/18 DSGVO (services.privacy.erasure_parties): kept restricted until, then anonymised
    restricted_until = me.DateField()
    erased_at = me.DateTimeField()

    meta = {"collection": "suppliers", "ordering": ["name"], "indexes": ["name", "vat_id", "iban", "tax_number",
                                                                "account_no", "restricted_until"]}

    def __str__(self):
        return f"{self.name} ({self.supplier_no})"

    def clean(self):
        clean_iban(self)
        clean_vat_id_and_postal_code(self)
