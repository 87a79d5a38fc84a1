"""Offboarding starts by itself when an exit date is entered (admin form, CSV import, any
save; the daily job for every other path): exactly once, moved with the exit date,
cancelled when the exit date is removed, not for exit dates long past (history)."""
from datetime import date, datetime, timezone

import pytest

from jobs.hr import offboarding_sync_job
from jobs.runner import JobContext
from models.checklist import ChecklistItem, ChecklistTask, ChecklistTemplate
from models.employee import Employee
from services.hr import checklists, offboarding
from services.imports.csv_import import ImportOptions, run_import
from tests.admin.test_crud import post_form
from tests.factories import make_employee, make_user

TODAY = date.today()


@pytest.fixture
def template(app):
    ChecklistTemplate.objects.delete()   # the seeded defaults; these are stated here
    ChecklistTemplate(name="Austritt", kind="offboarding", items=[
        ChecklistItem(title="Zeugnis schreiben", responsible_role="hr", due_offset_days=-7),
        ChecklistItem(title="Arbeitsbescheinigung", responsible_role="hr",
                      due_offset_days=0)]).save()
    ChecklistTemplate(name="Eintritt", kind="onboarding", items=[
        ChecklistItem(title="Vertrag", responsible_role="hr", due_offset_days=-14)]).save()


def tasks_of(emp):
    return {t.title: (t.due_date, t.status)
            for t in ChecklistTask.objects(employee=emp, kind="offboarding")}


def job(today=TODAY):
    ctx = JobContext(run_id="test", job="offboarding_sync",
                     scheduled_for=datetime.now(timezone.utc), today=today)
    return offboarding_sync_job(ctx)


def test_no_exit_date_no_offboarding(template):
    emp = make_employee()
    assert tasks_of(emp) == {}
    assert ChecklistTask.objects(employee=emp).count() == 0   # onboarding is not started
    assert job() == {}


def test_saving_an_exit_date_starts_the_checklist_exactly_once(template):
    emp = make_employee()
    emp.exit_date = date(2027, 1, 31)
    emp.save()
    assert tasks_of(emp) == {"Zeugnis schreiben": (date(2027, 1, 24), "open"),
                             "Arbeitsbescheinigung": (date(2027, 1, 31), "open")}
    emp.reload()
    assert emp.offboarding_for == date(2027, 1, 31)
    emp.city = "Köln"
    emp.save()                                    # another change: nothing new
    assert offboarding.sync(emp.pk) == "unchanged"
    assert job() == {}
    assert checklists.start_checklist(emp, "offboarding") == 0
    assert ChecklistTask.objects(employee=emp).count() == 2
    hr = make_user("hr")
    assert {t.params["task"] for t in checklists.checklist_tasks(hr, date(2027, 1, 1))} == {
        "Zeugnis schreiben", "Arbeitsbescheinigung"}


def test_a_moved_exit_date_moves_the_open_tasks_and_keeps_done_ones(template):
    emp = make_employee(exit_date=date(2027, 1, 31))
    done = ChecklistTask.objects.get(employee=emp, title="Zeugnis schreiben")
    checklists.complete(done.pk, make_user("hr"))
    emp.exit_date = date(2027, 3, 15)
    emp.save()
    assert tasks_of(emp) == {"Zeugnis schreiben": (date(2027, 1, 24), "done"),
                             "Arbeitsbescheinigung": (date(2027, 3, 15), "open")}
    emp.exit_date = date(2027, 3, 14)            # one day earlier: one day earlier
    emp.save()
    assert tasks_of(emp)["Arbeitsbescheinigung"] == (date(2027, 3, 14), "open")
    assert ChecklistTask.objects(employee=emp).count() == 2


def test_a_removed_exit_date_cancels_open_tasks_and_setting_it_again_reopens(template):
    emp = make_employee(exit_date=date(2027, 1, 31))
    done = ChecklistTask.objects.get(employee=emp, title="Arbeitsbescheinigung")
    checklists.complete(done.pk, make_user("hr"))
    emp.exit_date = None
    emp.save()
    assert tasks_of(emp) == {"Zeugnis schreiben": (date(2027, 1, 24), "cancelled"),
                             "Arbeitsbescheinigung": (date(2027, 1, 31), "done")}
    hr = make_user("hr")
    assert list(checklists.checklist_tasks(hr, date(2027, 2, 1))) == []   # not in the list
    cancelled = ChecklistTask.objects.get(employee=emp, title="Zeugnis schreiben")
    with pytest.raises(Exception):
        checklists.complete(cancelled.pk, hr)
    assert Employee.objects.get(pk=emp.pk).offboarding_for is None
    emp.exit_date = date(2027, 6, 30)
    emp.save()
    assert tasks_of(emp) == {"Zeugnis schreiben": (date(2027, 6, 23), "open"),
                             "Arbeitsbescheinigung": (date(2027, 1, 31), "done")}
    assert ChecklistTask.objects(employee=emp).count() == 2


def test_the_daily_job_catches_an_exit_date_written_past_save(template):
    emp = make_employee()
    # written straight into the database: no save, no signal
    Employee.objects(pk=emp.pk).update(set__exit_date=date(2027, 2, 28))
    assert tasks_of(emp) == {}
    assert job() == {"started": 1}
    assert tasks_of(emp) == {"Zeugnis schreiben": (date(2027, 2, 21), "open"),
                             "Arbeitsbescheinigung": (date(2027, 2, 28), "open")}
    assert job() == {}                            # in step: nothing to do
    Employee.objects(pk=emp.pk).update(set__exit_date=date(2027, 4, 30))
    assert job() == {"moved": 1}
    assert tasks_of(emp)["Arbeitsbescheinigung"] == (date(2027, 4, 30), "open")
    Employee.objects(pk=emp.pk).update(unset__exit_date=True)
    assert job() == {"cancelled": 1}
    assert {s for _, s in tasks_of(emp).values()} == {"cancelled"}
    assert job() == {}


def test_a_crash_between_tasks_and_marker_is_repaired_without_duplicates(template):
    emp = make_employee(exit_date=date(2027, 1, 31))
    # as if the process died after the tasks were written, before the marker
    Employee.objects(pk=emp.pk).update(unset__offboarding_for=True)
    assert job() == {"unchanged": 1}
    assert ChecklistTask.objects(employee=emp).count() == 2
    assert Employee.objects.get(pk=emp.pk).offboarding_for == date(2027, 1, 31)


def test_exit_dates_long_past_are_history_not_tasks(template):
    old = date(2026, 1, 31)
    emp = make_employee(hire_date=date(2020, 1, 1), exit_date=old)
    assert offboarding.sync(emp.pk, today=date(2026, 5, 1)) in ("historic", "unchanged")
    assert tasks_of(emp) == {}
    assert Employee.objects.get(pk=emp.pk).offboarding_for == old
    # the edge: exactly HISTORIC_DAYS ago still starts
    recent = make_employee(hire_date=date(2020, 1, 1))
    Employee.objects(pk=recent.pk).update(set__exit_date=date(2026, 1, 31))
    assert offboarding.sync(recent.pk, today=date(2026, 5, 1)) == "started"   # 90 days
    another = make_employee(hire_date=date(2020, 1, 1))
    Employee.objects(pk=another.pk).update(set__exit_date=date(2026, 1, 31))
    assert offboarding.sync(another.pk, today=date(2026, 5, 2)) == "historic"  # 91 days
    assert tasks_of(another) == {}


def test_the_admin_form_starts_offboarding(template, client, login):
    emp = make_employee(personnel_no="P0990", iban=None)
    login("hr")
    response = post_form(client, f"/admin/employees/edit/?id={emp.pk}", {
        "personnel_no": "P0990", "first_name": "Jürgen", "last_name": "Müller",
        "hire_date": "2020-04-01", "exit_date": "2027-05-31", "monthly_gross": "3850,00",
        "tax_class": "1", "child_allowances": "0,0", "children_under_25": "0",
        "health_insurance_addon": "2,90", "state": "BY", "status": "active",
        "work_days": "12345"})
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    assert tasks_of(emp) == {"Zeugnis schreiben": (date(2027, 5, 24), "open"),
                             "Arbeitsbescheinigung": (date(2027, 5, 31), "open")}


CSV_HEAD = "Personalnummer;Vorname;Nachname;Eintrittsdatum;Austrittsdatum;Bruttogehalt;" \
           "Steuerklasse\r\n"


def test_the_csv_import_starts_and_moves_offboarding(template):
    def do(rows, mode="insert"):
        data = (CSV_HEAD + rows).encode("utf-8-sig")
        return run_import(data, "employees", ImportOptions(user="t@firma.example.com",
                                                           mode=mode))

    result = do("P7001;Ida;Import;01.01.2020;31.03.2027;3.000,00;1\r\n"
                "P7002;Max;Bleibt;01.01.2020;;3.000,00;1\r\n")
    assert result.inserted == 2, result.errors
    leaver = Employee.objects.get(personnel_no="P7001")
    stayer = Employee.objects.get(personnel_no="P7002")
    assert tasks_of(leaver) == {"Zeugnis schreiben": (date(2027, 3, 24), "open"),
                                "Arbeitsbescheinigung": (date(2027, 3, 31), "open")}
    assert tasks_of(stayer) == {}
    result = do("P7001;Ida;Import;01.01.2020;30.04.2027;3.000,00;1\r\n"
                "P7002;Max;Bleibt;01.01.2020;;3.000,00;1\r\n", mode="upsert")
    assert result.updated == 1, result.errors
    assert tasks_of(leaver)["Arbeitsbescheinigung"] == (date(2027, 4, 30), "open")
    assert ChecklistTask.objects(employee=leaver).count() == 2
    assert job() == {}
    # the file empties the exit date: the import itself cancels, the daily job finds nothing
    result = do("P7001;Ida;Import;01.01.2020;;3.000,00;1\r\n", mode="upsert")
    assert result.updated == 1, result.errors
    assert tasks_of(leaver) == {"Zeugnis schreiben": (date(2027, 4, 23), "cancelled"),
                                "Arbeitsbescheinigung": (date(2027, 4, 30), "cancelled")}
    assert job() == {}
    # a file without the exit-date column leaves exit date and offboarding alone
    no_exit = "Personalnummer;Vorname;Nachname;Eintrittsdatum;Bruttogehalt;Steuerklasse\r\n"
    data = (no_exit + "P7002;Max;Bleibt;01.01.2020;3.100,00;1\r\n").encode("utf-8-sig")
    result = run_import(data, "employees", ImportOptions(user="t@firma.example.com",
                                                         mode="upsert"))
    assert result.updated == 1, result.errors
    assert tasks_of(stayer) == {} and job() == {}
