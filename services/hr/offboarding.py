"""Offboarding follows the exit date by itself: set, moved or removed, wherever it is entered.

- Every save of an employee (admin form, self-service, recruiting, scripts: the shared
  path `Employee.save`, through mongoengine's post_save signal) and the CSV import (which
  writes in bulk, past `save`) call `sync`; the daily job `offboarding_sync` catches exit
  dates written by any other path (a database tool, a crash between write and sync).
- `Employee.offboarding_for` records the exit date the checklist was made for; an employee
  whose exit date differs is "out of step". `sync` brings them in step:
  exit date set   -> the offboarding checklist is started (tasks have unique keys: twice
                     adds nothing), tasks cancelled earlier are reopened;
  exit date moved -> every open offboarding task moves with it (exit date + its offset);
  exit date gone  -> every open offboarding task is cancelled (done ones stay done).
  Only then `offboarding_for` is set, under the condition that the exit date is still the
  one worked on (compare-and-set): a change in between leaves the employee out of step for
  the next call. Each step is idempotent, so a crash midway is repaired by the next call.
- An exit date already more than HISTORIC_DAYS past when it is first seen is history (old
  records imported): it is recorded, no checklist is started. The action "Offboarding
  starten" still starts one by hand.
"""
from datetime import date, timedelta

from mongoengine import signals

from models.checklist import ChecklistTask, ChecklistTemplate
from models.employee import Employee
from services.hr.checklists import start_checklist

HISTORIC_DAYS = 90


def sync(employee_id, today: date | None = None) -> str:
    """Bring one employee's offboarding in step with their exit date; return what was done:
    "unchanged", "started", "moved", "cancelled", "historic" (or "gone": no such employee)."""
    today = today or date.today()
    outcome = "unchanged"
    for _ in range(3):   # the exit date changed while we worked: once more with the new one
        employee = Employee.objects(pk=employee_id).first()
        if employee is None:
            return "gone"
        exit_date, made_for = employee.exit_date, employee.offboarding_for
        if exit_date == made_for:
            return outcome
        if exit_date is None:
            _cancel_open(employee)
            outcome = "cancelled"
        elif made_for is None and exit_date < today - timedelta(days=HISTORIC_DAYS) \
                and not ChecklistTask.objects(employee=employee, kind="offboarding").count():
            outcome = "historic"
        else:
            moved = _reopen_and_move(employee, exit_date)
            added = start_checklist(employee, "offboarding")
            outcome = "started" if added else ("moved" if moved else "unchanged")
        if Employee.objects(pk=employee.pk, exit_date=exit_date,
                            offboarding_for=made_for).update_one(
                set__offboarding_for=exit_date):
            return outcome
    return outcome


def _cancel_open(employee: Employee) -> int:
    return ChecklistTask.objects(employee=employee, kind="offboarding",
                                 status="open").update(set__status="cancelled")


def _reopen_and_move(employee: Employee, exit_date: date) -> int:
    """Reopen cancelled offboarding tasks and set every open one's due date from the exit
    date; return how many due dates changed."""
    ChecklistTask.objects(employee=employee, kind="offboarding",
                          status="cancelled").update(set__status="open")
    changed = 0
    for task in ChecklistTask.objects(employee=employee, kind="offboarding", status="open"):
        due = exit_date + timedelta(days=_offset(task))
        if task.due_date != due and ChecklistTask.objects(
                pk=task.pk, status="open").update_one(set__due_date=due):
            changed += 1
    return changed


def _offset(task: ChecklistTask) -> int:
    """The task's offset from the exit date (tasks made before offsets were stored: from
    their template item; IT items are due on the exit date)."""
    if task.due_offset_days is not None:
        return task.due_offset_days
    parts = task.key.split(":")
    if len(parts) == 3 and parts[2].isdigit():
        template = ChecklistTemplate.objects(pk=parts[1]).first() \
            if len(parts[1]) == 24 else None
        if template is not None and int(parts[2]) < len(template.items):
            return template.items[int(parts[2])].due_offset_days
    return 0


def out_of_step_ids(among: list | None = None) -> list:
    """Employees (of `among`, or all) whose exit date differs from the one their
    offboarding was made for."""
    found = []
    query = Employee.objects(__raw__={"$or": [{"exit_date": {"$ne": None}},
                                              {"offboarding_for": {"$ne": None}}]})
    if among is not None:
        query = query.filter(pk__in=list(among))
    for raw in query.only("exit_date", "offboarding_for").as_pymongo().no_cache():
        if raw.get("exit_date") != raw.get("offboarding_for"):
            found.append(raw["_id"])
    return found


def sync_all(today: date | None = None, among: list | None = None) -> dict:
    """Sync every employee (of `among`, or all: the daily job) out of step; counts per
    outcome."""
    counts: dict[str, int] = {}
    if among is not None and not among:
        return counts
    for employee_id in out_of_step_ids(among):
        outcome = sync(employee_id, today)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def _before_save(sender, document, **kwargs):
    # the in-memory offboarding_for may be stale (sync writes it past this object)
    document._exit_date_touched = "exit_date" in (document._get_changed_fields() or ())


def _after_save(sender, document, **kwargs):
    if document.exit_date != document.offboarding_for \
            or getattr(document, "_exit_date_touched", False):
        sync(document.pk)
        stored = Employee.objects(pk=document.pk).only("offboarding_for").first()
        if stored is not None:   # keep this object in step, without marking it changed
            document._data["offboarding_for"] = stored.offboarding_for
    document._exit_date_touched = False


def connect() -> None:
    """Sync after every save of an employee (idempotent: connects once)."""
    signals.pre_save.connect(_before_save, sender=Employee, weak=False)
    signals.post_save.connect(_after_save, sender=Employee, weak=False)
