"""Service-level targets per ticket priority, in business minutes (data, not code)."""
import mongoengine as me

from models.ticket import PRIORITIES


class SlaPolicy(me.Document):
    priority = me.StringField(primary_key=True, choices=PRIORITIES)
    response_minutes = me.IntField(required=True, min_value=1)
    resolution_minutes = me.IntField(required=True, min_value=1)
    # Land whose public holidays also count (e.g. "BY"); empty = nationwide only.
    holiday_subdivision = me.StringField(max_length=2)

    meta = {"collection": "sla_policies"}

    def __str__(self):
        return self.priority


# Seeded once, then edited by an administrator (seeds.reference).
DEFAULT_SLA = (("critical", 30, 540), ("high", 120, 1620), ("normal", 480, 2700),
               ("low", 1080, 5400))
