"""Task-list source: SEPA payment runs waiting for release by someone who did not prepare them."""
from models.payment_run import PaymentRun
from services.core.messages import N_
from services.core.tasks import Task, register_task_source

RELEASERS = ("admin", "finance")


def runs_to_release(user):
    """Yield one approval task per draft run with items that `user` may release (four eyes)."""
    if not user.has_role(*RELEASERS):
        return
    for run in PaymentRun.objects(status="draft").only(
            "number", "created_by", "edited_by", "execution_date", "total", "items.key"):
        if not run.items or user.email == run.created_by or user.email in (run.edited_by or []):
            continue
        yield Task(kind="approval", area="banking", ref=run.number,
                   title=N_("Zahlungslauf %(number)s freigeben"), params={"number": run.number},
                   url=f"/sepa/{run.pk}", due=run.execution_date)


register_task_source("banking.sepa_release", runs_to_release)
