"""Review cycles: a round makes one review per employee employed on its due date (once), the
manager gets a task due on that date (overdue the day after), HR gets the reviews of people
without a manager, and closing a review (manager or HR, rated first) ends the task."""
from datetime import date

import pytest

from models.training import Review
from services.core.errors import BusinessRuleError
from services.hr import reviews
from tests.conftest import csrf_token_from
from tests.factories import make_employee, make_user

DUE = date(2026, 12, 15)


@pytest.fixture
def team(app):
    boss = make_employee(first_name="Bea", last_name="Boss", department="Vertrieb")
    worker = make_employee(first_name="Walter", last_name="Werner", department="Vertrieb",
                           manager=boss)
    make_employee(first_name="Fritz", last_name="Früh", exit_date=date(2026, 12, 14))  # gone
    make_employee(first_name="Nina", last_name="Neu", hire_date=date(2026, 12, 16))   # later
    make_employee(first_name="Lena", last_name="Lager", department="Lager")
    return {"boss": boss, "worker": worker, "boss_user": make_user("employee", employee=boss),
            "worker_user": make_user("employee", employee=worker), "hr": make_user("hr")}


def _names(cycle):
    return sorted(r.employee.last_name for r in Review.objects(cycle=cycle))


def test_a_round_reviews_who_is_employed_on_the_due_date_once(team):
    assert reviews.start_cycle("Jahresgespräch 2026", DUE, "hr") == 3
    assert _names("Jahresgespräch 2026") == ["Boss", "Lager", "Werner"]
    assert reviews.start_cycle("Jahresgespräch 2026", DUE, "hr") == 0       # repeat: nothing
    assert {r.due_date for r in Review.objects(cycle="Jahresgespräch 2026")} == {DUE}
    assert reviews.start_cycle("Vertrieb H2", DUE, "hr", ["Vertrieb", " "]) == 2
    assert _names("Vertrieb H2") == ["Boss", "Werner"]
    with pytest.raises(BusinessRuleError):
        reviews.start_cycle("  ", DUE, "hr")
    # reviews HR sets up by hand (no round) still go in next to them
    Review(cycle="2026", employee=team["worker"]).save()
    Review(cycle="2026", employee=team["boss"]).save()
    assert Review.objects(cycle="2026").count() == 2


def test_the_manager_gets_the_task_hr_those_without_a_manager(team):
    reviews.start_cycle("2026", DUE, "hr")
    boss_tasks = list(reviews.reviews_due(team["boss_user"], today=DUE))
    assert [(t.params["name"], t.due, t.overdue) for t in boss_tasks] == [
        ("Walter Werner", DUE, False)]
    assert [t.overdue for t in reviews.reviews_due(team["boss_user"], date(2026, 12, 16))] \
        == [True]
    assert list(reviews.reviews_due(team["worker_user"], DUE)) == []
    hr = sorted(t.params["name"] for t in reviews.reviews_due(team["hr"], DUE))
    assert hr == ["Bea Boss", "Lena Lager"]          # Walter has a manager: not HR's task


def test_closing_needs_a_rating_and_the_right_person_and_ends_the_task(team):
    reviews.start_cycle("2026", DUE, "hr")
    review = Review.objects.get(employee=team["worker"].pk)
    with pytest.raises(BusinessRuleError, match="Führungskraft"):
        reviews.complete(review.pk, team["worker_user"])            # the employee reads only
    with pytest.raises(BusinessRuleError, match="Gesamtbewertung"):
        reviews.complete(review.pk, team["boss_user"])
    reviews.rate(review.pk, team["boss_user"], 4, "Gute Zielerreichung", {})
    done = reviews.complete(review.pk, team["boss_user"])
    assert (done.status, done.done_by) == ("done", team["boss_user"].email)
    with pytest.raises(BusinessRuleError, match="schon abgeschlossen"):
        reviews.complete(review.pk, team["hr"])
    assert list(reviews.reviews_due(team["boss_user"], DUE)) == []


def _post(client, url, **data):
    token = csrf_token_from(client.get("/hr/reviews/").data)
    return client.post(url, data={"csrf_token": token, **data})


def test_hr_starts_a_round_on_the_screen_and_others_cannot(client, login, team):
    login("finance")
    assert _post(client, "/hr/reviews/cycles", name="X", due_date="15.12.2026").status_code \
        == 403
    assert Review.objects.count() == 0
    client.get("/logout")
    login("hr")
    page = client.get(_post(client, "/hr/reviews/cycles", name="Jahresgespräch 2026",
                            due_date="15.12.2026").location).get_data(as_text=True)
    assert "Gesprächsrunde angelegt: 3 Mitarbeitergespräche." in page
    assert "fällig am 15.12.2026" in page
    review = Review.objects.get(employee=team["worker"].pk)
    client.get("/logout")
    login("support")             # no employee record: the review is not theirs
    assert _post(client, f"/hr/reviews/{review.pk}/done").status_code == 404
