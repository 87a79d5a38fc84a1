"""On- and offboarding: start a checklist for an employee, tick tasks off, task sources.

Tasks are made from the active templates of the kind; the due date is the employee's
start (onboarding) or exit date (offboarding) plus the item's offset. Each task has a
unique key (employee, template, item), so starting twice after a crash adds nothing.
"""
from datetime import date, datetime, timedelta, timezone

from bson import ObjectId
from mongoengine import NotUniqueError

from models.checklist import ChecklistTask, ChecklistTemplate
from models.employee import Employee
from services.core.messages import N_, RuleError
from services.core.tasks import Task, register_task_source


def start_checklist(employee: Employee, kind: str) -> int:
    """Create the tasks of every active template of `kind`; return how many were new."""
    anchor = employee.hire_date if kind == "onboarding" else employee.exit_date
    if anchor is None:
        raise RuleError(N_("Für das Offboarding fehlt das Austrittsdatum."))
    added = 0
    for template in ChecklistTemplate.objects(kind=kind, active=True):
        for index, item in enumerate(template.items):
            try:
                ChecklistTask(employee=employee, kind=kind, title=item.title,
                              responsible_role=item.responsible_role,
                              due_date=anchor + timedelta(days=item.due_offset_days),
                              key=f"{employee.pk}:{template.pk}:{index}").save(force_insert=True)
                added += 1
            except NotUniqueError:
                continue
    return added


def complete(task_id, user) -> ChecklistTask:
    """Tick a task off; only a user of the responsible role (or admin)."""
    task = ChecklistTask.objects(pk=task_id).first() if ObjectId.is_valid(str(task_id)) else None
    if task is None:
        raise RuleError(N_("Diese Aufgabe gibt es nicht."))
    if not user.has_role(task.responsible_role, "admin"):
        raise RuleError(N_("Diese Aufgabe erledigt die zuständige Rolle."))
    if not ChecklistTask.objects(pk=task.pk, status="open").update_one(
            set__status="done", set__done_by=user.email,
            set__done_at=datetime.now(timezone.utc)):
        raise RuleError(N_("Diese Aufgabe ist schon erledigt."))
    return task.reload()


def checklist_tasks(user, today: date | None = None):
    """Task source: open checklist tasks of the user's roles, overdue flagged."""
    today = today or date.today()
    for task in ChecklistTask.objects(responsible_role__in=list(user.roles), status="open"):
        employee = task.employee
        yield Task(kind="deadline", area="hr", ref=f"cl-{task.pk}",
                   title=N_("%(task)s: %(name)s"),
                   params={"task": task.title,
                           "name": f"{employee.first_name} {employee.last_name}"},
                   url="/admin/checklist_tasks/", due=task.due_date,
                   overdue=task.due_date < today)


register_task_source("hr.checklists", checklist_tasks)
