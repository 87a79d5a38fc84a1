"""Task-list source: dunning proposals waiting for a person to confirm them."""
from models.dunning import DunningRun
from services.core.messages import N_
from services.core.tasks import Task, register_task_source

CONFIRMERS = ("admin", "finance")


def proposals_to_confirm(user):
    """Yield one approval task per open dunning proposal for finance users."""
    if not user.has_role(*CONFIRMERS):
        return
    for run in DunningRun.objects(status="draft").only("number", "as_of"):
        yield Task(kind="approval", area="banking", ref=run.number,
                   title=N_("Mahnvorschlag %(number)s prüfen und bestätigen"),
                   params={"number": run.number}, url=f"/dunning/{run.pk}", due=run.as_of)


register_task_source("banking.dunning_proposals", proposals_to_confirm)
