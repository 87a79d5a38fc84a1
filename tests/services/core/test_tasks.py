"""The task list: sources per area, overdue first, a broken source does not hide the rest."""
from datetime import date, datetime, timedelta, timezone

import pytest

from services.core import tasks as task_list
from services.core.tasks import Task, register_task_source, tasks_for
from tests.factories import make_ticket, make_user


@pytest.fixture
def isolated_sources(monkeypatch):
    """Run with only the real sources plus what the test adds, restored afterwards."""
    task_list.task_sources()  # load the real ones first
    monkeypatch.setattr(task_list, "_SOURCES", dict(task_list._SOURCES))
    return task_list._SOURCES


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        Task(kind="todo", title="x", url="/")


def test_overdue_first_then_by_due_date_then_undated(app, isolated_sources):
    user = make_user("finance")
    register_task_source("t.a", lambda u: [
        Task(kind="deadline", title="später", url="/a", due=date(2026, 12, 20)),
        Task(kind="deadline", title="ohne Datum", url="/b"),
        Task(kind="overdue", title="überfällig", url="/c", due=date(2026, 12, 25), overdue=True),
        Task(kind="deadline", title="früher", url="/d", due=datetime(2026, 12, 5, tzinfo=timezone.utc)),
    ])
    titles = [t.title for t in tasks_for(user).tasks if t.url in ("/a", "/b", "/c", "/d")]
    assert titles == ["überfällig", "früher", "später", "ohne Datum"]


def test_a_failing_source_is_named_and_the_others_still_answer(app, isolated_sources):
    user = make_user("finance")

    def broken(u):
        raise RuntimeError("boom")

    register_task_source("t.broken", broken)
    register_task_source("t.ok", lambda u: [Task(kind="reminder", title="ok", url="/ok")])
    result = tasks_for(user)
    assert result.failed == ["t.broken"]
    assert [t.url for t in result.tasks if t.url == "/ok"] == ["/ok"]


def test_open_tickets_assigned_to_the_user_are_tasks_others_are_not(app):
    me_ = make_user("support")
    other = make_user("support")
    mine = make_ticket(title="Drucker", assignee=me_)
    make_ticket(title="Fremd", assignee=other)
    make_ticket(title="Erledigt", assignee=me_, status="closed")
    late = make_ticket(title="Spät", assignee=me_)
    late.update(set__due_at=datetime.now(timezone.utc) - timedelta(hours=1))
    result = tasks_for(me_)
    refs = {t.params.get("title"): t for t in result.tasks if t.area == "support"}
    assert set(refs) == {"Drucker", "Spät"}
    assert refs["Spät"].overdue and not refs["Drucker"].overdue
    assert refs["Drucker"].url.endswith(f"id={mine.pk}")
    assert result.tasks[0].params["title"] == "Spät"
