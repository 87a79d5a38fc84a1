"""Task-list source: data breaches not yet reported or assessed, with the 72-hour deadline."""
from datetime import datetime, timezone

from models.privacy import DataBreach
from services.core.messages import N_
from services.core.tasks import Task, register_task_source


def open_breaches(user, now: datetime | None = None):
    """Yield one task per open breach for admins; overdue once the 72 hours have passed."""
    if "admin" not in (user.roles or ()):
        return
    now = now or datetime.now(timezone.utc)
    for breach in DataBreach.objects(status="open").only("title", "aware_at"):
        due = breach.report_due
        due = due.replace(tzinfo=timezone.utc) if due.tzinfo is None else due
        yield Task(kind="deadline", area="privacy", ref=str(breach.pk),
                   title=N_("Datenpanne melden oder begründen (Art. 33): %(title)s"),
                   params={"title": breach.title}, due=due, overdue=now > due,
                   url=f"/admin/data_breaches/edit/?id={breach.pk}")


register_task_source("privacy.data_breaches", open_breaches)
