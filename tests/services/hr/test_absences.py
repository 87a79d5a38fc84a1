"""Absence requests: balance, approval by manager or substitute, overlaps, eAU, tasks."""
from datetime import date
from decimal import Decimal as D

import pytest

from models.absence import Absence, LeavePolicy
from services.core.errors import BusinessRuleError
from services.core.tasks import tasks_for
from services.hr import absences
from tests.factories import make_absence_request, make_employee, make_user


@pytest.fixture
def team(app):
    boss = make_employee(last_name="Chef", department="Vertrieb", state="BY")
    deputy = make_employee(last_name="Vize", department="Vertrieb", state="BY")
    worker = make_employee(last_name="Arbeit", department="Vertrieb", state="BY",
                           hire_date=date(2025, 1, 1), vacation_days=D(30),
                           manager=boss, manager_substitute=deputy)
    colleague = make_employee(last_name="Kollege", department="Vertrieb", state="BY",
                              manager=boss)
    users = {"boss": make_user(employee=boss), "deputy": make_user(employee=deputy),
             "worker": make_user(employee=worker), "hr": make_user("hr"),
             "colleague": make_user(employee=colleague)}
    users["boss"].update(set__roles=["support"])
    for key in ("deputy", "worker", "colleague"):
        users[key].update(set__roles=["support"])
    for user in users.values():
        user.reload()
    return {"boss": boss, "deputy": deputy, "worker": worker, "colleague": colleague, **{
        f"{k}_user": v for k, v in users.items()}}


def test_a_request_counts_working_days_of_the_workplace_state(team):
    # 1-5 June 2026 in Bavaria: Fronleichnam on Thursday 4 June
    absence = make_absence_request(team["worker"], start=date(2026, 6, 1), end=date(2026, 6, 5))
    assert absence.days == 4 and absence.status == "requested"
    team["worker"].update(set__workplace_state="BE")
    team["worker"].reload()
    other = make_absence_request(team["worker"], start=date(2026, 6, 8), end=date(2026, 6, 12),
                                 half_day_end=True)
    assert other.days == D("4.5")


def test_manager_and_substitute_decide_nobody_else(team):
    absence = make_absence_request(team["worker"], start=date(2026, 7, 6), end=date(2026, 7, 10))
    for outsider in ("worker_user", "colleague_user", "hr_user"):
        with pytest.raises(BusinessRuleError):
            absences.decide(absence.pk, team[outsider], approve=True)
    assert Absence.objects.get(pk=absence.pk).status == "requested"
    decided = absences.decide(absence.pk, team["deputy_user"], approve=True)
    assert decided.status == "approved" and decided.decided_by == team["deputy_user"].email
    with pytest.raises(BusinessRuleError):   # decided once, the boss cannot flip it
        absences.decide(absence.pk, team["boss_user"], approve=False)
    refused = make_absence_request(team["worker"], start=date(2026, 8, 3))
    assert absences.decide(refused.pk, team["boss_user"], approve=False).status == "rejected"


def test_hr_decides_for_employees_without_a_manager(team):
    loner = make_employee(last_name="Allein", hire_date=date(2020, 1, 1))
    absence = make_absence_request(loner, start=date(2026, 7, 6))
    managed = make_absence_request(team["worker"], start=date(2026, 7, 13))
    # HR's task list: the request of the employee without a manager, not the managed one
    pending = [a.pk for a in absences.pending_for(team["hr_user"])]
    assert absence.pk in pending and managed.pk not in pending
    with pytest.raises(BusinessRuleError):
        absences.decide(absence.pk, team["boss_user"], approve=True)
    assert absences.decide(absence.pk, team["hr_user"], approve=True).status == "approved"


def test_balance_refuses_more_than_is_left_and_counts_pending_requests(team):
    worker = team["worker"]
    as_of = date(2026, 4, 10)   # the 30 days carried from 2025 have lapsed unused
    first = make_absence_request(worker, start=date(2026, 9, 7), end=date(2026, 10, 2),
                                 as_of=as_of)          # 20 days, no holiday in BY
    assert first.days == 20
    account = absences.balance(worker, 2026, as_of)
    assert account.entitlement == 30 and account.planned == 20 and account.taken == 0
    assert account.carried_over == 30 and account.carry_expired == 30
    with pytest.raises(BusinessRuleError, match="Nicht genug Urlaub"):
        make_absence_request(worker, start=date(2026, 8, 3), end=date(2026, 8, 17),
                             as_of=as_of)   # 11 days, 10 left
    make_absence_request(worker, start=date(2026, 8, 3), end=date(2026, 8, 14), as_of=as_of)
    absences.decide(first.pk, team["boss_user"], approve=True)
    account = absences.balance(worker, 2026, as_of)
    assert account.taken == 20 and account.planned == 10 and account.remaining == 10


def test_carry_over_from_the_stored_absences_and_the_policy(team):
    worker = team["worker"]
    # 2025: 25 of 30 days taken -> 5 carried into 2026
    for start, end in ((date(2025, 2, 3), date(2025, 2, 28)), (date(2025, 11, 3), date(2025, 11, 7))):
        a = make_absence_request(worker, start=start, end=end, as_of=date(2025, 1, 2))
        absences.decide(a.pk, team["boss_user"], approve=True)
    assert absences.balance(worker, 2025, date(2025, 12, 31)).remaining == 5
    march = make_absence_request(worker, start=date(2026, 3, 30), end=date(2026, 3, 31),
                                 as_of=date(2026, 1, 2))
    absences.decide(march.pk, team["boss_user"], approve=True)
    on_time = absences.balance(worker, 2026, date(2026, 3, 31))
    assert on_time.carried_over == 5 and on_time.carry_expired == 0 and on_time.remaining == 33
    late = absences.balance(worker, 2026, date(2026, 4, 1))
    assert late.carry_expired == 3 and late.remaining == 30
    LeavePolicy.objects(key="default").update_one(set__carry_over_until_month=6,
                                                  set__carry_over_until_day=30)
    assert absences.balance(worker, 2026, date(2026, 4, 1)).remaining == 33


def test_own_overlaps_are_refused_team_overlaps_are_warnings(team):
    mine = make_absence_request(team["worker"], start=date(2026, 9, 7), end=date(2026, 9, 11))
    with pytest.raises(BusinessRuleError, match="schon eine Abwesenheit"):
        make_absence_request(team["worker"], start=date(2026, 9, 11), end=date(2026, 9, 14))
    _, warnings = absences.request_absence(team["colleague"], "urlaub", date(2026, 9, 10),
                                           date(2026, 9, 18), "hr@firma.example.com")
    assert [w.pk for w in warnings] == [mine.pk]
    _, none = absences.request_absence(team["colleague"], "urlaub", date(2026, 9, 21),
                                       date(2026, 9, 22), "hr@firma.example.com")
    assert none == []
    absences.cancel(mine.pk, team["worker_user"])
    again = make_absence_request(team["worker"], start=date(2026, 9, 11), end=date(2026, 9, 14))
    assert again.status == "requested"


def test_sick_leave_needs_no_approval_and_records_the_eau(team):
    sick = make_absence_request(team["worker"], "krank", start=date(2026, 10, 5),
                                end=date(2026, 10, 7))
    assert sick.status == "approved"
    done = absences.record_eau(sick.pk, "hr@firma.example.com", "eau_present")
    assert done.eau_result == "eau_present" and done.eau_retrieved_at is not None
    vacation = make_absence_request(team["worker"], start=date(2026, 10, 12))
    with pytest.raises(BusinessRuleError):
        absences.record_eau(vacation.pk, "hr@firma.example.com", "eau_present")
    with pytest.raises(BusinessRuleError):
        absences.record_eau(sick.pk, "hr@firma.example.com", "maybe")


def test_waiting_requests_are_tasks_of_manager_and_substitute_only(team):
    absence = make_absence_request(team["worker"], start=date(2026, 7, 6))
    for key in ("boss_user", "deputy_user"):
        refs = [t.ref for t in tasks_for(team[key]).tasks if t.area == "hr"]
        assert refs == [str(absence.pk)], key
    for key in ("worker_user", "colleague_user", "hr_user"):
        assert [t for t in tasks_for(team[key]).tasks if t.area == "hr"] == [], key
    absences.decide(absence.pk, team["boss_user"], approve=True)
    assert [t for t in tasks_for(team["deputy_user"]).tasks if t.area == "hr"] == []
