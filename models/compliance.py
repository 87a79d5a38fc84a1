"""Compliance calendar: the company's filing settings and the deadlines marked as done."""
import mongoengine as me

from models.base import utcnow

SETTINGS_ID = "company"
FILING_INTERVALS = ("monthly", "quarterly", "yearly", "none")


class ComplianceSettings(me.Document):
    """How often the company files (what the tax office set) and whose holidays count."""

    key = me.StringField(primary_key=True, default=SETTINGS_ID, choices=(SETTINGS_ID,))
    vat_return_interval = me.StringField(default="monthly", choices=FILING_INTERVALS)
    permanent_extension = me.BooleanField(default=False)   # Dauerfristverlängerung (§ 46 UStDV)
    wage_tax_interval = me.StringField(default="monthly", choices=FILING_INTERVALS)
    ec_sales_list_interval = me.StringField(default="none", choices=FILING_INTERVALS)
    holiday_subdivision = me.StringField(max_length=2)      # Land of the tax office, e.g. "BY"
    annual_statements = me.BooleanField(default=True)

    meta = {"collection": "compliance_settings"}

    @classmethod
    def current(cls) -> "ComplianceSettings":
        return cls.objects(pk=SETTINGS_ID).first() or cls()

    def __str__(self):
        return "Compliance-Einstellungen"


class ComplianceDone(me.Document):
    """A calendar item marked as done (`<rule>:<period>`)."""

    id = me.StringField(primary_key=True, max_length=120)
    done_at = me.DateTimeField(required=True, default=utcnow)
    done_by = me.StringField(required=True)

    meta = {"collection": "compliance_done"}


class CalendarFeed(me.Document):
    """A user's subscribable iCal feed: the secret URL's token, stored as its SHA-256 only.

    One per user (_id = the user's id): a new URL replaces the old one, revoking sets
    `revoked_at` (services.compliance.feed).
    """

    id = me.ObjectIdField(primary_key=True)          # the user's _id
    token_hash = me.StringField(required=True, unique=True, regex=r"^[0-9a-f]{64}$")
    created_at = me.DateTimeField(required=True, default=utcnow)
    revoked_at = me.DateTimeField()
    last_used_at = me.DateTimeField()

    meta = {"collection": "calendar_feeds"}
