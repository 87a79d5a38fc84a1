"""Cost centres (Kostenstellen): master data the journal lines may carry."""
import mongoengine as me

from models.base import TimestampedDocument


class CostCenter(TimestampedDocument):
    code = me.StringField(required=True, unique=True, regex=r"^[A-Za-z0-9_-]{1,20}$")
    name = me.StringField(required=True, max_length=120)
    active = me.BooleanField(default=True)

    meta = {"collection": "cost_centers", "ordering": ["code"]}

    def __str__(self):
        return f"{self.code} {self.name}"
