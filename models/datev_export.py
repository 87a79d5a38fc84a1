"""Record of every DATEV hand-off: which period, which file, by whom, and whether it repeats one."""
import mongoengine as me

from models.base import utcnow
from models.frozen import AppendOnlyQuerySet, FrozenDocument

DATEV_KINDS = ("bookings", "master_data")


class DatevExport(FrozenDocument, me.Document):
    kind = me.StringField(required=True, choices=DATEV_KINDS)
    date_from = me.DateField()
    date_to = me.DateField()
    filename = me.StringField(required=True, max_length=120)
    rows = me.IntField(required=True, min_value=0)
    sha256 = me.StringField(required=True, regex=r"^[0-9a-f]{64}$")
    re_export = me.BooleanField(default=False)  # the period (or part of it) went out before
    user = me.StringField(required=True)
    created_at = me.DateTimeField(required=True, default=utcnow)

    meta = {"collection": "datev_exports", "ordering": ["-created_at"],
            "indexes": ["kind", "date_from", "-created_at"],
            "queryset_class": AppendOnlyQuerySet}  # the record of a hand-off is never rewritten

    def __str__(self):
        return self.filename
