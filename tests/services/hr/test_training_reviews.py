"""Mandatory instructions: due dates, the overdue job; reviews visible to the employee,
the manager and HR only."""
from datetime import date

import pytest

from jobs import ensure_registry
from jobs.runner import run_now
from models.training import Instruction, Review, ReviewGoal, Training
from services.core.errors import BusinessRuleError
from services.hr import reviews
from services.hr.tasks import overdue_instructions
from services.hr.training import overdue
from tests.factories import make_employee, make_user


@pytest.fixture
def safety(app):
    yearly = Instruction(name="Arbeitsschutzunterweisung", interval_months=12).save()
    first_aid = Instruction(name="Ersthelfer", interval_months=24, departments=["Lager"]).save()
    done = make_employee(last_name="Erledigt", department="Büro", hire_date=date(2020, 1, 1))
    Training(employee=done, title="Unterweisung 2025", date=date(2025, 11, 15),
             instruction=yearly).save()
    new = make_employee(last_name="Neu", department="Lager", hire_date=date(2026, 11, 2))
    return {"yearly": yearly, "first_aid": first_aid, "done": done, "new": new}


def _late(today):
    return sorted((d.employee.last_name, d.instruction.name, d.due) for d in overdue(today))


def test_due_one_interval_after_the_last_time_never_done_on_the_first_day(safety):
    assert _late(date(2026, 11, 2)) == []
    assert _late(date(2026, 11, 3)) == [("Neu", "Arbeitsschutzunterweisung", date(2026, 11, 2)),
                                       ("Neu", "Ersthelfer", date(2026, 11, 2))]
    assert ("Erledigt", "Arbeitsschutzunterweisung", date(2026, 11, 15)) not in _late(
        date(2026, 11, 15))
    assert ("Erledigt", "Arbeitsschutzunterweisung", date(2026, 11, 15)) in _late(
        date(2026, 11, 16))
    # the department-only instruction does not reach the office
    assert not [x for x in _late(date(2030, 1, 1)) if x[:2] == ("Erledigt", "Ersthelfer")]


def test_the_job_counts_and_hr_sees_the_tasks(safety):
    ensure_registry()
    run = run_now("overdue_instructions", requested_by="admin@firma.example.com")
    assert run.status == "ok", run.error
    assert run.summary["overdue"] >= 2
    tasks = list(overdue_instructions(make_user("hr"), today=date(2026, 11, 3)))
    assert {t.params["name"].split()[-1] for t in tasks} == {"Neu"}
    assert list(overdue_instructions(make_user("support"), today=date(2026, 11, 3))) == []


def test_reviews_are_seen_by_the_employee_the_manager_and_hr_only(app):
    boss = make_employee(last_name="Chef")
    worker = make_employee(last_name="Team", manager=boss)
    colleague = make_employee(last_name="Kollegin", manager=boss)
    review = Review(cycle="2026", employee=worker,
                    goals=[ReviewGoal(title="Abschluss Projekt A")]).save()
    users = {"boss": make_user("support", employee=boss),
             "worker": make_user("warehouse", employee=worker),
             "colleague": make_user("warehouse", employee=colleague),
             "hr": make_user("hr"), "finance": make_user("finance")}
    seen = {k: reviews.may_see(u, review) for k, u in users.items()}
    assert seen == {"boss": True, "worker": True, "colleague": False, "hr": True,
                    "finance": False}
    assert [r.pk for r in reviews.visible_to(users["colleague"])] == []
    assert [r.pk for r in reviews.visible_to(users["boss"])] == [review.pk]
    with pytest.raises(BusinessRuleError):
        reviews.rate(review.pk, users["worker"], 5, "sehr gut", {})
    with pytest.raises(BusinessRuleError):
        reviews.rate(review.pk, users["colleague"], 5, "", {})
    with pytest.raises(BusinessRuleError):
        reviews.rate(review.pk, users["boss"], 6, "", {})
    done = reviews.rate(review.pk, users["boss"], 4, "gut", {0: 5})
    assert done.overall_rating == 4 and done.goals[0].rating == 5


def test_review_pages_answer_404_to_others(client, app):
    from tests.conftest import PASSWORD, csrf_token_from

    worker = make_employee(last_name="Zielperson")
    review = Review(cycle="2026", employee=worker).save()
    other = make_user("warehouse", employee=make_employee(last_name="Fremd"))
    token = csrf_token_from(client.get("/login").data)
    client.post("/login", data={"email": other.email, "password": PASSWORD,
                                "csrf_token": token})
    assert client.get(f"/hr/reviews/{review.pk}").status_code == 404
    assert "Zielperson" not in client.get("/hr/reviews/").get_data(as_text=True)
