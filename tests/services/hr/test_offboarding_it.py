"""Offboarding lists what IT handed out: each asset the leaver holds and each licence seat is a
support task due on the exit date; returning the asset (or releasing the seat) in IT ticks
it, and it cannot be ticked by hand while the asset is still out."""
from datetime import date

import pytest

from models.checklist import ChecklistTask, ChecklistTemplate
from services.core.errors import BusinessRuleError
from services.hr import checklists
from services.it.assets import issue_asset, return_asset
from services.it.licences import assign_seat, release_seat
from tests.factories import make_employee, make_user
from tests.factories_it import make_asset, make_licence

EXIT = date(2026, 12, 31)


@pytest.fixture
def leaver(app):
    ChecklistTemplate.objects.delete()   # only the IT items are under test here
    emp = make_employee(first_name="Petra", last_name="Klein", exit_date=EXIT)
    notebook = make_asset(asset_tag="IT-0815")
    phone = make_asset(asset_tag="IT-0816", asset_type="phone")
    make_asset(asset_tag="IT-0817")                     # in stock, nobody's
    issue_asset(notebook.pk, emp.pk, date(2025, 1, 2), "it@firma.example.com")
    issue_asset(phone.pk, emp.pk, date(2025, 1, 2), "it@firma.example.com")
    office = make_licence(product="Office Suite", seats=5)
    assign_seat(office.pk, date(2025, 1, 2), "it", employee_id=emp.pk)
    other = make_employee()                             # someone staying, with their own seat
    assign_seat(office.pk, date(2025, 1, 2), "it", employee_id=other.pk)
    return emp, notebook, phone, office, other


def _open_titles(user, today):
    return sorted((t.title, t.params.get("tag") or t.params.get("product"), t.due, t.overdue)
                  for t in checklists.checklist_tasks(user, today))


def test_assets_and_seats_become_support_tasks_due_on_the_exit_date(leaver):
    emp, notebook, phone, office, other = leaver
    assert checklists.start_checklist(emp, "offboarding") == 3     # 2 devices + 1 seat
    assert checklists.start_checklist(emp, "offboarding") == 0     # idempotent
    tasks = ChecklistTask.objects(employee=emp)
    assert {t.responsible_role for t in tasks} == {"support"}
    assert {t.due_date for t in tasks} == {EXIT}
    support, hr = make_user("support"), make_user("hr")
    asset_title = "Gerät %(tag)s von %(name)s zurücknehmen (Austritt)"
    seat_title = "Lizenz %(product)s von %(name)s entziehen (Austritt)"
    assert _open_titles(support, date(2026, 12, 30)) == [
        (asset_title, "IT-0815", EXIT, False), (asset_title, "IT-0816", EXIT, False),
        (seat_title, "Office Suite", EXIT, False)]
    # on the exit day still due, the day after overdue
    assert {o for *_, o in _open_titles(support, EXIT)} == {False}
    assert {o for *_, o in _open_titles(support, date(2027, 1, 1))} == {True}
    assert list(checklists.checklist_tasks(hr, date(2026, 12, 30))) == []
    (task,) = [t for t in checklists.checklist_tasks(support, EXIT) if t.params.get("tag") ==
               "IT-0815"]
    assert task.params["name"] == "Petra Klein"
    assert task.url == f"/admin/assets/details/?id={notebook.pk}"
    # the colleague who stays has no task
    assert ChecklistTask.objects(employee=other).count() == 0


def test_returning_the_asset_ticks_its_task_and_only_that_one(leaver):
    emp, notebook, phone, office, other = leaver
    checklists.start_checklist(emp, "offboarding")
    return_asset(notebook.pk, date(2026, 12, 20), "it@firma.example.com")
    done = ChecklistTask.objects.get(employee=emp, it_item="IT-0815")
    assert (done.status, done.done_by) == ("done", "it@firma.example.com")
    assert ChecklistTask.objects.get(employee=emp, it_item="IT-0816").status == "open"
    support = make_user("support")
    assert [t.params.get("tag") or t.params.get("product")
            for t in checklists.checklist_tasks(support, EXIT)] == ["IT-0816", "Office Suite"]


def test_an_it_item_is_not_ticked_by_hand_while_the_asset_is_out(leaver):
    emp, notebook, phone, office, other = leaver
    checklists.start_checklist(emp, "offboarding")
    support = make_user("support")
    phone_task = ChecklistTask.objects.get(employee=emp, it_item="IT-0816")
    seat_task = ChecklistTask.objects.get(employee=emp, it_item="Office Suite")
    for task in (phone_task, seat_task):
        with pytest.raises(BusinessRuleError, match="Erst zurücknehmen"):
            checklists.complete(task.pk, support)
        assert task.reload().status == "open"


def test_releasing_the_seat_ticks_its_task_and_leaves_the_colleague_alone(leaver):
    emp, notebook, phone, office, other = leaver
    checklists.start_checklist(emp, "offboarding")
    office.reload()
    mine = [s for s in office.assignments if s.employee.pk == emp.pk][0]
    release_seat(office.pk, mine.seat_id, "it@firma.example.com")
    seat_task = ChecklistTask.objects.get(employee=emp, it_item="Office Suite")
    assert (seat_task.status, seat_task.done_by) == ("done", "it@firma.example.com")
    office.reload()
    assert [s.employee.pk for s in office.assignments] == [other.pk]


def test_a_returned_asset_whose_tick_was_lost_can_be_ticked_by_hand(leaver):
    """A crash between the return and the tick leaves the task open; support ticks it."""
    emp, notebook, phone, office, other = leaver
    checklists.start_checklist(emp, "offboarding")
    return_asset(phone.pk, date(2026, 12, 20), "it@firma.example.com")
    task = ChecklistTask.objects.get(employee=emp, it_item="IT-0816")
    ChecklistTask.objects(pk=task.pk).update_one(set__status="open", unset__done_by=True)
    support = make_user("support")
    assert checklists.complete(task.pk, support).status == "done"


def test_devices_handed_out_after_the_start_are_added_by_starting_again(leaver):
    emp, notebook, phone, office, other = leaver
    checklists.start_checklist(emp, "offboarding")
    monitor = make_asset(asset_tag="IT-0900", asset_type="monitor")
    issue_asset(monitor.pk, emp.pk, date(2026, 11, 1), "it@firma.example.com")
    assert checklists.start_checklist(emp, "offboarding") == 1
    assert ChecklistTask.objects.get(employee=emp, it_item="IT-0900").due_date == EXIT
