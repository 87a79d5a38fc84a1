"""Dates inside task titles follow the page's language (issue 20: an English task list
read "Decide the absence of … (15.12.2026–21.12.2026)")."""
from datetime import date

from services.core.tasks import Task

ABSENCE = Task(kind="approval", url="/hr/absences/x",
               title="Abwesenheit von %(name)s entscheiden (%(start)s–%(end)s)",
               params={"name": "Simona Pruschke", "start": date(2026, 12, 15),
                       "end": date(2026, 12, 21)})


def test_task_title_dates_in_each_language(app):
    from views.tasks import task_title

    with app.test_request_context("/"):
        assert task_title(ABSENCE) == (
            "Abwesenheit von Simona Pruschke entscheiden (15.12.2026–21.12.2026)")
    with app.test_request_context("/", headers={"Accept-Language": "en-US,en;q=0.9"}):
        assert task_title(ABSENCE) == (
            "Decide the absence of Simona Pruschke (2026-12-15–2026-12-21)")


def test_digest_title_dates_in_each_language(app):
    from services.core.digest import _title

    assert _title(ABSENCE, "de", None) == (
        "Abwesenheit von Simona Pruschke entscheiden (15.12.2026–21.12.2026)")
    assert _title(ABSENCE, "en", lambda text, language: "Decide the absence of %(name)s "
                  "(%(start)s–%(end)s)") == (
        "Decide the absence of Simona Pruschke (2026-12-15–2026-12-21)")

