"""Task-list source: admins are told when the last backup failed or is older than a day."""
from services.backup.runs import last_ok, last_run, needs_attention
from services.core.messages import N_
from services.core.tasks import Task, register_task_source

TITLES = {
    "failed": N_("Datensicherung fehlgeschlagen: %(error)s"),
    "stale": N_("Letzte erfolgreiche Datensicherung ist älter als ein Tag (%(when)s)"),
    "missing": N_("Es gibt noch keine erfolgreiche Datensicherung"),
}


def backup_tasks(user, now=None):
    """Yield one task for admins while the backups need attention."""
    if "admin" not in (user.roles or ()):
        return
    state = needs_attention(now)
    if state is None:
        return
    last, good = last_run(), last_ok()
    params = {"error": (last.error or "")[:120] if last else "",
              "when": good.started_at.strftime("%d.%m.%Y %H:%M") if good else ""}
    yield Task(kind="failed_job", area="system", ref=f"backup:{state}", title=TITLES[state],
               params=params if state != "missing" else {}, url="/admin/backup_runs/",
               overdue=True)


register_task_source("system.backups", backup_tasks)
