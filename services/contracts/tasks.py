"""Task-list source: the owner's contracts whose cancellation deadline is near (90/30/7 days)."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from models.contract import Contract
from services.contracts.register import reminders_due
from services.core.messages import N_
from services.core.tasks import Task, register_task_source


def contract_deadlines(user, today: date | None = None):
    """Yield one task per contract of `user` whose reminder step is reached."""
    today = today or datetime.now(ZoneInfo("Europe/Berlin")).date()
    for r in reminders_due(today, Contract.objects(owner=user.pk, ends_on=None)):
        yield Task(kind="deadline", area="contracts", ref=r.contract.number,
                   title=N_("Vertrag %(number)s: Kündigungsfrist %(deadline)s (%(subject)s)"),
                   params={"number": r.contract.number, "subject": r.contract.subject,
                           "deadline": r.deadline.deadline},
                   url=f"/admin/contracts/details/?id={r.contract.pk}",
                   due=r.deadline.deadline, overdue=False)


register_task_source("contracts.deadlines", contract_deadlines)
