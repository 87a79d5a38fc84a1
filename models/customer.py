"""Customers we invoice: name, address, VAT ID (validated), e-mail, Leitweg-ID."""
import mongoengine as me

from models.base import TimestampedDocument, clean_vat_id_and_postal_code


class Customer(TimestampedDocument):
    customer_no = me.StringField(required=True, unique=True, max_length=20)
    name = me.StringField(required=True, max_length=120)
    street = me.StringField(max_length=120)
    postal_code = me.StringField(max_length=10)
    city = me.StringField(max_length=80)
    country = me.StringField(default="DE", regex=r"^[A-Z]{2}$")
    vat_id = me.StringField(max_length=20)
    email = me.EmailField()
    # Public-sector buyers (XRechnung): Leitweg-ID (BT-10) and electronic address (BT-49).
    leitweg_id = me.StringField(max_length=46, regex=r"^[0-9]{2,12}(-[0-9A-Za-z]{1,30})?-[0-9]{2}$")
    electronic_address = me.EmailField()
    # the language of mails and letters to this customer
    mail_language = me.StringField(default="de", choices=("de", "en"))
    active = me.BooleanField(default=True)
    # A consumer (not a business): default interest 5 instead of 9 points (§ 288 BGB)
    consumer = me.BooleanField(default=False)
    # personal account (Debitor/Kreditor), given once by services.ledger.personal_accounts
    account_no = me.StringField(regex=r"^\d{5,8}$")
    # Art. 17/18 DSGVO (services.privacy.erasure_parties): kept restricted until, then anonymised
    restricted_until = me.DateField()
    erased_at = me.DateTimeField()

    meta = {"collection": "customers", "ordering": ["name"], "indexes": ["name", "account_no", "restricted_until"]}

    def __str__(self):
        return f"{self.customer_no} {self.name}"

    def clean(self):
        clean_vat_id_and_postal_code(self)
