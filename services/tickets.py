"""Ticket workflow: allowed transitions, change log, SLA due times paused while waiting."""
from datetime import datetime

from models.base import utcnow
from models.sla import SlaPolicy
from models.ticket import StatusChange, Ticket, TicketComment
from services.business_hours import (BusinessCalendar, add_business_minutes,
                                     business_minutes_between)
from services.errors import BusinessRuleError

TRANSITIONS = {
    "new": ("in_progress",),
    "in_progress": ("waiting", "resolved"),
    "waiting": ("in_progress",),
    "resolved": ("closed", "reopened"),
    "reopened": ("in_progress",),
    "closed": (),
}
STATUS_LABELS = {"new": "neu", "in_progress": "in Bearbeitung", "waiting": "wartet",
                 "resolved": "gelöst", "closed": "geschlossen", "reopened": "wiedereröffnet"}


def allowed_transitions(status: str) -> tuple[str, ...]:
    return TRANSITIONS.get(status, ())


def _policy(priority: str) -> SlaPolicy:
    policy = SlaPolicy.objects(priority=priority).first()
    if policy is None:
        raise BusinessRuleError(f"Für die Priorität '{priority}' ist kein SLA hinterlegt; "
                                "bitte unter Support › SLA anlegen.")
    return policy


def sla_due_times(created: datetime, policy: SlaPolicy, paused_minutes: int = 0):
    """Return (response due, resolution due) for a ticket opened at `created`."""
    cal = BusinessCalendar(subdivision=policy.holiday_subdivision or None)
    return (add_business_minutes(created, policy.response_minutes, cal),
            add_business_minutes(created, policy.resolution_minutes + paused_minutes, cal))


def apply_sla(ticket: Ticket) -> Ticket:
    """Set the due times of a (new) ticket from its priority's SLA."""
    created = ticket.created_at or utcnow()
    ticket.response_due_at, ticket.due_at = sla_due_times(
        created, _policy(ticket.priority), ticket.paused_minutes or 0)
    return ticket


def change_status(ticket_id, to_status: str, user: str, now: datetime | None = None) -> Ticket:
    """Move a ticket along an allowed transition and log who did it when."""
    now = now or utcnow()
    ticket = Ticket.objects.get(pk=ticket_id)
    if to_status not in allowed_transitions(ticket.status):
        allowed = ", ".join(STATUS_LABELS[s] for s in allowed_transitions(ticket.status)) or "keine"
        raise BusinessRuleError(
            f"Ticket {ticket.number}: von '{STATUS_LABELS[ticket.status]}' nach "
            f"'{STATUS_LABELS.get(to_status, to_status)}' ist nicht erlaubt "
            f"(erlaubt: {allowed}).")
    updates = {"status": to_status, "updated_at": now}
    updates.update(_sla_updates(ticket, to_status, now))
    change = StatusChange(at=now, user=user, from_status=ticket.status, to_status=to_status)
    # The filter on the old status refuses a second, concurrent change from the same state.
    done = Ticket._get_collection().update_one(
        {"_id": ticket.pk, "status": ticket.status},
        {"$set": updates, "$push": {"history": change.to_mongo()}}).modified_count
    if not done:
        raise BusinessRuleError(f"Ticket {ticket.number} wurde inzwischen geändert; "
                                "bitte neu laden.")
    return ticket.reload()


def _sla_updates(ticket: Ticket, to_status: str, now: datetime) -> dict:
    updates = {}
    if to_status == "in_progress" and ticket.first_response_at is None:
        updates["first_response_at"] = now
    if to_status == "waiting":
        updates["waiting_since"], updates["due_at"] = now, None  # the clock stops
    if ticket.status == "waiting":
        policy = _policy(ticket.priority)
        cal = BusinessCalendar(subdivision=policy.holiday_subdivision or None)
        paused = (ticket.paused_minutes or 0) + business_minutes_between(
            ticket.waiting_since, now, cal)
        updates["paused_minutes"], updates["waiting_since"] = paused, None
        updates["due_at"] = sla_due_times(ticket.created_at, policy, paused)[1]
    if to_status == "resolved":
        updates["resolved_at"] = now
    if to_status == "reopened":
        updates["resolved_at"] = None
    return updates


def add_comment(ticket_id, text: str, user: str, internal: bool) -> Ticket:
    """Add a comment; a comment visible to the requester counts as the first response."""
    if not (text or "").strip():
        raise BusinessRuleError("Der Kommentar ist leer.")
    now = utcnow()
    comment = TicketComment(author=user, at=now, text=text.strip(), internal=internal)
    Ticket._get_collection().update_one(
        {"_id": ticket_id}, {"$push": {"comments": comment.to_mongo()}})
    if not internal:
        Ticket._get_collection().update_one(
            {"_id": ticket_id, "first_response_at": None}, {"$set": {"first_response_at": now}})
    return Ticket.objects.get(pk=ticket_id)


def assign(ticket_id, user_id) -> Ticket:
    """Assign a ticket to a support user."""
    from models.user import User

    user = User.objects(pk=user_id).first()
    if user is None or not user.has_role("support", "admin"):
        raise BusinessRuleError("Tickets können nur Support-Mitarbeitern zugewiesen werden.")
    Ticket.objects(pk=ticket_id).update_one(set__assignee=user)
    return Ticket.objects.get(pk=ticket_id)


def overdue_query(now: datetime) -> dict:
    """Raw filter for open, not waiting tickets past their response or resolution due time."""
    return {"status": {"$in": ["new", "in_progress", "reopened"]},
            "$or": [{"due_at": {"$lt": now}},
                    {"first_response_at": None, "response_due_at": {"$lt": now}}]}
