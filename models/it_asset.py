"""IT hardware (assets), their handovers to employees, and software licences with seats."""
import mongoengine as me

from models.archive import ArchivedFile
from models.base import TimestampedDocument, utcnow
from models.employee import Employee
from models.fields import EncryptedStringField, MoneyField

ASSET_TYPES = ("notebook", "desktop", "monitor", "phone", "tablet", "printer", "network_device",
               "peripheral", "other")
ASSET_STATUSES = ("in_stock", "handed_out", "in_repair", "retired", "disposed")
LICENCE_TYPES = ("per_user", "per_device", "site", "subscription")


class AssetEvent(me.EmbeddedDocument):
    """One line of an asset's history (status changes, handovers, returns)."""

    at = me.DateTimeField(required=True, default=utcnow)
    user = me.StringField(required=True)
    action = me.StringField(required=True, max_length=40)
    from_status = me.StringField()
    to_status = me.StringField()
    employee = me.StringField(max_length=200)
    note = me.StringField(max_length=1000)


class Asset(TimestampedDocument):
    asset_tag = me.StringField(required=True, unique=True, max_length=40)
    asset_type = me.StringField(required=True, choices=ASSET_TYPES)
    manufacturer = me.StringField(required=True, max_length=80)
    model = me.StringField(max_length=120)
    serial_number = me.StringField(required=True, max_length=80)
    # casefolded manufacturer: "Dell" and "DELL " are the same maker for serial uniqueness
    manufacturer_key = me.StringField(max_length=80)
    purchase_date = me.DateField()
    purchase_price = MoneyField(min_value=0, max_value=10_000_000)
    supplier_invoice = me.StringField(max_length=60)   # number of the supplier's invoice
    fixed_asset_ref = me.StringField(max_length=60)    # id in the fixed-asset register, if any
    warranty_end = me.DateField()
    location = me.StringField(max_length=120)
    status = me.StringField(required=True, default="in_stock", choices=ASSET_STATUSES)
    # set and cleared only by services.it.assets (issue / return)
    employee = me.ReferenceField(Employee, reverse_delete_rule=me.DENY)
    handover = me.ObjectIdField()
    history = me.ListField(me.EmbeddedDocumentField(AssetEvent))
    notes = me.StringField(max_length=2000)

    meta = {"collection": "it_assets", "ordering": ["asset_tag"],
            "indexes": [{"fields": ["manufacturer_key", "serial_number"], "unique": True},
                        "employee", "status", "warranty_end", "serial_number"]}

    def clean(self):
        self.manufacturer = (self.manufacturer or "").strip()
        self.serial_number = (self.serial_number or "").strip()
        self.manufacturer_key = self.manufacturer.casefold()

    def __str__(self):
        return f"{self.asset_tag} {self.manufacturer} {self.model or ''}".strip()


class AssetHandover(me.Document):
    """An asset handed to an employee (with the archived handover PDF) and its return."""

    asset = me.ObjectIdField(required=True)
    asset_tag = me.StringField(required=True)
    employee = me.ReferenceField(Employee, required=True, reverse_delete_rule=me.DENY)
    issued_on = me.DateField(required=True)
    issued_by = me.StringField(required=True)
    pdf_file = me.ReferenceField(ArchivedFile)
    returned_on = me.DateField()
    returned_by = me.StringField()
    note = me.StringField(max_length=1000)

    meta = {"collection": "it_asset_handovers", "ordering": ["-issued_on"],
            "indexes": ["asset", "employee"]}


class LicenceSeat(me.EmbeddedDocument):
    """One assigned seat: to an employee or a device."""

    seat_id = me.ObjectIdField(required=True)
    employee = me.ReferenceField(Employee)
    asset = me.ReferenceField(Asset)
    assigned_on = me.DateField(required=True)
    assigned_by = me.StringField(required=True)


class Licence(TimestampedDocument):
    product = me.StringField(required=True, max_length=120)
    vendor = me.StringField(max_length=120)
    licence_type = me.StringField(required=True, choices=LICENCE_TYPES)
    seats = me.IntField(min_value=0, max_value=1_000_000)  # empty: unlimited (site licence)
    allow_overassignment = me.BooleanField(default=False)
    cost = MoneyField(min_value=0, max_value=10_000_000)
    term_start = me.DateField()
    term_end = me.DateField()
    renewal_date = me.DateField()
    # write-only: never listed, exported or put in a form; shown masked, revealed audited
    licence_key = EncryptedStringField(max_length=2000)   # encrypted at rest
    assignments = me.ListField(me.EmbeddedDocumentField(LicenceSeat))
    # the number of assignments and a revision for compare-and-set (services.it.licences)
    assigned = me.IntField(default=0, min_value=0)
    revision = me.IntField(default=0, min_value=0)
    notes = me.StringField(max_length=2000)

    meta = {"collection": "it_licences", "ordering": ["product"],
            "indexes": ["product", "renewal_date", "assignments.employee", "assignments.asset"]}

    @property
    def over_assigned(self) -> bool:
        return self.seats is not None and self.assigned > self.seats

    def __str__(self):
        return f"{self.product} ({self.vendor})" if self.vendor else self.product
