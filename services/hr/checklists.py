"""On- and offboarding: start a checklist for an employee, tick tasks off, task sources.

Tasks are made from the active templates of the kind; the due date is the employee's
start (onboarding) or exit date (offboarding) plus the item's offset. Each task has a
unique key (employee, template, item), so starting twice after a crash adds nothing.

Offboarding also lists what IT handed out (services.it): one task for support per asset
the employee holds and per licence seat assigned to them, due on the exit date. Returning
the asset or releasing the seat in IT ticks the task; it cannot be ticked by hand while
the asset is still out. Starting offboarding again adds what was handed out since.
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
                              due_offset_days=item.due_offset_days,
                              key=f"{employee.pk}:{template.pk}:{index}").save(force_insert=True)
                added += 1
            except NotUniqueError:
                continue
    if kind == "offboarding":
        added += _add_it_items(employee, anchor)
    return added


IT_ROLE = "support"


def _add_it_items(employee: Employee, exit_date: date) -> int:
    """One support task per asset the employee holds and per licence seat they have."""
    from services.it.assets import assets_of_employee
    from services.it.licences import licences_of_employee

    tasks = []
    for asset in assets_of_employee(employee.pk):
        tasks.append(ChecklistTask(
            title=f"Gerät zurücknehmen: {asset}", it_item=asset.asset_tag,
            asset=asset.pk, handover=asset.handover, key=f"{employee.pk}:handover:{asset.handover}"))
    for licence in licences_of_employee(employee.pk):
        for seat in licence.assignments:
            if seat.employee is not None and seat.employee.pk == employee.pk:
                tasks.append(ChecklistTask(
                    title=f"Lizenz entziehen: {licence}", it_item=licence.product,
                    licence=licence.pk,
                    seat=seat.seat_id, key=f"{employee.pk}:seat:{seat.seat_id}"))
    added = 0
    for task in tasks:
        task.employee, task.kind, task.due_date = employee, "offboarding", exit_date
        task.due_offset_days = 0
        task.responsible_role = IT_ROLE
        try:
            task.save(force_insert=True)
            added += 1
        except NotUniqueError:
            continue
    return added


def _it_item_open(task: ChecklistTask) -> bool:
    """Whether the asset of an IT item is still out (or the seat still assigned)."""
    from models.it_asset import AssetHandover, Licence

    if task.handover is not None:
        handover = AssetHandover.objects(pk=task.handover).only("returned_on").first()
        return handover is not None and handover.returned_on is None
    if task.seat is not None:
        return Licence.objects(pk=task.licence, assignments__seat_id=task.seat).count() > 0
    return False


def complete(task_id, user) -> ChecklistTask:
    """Tick a task off; only a user of the responsible role (or admin)."""
    task = ChecklistTask.objects(pk=task_id).first() if ObjectId.is_valid(str(task_id)) else None
    if task is None:
        raise RuleError(N_("Diese Aufgabe gibt es nicht."))
    if not user.has_role(task.responsible_role, "admin"):
        raise RuleError(N_("Diese Aufgabe erledigt die zuständige Rolle."))
    if task.status == "open" and _it_item_open(task):
        raise RuleError(N_("Erst zurücknehmen: das Gerät oder die Lizenz ist noch "
                           "zugewiesen (IT → Geräte bzw. Lizenzen); das hakt die Aufgabe ab."))
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
        name = f"{employee.first_name} {employee.last_name}"
        if task.handover is not None:
            title, params = N_("Gerät %(tag)s von %(name)s zurücknehmen (Austritt)"), {
                "tag": task.it_item, "name": name}
            url = f"/admin/assets/details/?id={task.asset}"
        elif task.seat is not None:
            title, params = N_("Lizenz %(product)s von %(name)s entziehen (Austritt)"), {
                "product": task.it_item, "name": name}
            url = f"/admin/licences/details/?id={task.licence}"
        else:
            title, params = N_("%(task)s: %(name)s"), {"task": task.title, "name": name}
            url = "/admin/checklist_tasks/"
        yield Task(kind="deadline", area="hr", ref=f"cl-{task.pk}", title=title,
                   params=params, url=url, due=task.due_date,
                   overdue=task.due_date < today)


register_task_source("hr.checklists", checklist_tasks)
