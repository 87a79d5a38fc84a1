"""Employee self-service: change requests HR confirms, and one-time invitations."""
import mongoengine as me

from models.base import TimestampedDocument
from models.employee import Employee

CHANGE_STATUSES = ("open", "confirmed", "rejected")


class ChangeRequest(TimestampedDocument):
    """A change of address or bank details asked for by the employee (or HR), applied once
    enough other people confirmed it (two for an IBAN, one for an address)."""

    employee = me.ReferenceField(Employee, required=True)
    changes = me.DictField(required=True)          # field -> new value
    previous = me.DictField()                      # field -> value when requested
    requested_by = me.StringField(required=True, max_length=120)
    confirmations = me.ListField(me.StringField(max_length=120))
    needed = me.IntField(required=True, min_value=1, max_value=3)
    status = me.StringField(required=True, default="open", choices=CHANGE_STATUSES)
    decided_at = me.DateTimeField()
    note = me.StringField(max_length=300)

    meta = {"collection": "change_requests", "ordering": ["-created_at"],
            "indexes": ["employee", "status"]}

    def __str__(self):
        return f"{self.employee}: {', '.join(sorted(self.changes or {}))}"


class Invitation(TimestampedDocument):
    """A one-time link for an employee to set a password; only the token's hash is kept."""

    employee = me.ReferenceField(Employee, required=True)
    email = me.EmailField(required=True)
    token_hash = me.StringField(required=True, unique=True, max_length=64)
    expires_at = me.DateTimeField(required=True)
    invited_by = me.StringField(max_length=120)
    used_at = me.DateTimeField()

    meta = {"collection": "invitations", "indexes": ["employee"]}
