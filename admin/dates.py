"""A date input that follows the UI language: 31.12.2026 in German, 2026-12-31 in English.

The browser's own date input shows the browser's format (mm/dd/yyyy in an American
Chromium) whatever the panel's language is; this text field shows and reads the panel's.
Both spellings are accepted in both languages, since neither can be mistaken for the other.
"""
from datetime import date

from flask_babel import get_locale
from wtforms import fields
from wtforms.widgets import TextInput

from services.core.formatting import parse_date
from views.i18n import _l


def format_date_for_locale(value: date | None, locale: str | None = None) -> str:
    """The date as the UI language writes it."""
    if value is None:
        return ""
    locale = locale or str(get_locale() or "de")
    return value.isoformat() if locale.startswith("en") else value.strftime("%d.%m.%Y")


class LocaleDateField(fields.DateField):
    """A DateField rendered as a text input in the UI language's format."""

    widget = TextInput()

    def __call__(self, **kwargs):
        german = not str(get_locale() or "de").startswith("en")
        kwargs.setdefault("placeholder", _l("TT.MM.JJJJ") if german else "YYYY-MM-DD")
        kwargs.setdefault("autocomplete", "off")
        kwargs.setdefault("data-date-input", "locale")
        return super().__call__(**kwargs)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return format_date_for_locale(self.data)

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = parse_date(valuelist[0])
        except ValueError:
            self.data = None
            raise ValueError(str(_l("Bitte ein Datum wie 31.12.2026 eingeben."))) from None
