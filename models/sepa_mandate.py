"""SEPA direct-debit mandates of customers (Mandatsreferenz, signature date, CORE/B2B).

A recurring mandate is collected first with sequence type FRST, then RCUR; a one-off
mandate (OOFF) once; a recurring one may end with a last collection (FNAL). Per the SEPA rulebook a mandate lapses 36 months after its last
collection (or after signing, if never used). The dates are set by the collection run.
"""
import mongoengine as me

from models.base import TimestampedDocument, clean_iban
from models.customer import Customer
from models.messages import invalid, reason

MANDATE_SCHEMES = ("CORE", "B2B")
MANDATE_TYPES = ("recurring", "one_off")
MANDATE_STATUSES = ("active", "revoked", "closed")   # closed: after its last collection (FNAL)


class SepaMandate(TimestampedDocument):
    reference = me.StringField(required=True, unique=True, max_length=35,
                               regex=r"^[A-Za-z0-9+?/\-:().,']{1,35}$")
    customer = me.ReferenceField(Customer, required=True)
    account_holder = me.StringField(required=True, max_length=70)
    iban = me.StringField(required=True, max_length=34)
    bic = me.StringField(max_length=11)
    signed_on = me.DateField(required=True)
    scheme = me.StringField(default="CORE", choices=MANDATE_SCHEMES)
    mandate_type = me.StringField(default="recurring", choices=MANDATE_TYPES)
    # Days the pre-notification (the invoice) reaches the debtor before the collection;
    # the rulebook's 14 unless agreed otherwise with the debtor.
    pre_notification_days = me.IntField(default=14, min_value=1, max_value=60)
    status = me.StringField(default="active", choices=MANDATE_STATUSES)
    revoked_on = me.DateField()
    first_collected_on = me.DateField()
    # The released collection run that holds the mandate's first (FRST) or one-off (OOFF)
    # collection: claimed by compare-and-set on release, so two runs never both send it.
    first_run = me.ObjectIdField()
    last_collected_on = me.DateField()
    # The released run that holds the mandate's last collection (FNAL), claimed the same way;
    # the mandate is closed with it (closed_on = that collection's date).
    final_run = me.ObjectIdField()
    closed_on = me.DateField()
    # The latest collection date of a released follow-up collection (raised with $max on
    # each release, in the same filter that checks no final collection was claimed): a
    # final collection dated before it is refused, whichever release comes first.
    released_until = me.DateField()

    meta = {"collection": "sepa_mandates", "ordering": ["reference"],
            "indexes": ["customer", "status"]}

    def __str__(self):
        return f"Mandat {self.reference}"

    def clean(self):
        from models.validators import normalize_bic

        clean_iban(self)
        if self.bic or self.iban:
            try:
                self.bic = normalize_bic(self.bic, self.iban)
            except ValueError as exc:
                raise invalid("bic", reason(exc)) from None
