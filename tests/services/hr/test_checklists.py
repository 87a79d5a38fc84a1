"""On- and offboarding checklists: due dates from the offsets, tasks in the responsible
role's task list, overdue flagged, starting twice adds nothing."""
from datetime import date

import pytest

from models.checklist import ChecklistItem, ChecklistTask, ChecklistTemplate
from services.core.errors import BusinessRuleError
from services.hr import checklists
from tests.factories import make_employee, make_user


@pytest.fixture
def templates(app):
    ChecklistTemplate.objects.delete()   # the seeded defaults; these are stated here
    ChecklistTemplate(name="Eintritt", kind="onboarding", items=[
        ChecklistItem(title="Arbeitsvertrag unterschrieben", responsible_role="hr",
                      due_offset_days=-14),
        ChecklistItem(title="IT-Konto und Laptop", responsible_role="support",
                      due_offset_days=-1),
        ChecklistItem(title="Erstunterweisung", responsible_role="hr", due_offset_days=0)]).save()
    ChecklistTemplate(name="Austritt", kind="offboarding", items=[
        ChecklistItem(title="Arbeitsbescheinigung", responsible_role="hr",
                      due_offset_days=0)]).save()


def test_onboarding_tasks_with_due_dates_from_the_start(templates):
    emp = make_employee(hire_date=date(2026, 12, 1))
    assert checklists.start_checklist(emp, "onboarding") == 3
    assert checklists.start_checklist(emp, "onboarding") == 0       # idempotent
    due = {t.title: t.due_date for t in ChecklistTask.objects(employee=emp)}
    assert due == {"Arbeitsvertrag unterschrieben": date(2026, 11, 17),
                   "IT-Konto und Laptop": date(2026, 11, 30),
                   "Erstunterweisung": date(2026, 12, 1)}


def test_tasks_reach_the_responsible_role_and_are_flagged_overdue(templates):
    emp = make_employee(hire_date=date(2026, 12, 1))
    checklists.start_checklist(emp, "onboarding")
    hr, support, finance = make_user("hr"), make_user("support"), make_user("finance")
    on_30_nov = {t.params["task"]: t.overdue
                 for t in checklists.checklist_tasks(hr, today=date(2026, 11, 30))}
    assert on_30_nov == {"Arbeitsvertrag unterschrieben": True, "Erstunterweisung": False}
    assert [t.params["task"] for t in checklists.checklist_tasks(support, date(2026, 11, 30))] \
        == ["IT-Konto und Laptop"]
    assert list(checklists.checklist_tasks(finance, date(2026, 11, 30))) == []
    task = ChecklistTask.objects.get(title="IT-Konto und Laptop")
    with pytest.raises(BusinessRuleError):
        checklists.complete(task.pk, hr)
    checklists.complete(task.pk, support)
    assert list(checklists.checklist_tasks(support, date(2026, 11, 30))) == []


def test_offboarding_needs_the_exit_date(templates):
    emp = make_employee()
    with pytest.raises(BusinessRuleError):
        checklists.start_checklist(emp, "offboarding")
    emp.update(set__exit_date=date(2026, 12, 31))
    emp.reload()
    assert checklists.start_checklist(emp, "offboarding") == 1
    assert ChecklistTask.objects.get(employee=emp, kind="offboarding").due_date == date(2026, 12, 31)
