"""Helpdesk tickets."""
import mongoengine as me

from models.base import TimestampedDocument, utcnow
from models.employee import Employee
from models.it_asset import Asset
from models.user import User

PRIORITIES = ("low", "normal", "high", "critical")
TICKET_STATUSES = ("new", "in_progress", "waiting", "resolved", "closed", "reopened")
OPEN_STATUSES = ("new", "in_progress", "waiting", "reopened")


class TicketComment(me.EmbeddedDocument):
    author = me.StringField(required=True)
    at = me.DateTimeField(required=True, default=utcnow)
    text = me.StringField(required=True, max_length=5000)
    internal = me.BooleanField(default=False)


class StatusChange(me.EmbeddedDocument):
    at = me.DateTimeField(required=True, default=utcnow)
    user = me.StringField(required=True)
    from_status = me.StringField(required=True)
    to_status = me.StringField(required=True)


class TicketEvent(me.Document):
    """Status change n of a ticket (`<ticket id>:<n>`) with the workflow state after it."""

    id = me.StringField(primary_key=True)
    ticket = me.ObjectIdField(required=True)
    number = me.IntField(required=True, min_value=1)
    from_status = me.StringField(required=True)
    to_status = me.StringField(required=True)
    user = me.StringField(required=True)
    at = me.DateTimeField(required=True)
    state = me.DictField()

    meta = {"collection": "ticket_events"}


class Ticket(TimestampedDocument):
    number = me.StringField(required=True, unique=True, max_length=20)
    title = me.StringField(required=True, max_length=200)
    description = me.StringField(max_length=20000)
    requester = me.ReferenceField(Employee, reverse_delete_rule=me.DENY)
    assignee = me.ReferenceField(User, reverse_delete_rule=me.NULLIFY)
    priority = me.StringField(required=True, default="normal", choices=PRIORITIES)
    status = me.StringField(required=True, default="new", choices=TICKET_STATUSES)
    due_at = me.DateTimeField()
    comments = me.ListField(me.EmbeddedDocumentField(TicketComment))
    # status, the SLA fields below and history are a cache of the ticket's event chain
    # (TicketEvent, services.operations.tickets); event_count is the newest event's number.
    history = me.ListField(me.EmbeddedDocumentField(StatusChange))
    event_count = me.IntField(default=0, min_value=0)
    # SLA (services.operations.tickets): due_at is the resolution due time; None while paused.
    response_due_at = me.DateTimeField()
    first_response_at = me.DateTimeField()
    waiting_since = me.DateTimeField()
    paused_minutes = me.IntField(default=0, min_value=0)
    resolved_at = me.DateTimeField()
    # The API token that opened the ticket (its name): the token reads only its own tickets.
    opened_via = me.StringField(max_length=80)
    # The IT asset the ticket is about (optional; the asset's page lists its tickets).
    asset = me.ReferenceField(Asset, reverse_delete_rule=me.DENY)

    meta = {"collection": "tickets", "ordering": ["-created_at"],
            "indexes": ["status", "priority", "assignee", "requester", "asset"]}

    def __str__(self):
        return f"{self.number} {self.title}"

    def is_overdue(self, now) -> bool:
        """Open and past its response or resolution due time (never while waiting)."""
        if self.status not in OPEN_STATUSES or self.status == "waiting":
            return False
        late_response = (self.first_response_at is None and self.response_due_at
                         and self.response_due_at < now)
        return bool(late_response or (self.due_at and self.due_at < now))

    def clean(self):
        if not self.number:
            self.number = _take_ticket_number(self)


def _take_ticket_number(ticket) -> str:
    """Take the ticket's gap-free number of its year; a retry after a crash gets the same."""
    from bson import ObjectId

    from models.counter import next_number

    if ticket.pk is None:
        ticket.id = ObjectId()
    year = (ticket.created_at or utcnow()).year
    return f"T-{year}-{next_number(f'ticket-{year}', owner=f'ticket:{ticket.pk}'):05d}"
