"""Ticket workflow: allowed transitions, change log, SLA due times paused while waiting."""
from datetime import datetime
from types import SimpleNamespace

from models.base import utcnow
from models.sla import SlaPolicy
from models.ticket import StatusChange, Ticket, TicketComment, TicketEvent
from services.operations.business_hours import (BusinessCalendar, add_business_minutes,
                                     business_minutes_between)
from services.core.claims import claim_next, find_head, slot_id
from services.core.errors import BusinessRuleError
from services.core.messages import N_, RuleError

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
        raise RuleError(N_("Für die Priorität '%(priority)s' ist kein SLA hinterlegt; "
                           "bitte unter Support › SLA-Ziele anlegen."), priority=priority)
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


WORKFLOW_FIELDS = ("status", "first_response_at", "waiting_since", "paused_minutes",
                   "due_at", "resolved_at")


def change_status(ticket_id, to_status: str, user: str, now: datetime | None = None) -> Ticket:
    """Move a ticket along an allowed transition and log who did it when.

    Each change is event n+1 of the ticket's event chain (a unique insert checked
    against event n), so two people changing the same ticket at once can never
    both move it away from the same status, and no change is lost from the log.
    """
    now = now or utcnow()
    ticket = Ticket.objects.get(pk=ticket_id)
    claim_next(TicketEvent._get_collection(), str(ticket.pk), ticket.event_count or 0,
               lambda n, head: _event(ticket, n, head, to_status, user, now))
    refresh_ticket_cache(ticket.pk)
    return ticket.reload()


def _event(ticket: Ticket, n: int, head: dict | None, to_status: str, user: str, now) -> dict:
    state = dict(head["state"]) if head else {f: getattr(ticket, f) for f in WORKFLOW_FIELDS}
    current = state["status"]
    if to_status not in allowed_transitions(current):
        allowed = tuple(STATUS_LABELS[s] for s in allowed_transitions(current)) or ("keine",)
        raise RuleError(N_("Ticket %(number)s: von '%(old)s' nach '%(new)s' ist nicht "
                           "erlaubt (erlaubt: %(allowed)s)."), number=ticket.number,
                        old=STATUS_LABELS[current], allowed=allowed,
                        new=STATUS_LABELS.get(to_status, to_status))
    state.update(_sla_updates(SimpleNamespace(**state, priority=ticket.priority,
                                              created_at=ticket.created_at), to_status, now))
    state["status"] = to_status
    return {"ticket": ticket.pk, "number": n, "from_status": current, "to_status": to_status,
            "user": user, "at": now, "state": state}


def refresh_ticket_cache(ticket_id) -> None:
    """Copy status, SLA state and the change log from the event chain onto the ticket."""
    events, tickets = TicketEvent._get_collection(), Ticket._get_collection()
    written, head = None, None
    while True:
        cached = (tickets.find_one({"_id": ticket_id}, {"event_count": 1}) or {})
        count = cached.get("event_count") or 0
        # after writing event n, the head read then is known: only look past it
        n, head = find_head(events, str(ticket_id), count,
                            hint_doc=head if written is not None and count == written else None)
        if head is None or n == written:
            return
        # the whole chain in one read through the _id index (one round trip, not n)
        by_id = {e["_id"]: e for e in events.find(
            {"_id": {"$in": [slot_id(str(ticket_id), i) for i in range(1, n + 1)]}})}
        chain = [by_id[slot_id(str(ticket_id), i)] for i in range(1, n + 1)]
        state = {k: v for k, v in head["state"].items()
                 if not (k == "first_response_at" and v is None)}  # a comment may have set it
        history = [StatusChange(at=e["at"], user=e["user"], from_status=e["from_status"],
                                to_status=e["to_status"]).to_mongo() for e in chain]
        tickets.update_one({"_id": ticket_id}, {"$set": {
            **state, "history": history, "event_count": n, "updated_at": utcnow()}})
        written = n


def _sla_updates(ticket, to_status: str, now: datetime) -> dict:
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
        raise RuleError(N_("Der Kommentar ist leer."))
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
        raise RuleError(N_("Tickets können nur Support-Mitarbeitern zugewiesen werden."))
    Ticket.objects(pk=ticket_id).update_one(set__assignee=user)
    return Ticket.objects.get(pk=ticket_id)


def overdue_query(now: datetime) -> dict:
    """Raw filter for open, not waiting tickets past their response or resolution due time."""
    return {"status": {"$in": ["new", "in_progress", "reopened"]},
            "$or": [{"due_at": {"$lt": now}},
                    {"first_response_at": None, "response_due_at": {"$lt": now}}]}


def refresh_all_ticket_caches() -> int:
    """Bring every ticket's status and log up to its event chain (after a crash); return count."""
    ids = [raw["_id"] for raw in Ticket._get_collection().find({}, {"_id": 1})]
    for ticket_id in ids:
        refresh_ticket_cache(ticket_id)
    return len(ids)
