"""Task-list source: the open tickets assigned to the user (overdue ones flagged)."""
from datetime import datetime, timezone

from models.ticket import OPEN_STATUSES, Ticket
from services.core.messages import N_
from services.core.tasks import Task, register_task_source


def assigned_tickets(user, now: datetime | None = None):
    """Yield one task per open ticket assigned to `user`."""
    now = now or datetime.now(timezone.utc)
    for ticket in Ticket.objects(assignee=user.pk, status__in=list(OPEN_STATUSES)).only(
            "number", "title", "status", "due_at", "response_due_at", "first_response_at"):
        yield Task(kind="assigned", area="support", ref=ticket.number or str(ticket.pk),
                   title=N_("Ticket %(number)s bearbeiten: %(title)s"),
                   params={"number": ticket.number, "title": ticket.title},
                   url=f"/admin/tickets/details/?id={ticket.pk}",
                   due=ticket.due_at, overdue=ticket.is_overdue(now))


register_task_source("support.assigned_tickets", assigned_tickets)
