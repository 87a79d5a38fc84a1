"""Labels over codes: every shown field has a label, jobs read as a clerk would, dates follow
the UI language."""
from datetime import date

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask
from flask_babel import Babel, force_locale
from wtforms import Form

from admin.dates import LocaleDateField
from admin.labels import schedule_label
from services.core.formatting import parse_date


@pytest.fixture
def bare_app():
    """A Flask app with the project's catalog, no database (pure rendering)."""
    from tests.conftest import REPO

    app = Flask(__name__)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(REPO / "translations")
    Babel(app)
    return app


def test_dates_in_both_spellings_and_nothing_else():
    assert parse_date("31.12.2026") == date(2026, 12, 31)
    assert parse_date(" 1.2.2026 ") == date(2026, 2, 1)
    assert parse_date("2026-12-31") == date(2026, 12, 31)
    for wrong in ("12/31/2026", "31.02.2026", "2026-13-01", "31.12.26", "", "heute"):
        with pytest.raises(ValueError):
            parse_date(wrong)


class _DateForm(Form):
    when = LocaleDateField("Datum")


def test_date_input_follows_the_ui_language(bare_app):
    with bare_app.test_request_context():
        with force_locale("de"):
            html = _DateForm(data={"when": date(2026, 12, 31)}).when()
            assert 'value="31.12.2026"' in html and 'type="text"' in html
            assert 'placeholder="TT.MM.JJJJ"' in html
        with force_locale("en"):
            html = _DateForm(data={"when": date(2026, 12, 31)}).when()
            assert 'value="2026-12-31"' in html and 'placeholder="YYYY-MM-DD"' in html


def test_typed_dates_are_read_and_a_us_date_is_refused(bare_app):
    from werkzeug.datastructures import MultiDict

    with bare_app.test_request_context(), force_locale("de"):
        form = _DateForm(MultiDict({"when": "01.03.2026"}))
        assert form.validate() and form.when.data == date(2026, 3, 1)
        form = _DateForm(MultiDict({"when": "03/01/2026"}))
        assert not form.validate()
        assert form.when.errors == ["Bitte ein Datum wie 31.12.2026 eingeben."]
    with bare_app.test_request_context(), force_locale("en"):
        form = _DateForm(MultiDict({"when": "03/01/2026"}))
        assert not form.validate()
        assert form.when.errors == ["Please enter a date like 2026-12-31."]


def test_schedules_read_as_a_clerk_would(bare_app):
    with bare_app.test_request_context():
        with force_locale("de"):
            assert schedule_label(CronTrigger(hour=2, minute=0)) == "täglich 02:00"
            assert schedule_label(CronTrigger(hour=6, minute=30)) == "täglich 06:30"
            assert schedule_label(IntervalTrigger(minutes=15)) == "alle 15 Minuten"
            assert schedule_label(IntervalTrigger(hours=1)) == "stündlich"
            assert schedule_label(IntervalTrigger(minutes=1)) == "jede Minute"
            assert schedule_label(CronTrigger(day_of_week="mon-fri", hour=7, minute=0)) == \
                "werktags 07:00"
            assert schedule_label(CronTrigger(day_of_week="mon,wed-fri", hour=7, minute=0)) \
                == "wöchentlich (Mo, Mi–Fr) 07:00"
        with force_locale("en"):
            assert schedule_label(CronTrigger(hour=2, minute=0)) == "daily 02:00"
            assert schedule_label(IntervalTrigger(minutes=15)) == "every 15 minutes"
            assert schedule_label(IntervalTrigger(minutes=1)) == "every minute"
            assert schedule_label(CronTrigger(day_of_week="mon-fri", hour=7, minute=0)) == \
                "weekdays 07:00"
            assert schedule_label(CronTrigger(day_of_week="mon,wed-fri", hour=7, minute=0)) \
                == "weekly (Mon, Wed–Fri) 07:00"


def test_every_registered_job_has_a_german_title_and_description():
    from admin.labels import JOBS
    from jobs import ensure_registry

    assert set(ensure_registry()) <= set(JOBS), set(ensure_registry()) - set(JOBS)


def test_every_column_filter_and_form_field_of_every_view_has_a_label(app):
    """A new field shown anywhere without an entry in admin.labels fails here by name."""
    missing = []
    with app.test_request_context():
        for view in app.extensions["admin"][0]._views:
            if getattr(view, "model", None) is None:
                continue
            names = set(view.column_list or ()) | set(view.column_details_list or ())
            names |= {f for f in view.column_filters or () if isinstance(f, str)}
            names |= {n for n, _ in view.get_form()()._fields.items()}
            for name in sorted(n for n in names if isinstance(n, str)):
                if name == "csrf_token":
                    continue
                label = str(view.get_column_name(name))
                if label == view._prettify_name(name) and label not in ("Status", "Name",
                                                                         "Position", "Text",
                                                                         "Job", "Phase",
                                                                         "Betriebsnummer"):
                    missing.append(f"{view.endpoint}.{name}")
    assert not missing, f"fields without a label (add them to admin.labels.FIELDS): {missing}"


def test_every_menu_entry_has_a_german_label():
    """Views are registered under English names; each needs its German entry in MENU
    ("API tokens" and "Webhook deliveries" stood in English in the German menu)."""
    import admin as panel
    from admin.labels import MENU

    names = {label for _view, _doc, label, _cat, _ep in panel.VIEWS}
    names |= {cat for _view, _doc, _label, cat, _ep in panel.VIEWS if cat}
    names |= {label for _view, label, _cat, _ep in panel.PAGES}
    names |= {p[1] for p in panel.IT_PAGES + panel.OPERATIONS_PAGES}
    missing = sorted(n for n in names if n not in MENU)
    assert missing == []
    assert str(MENU["API tokens"]) == "API-Tokens"
