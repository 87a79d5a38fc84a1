"""Words the screenshot review found wrong on English pages (issue 20): "Von" of a date
range was "By", the absence types' names (seeded data) stayed German."""
import pytest

EN = {"Accept-Language": "en-US,en;q=0.9"}


@pytest.mark.parametrize("german, english", [
    ("Von", "From"), ("Bis", "To"), ("Zugewiesen von", "Assigned by"),
    ("Urlaub", "Vacation"), ("Krankheit", "Sick leave"), ("Elternzeit", "Parental leave"),
])
def test_english_catalog_word(app, german, english):
    from flask_babel import gettext

    with app.test_request_context("/", headers=EN):
        assert gettext(german) == english
    with app.test_request_context("/"):
        assert gettext(german) == german


def test_every_seeded_absence_type_name_has_an_english_name(app):
    from flask_babel import gettext

    from seeds.reference import ABSENCE_TYPES

    with app.test_request_context("/", headers=EN):
        untranslated = [name for _code, name, *_ in ABSENCE_TYPES if gettext(name) == name]
    assert untranslated == []
