"""A number input that follows the UI language: 1.234,56 in German, 1,234.56 in English.

The value is shown in the page's format with all its decimal places (a quantity of 1234
as 1.234,000, never 1.234, which an English reader takes for one point two three four),
so a form opened and saved unchanged keeps every value. Input is read in the page's
format only (services.core.values.parse_number_as_written); whatever it cannot read
for sure is refused with a message that says how to write it, and nothing is saved.
"""
from decimal import ROUND_HALF_UP, Decimal

from wtforms import fields

from services.core.formatting import format_number
from services.core.values import NumberEntryError, parse_number_as_written
from views.i18n import _, ui_locale


def decimal_mark(locale: str | None = None) -> str:
    """',' on a German page, '.' on an English one."""
    return "." if (locale or ui_locale()) == "en" else ","


class LocaleDecimalField(fields.StringField):
    """A text input for an exact decimal with `places` places and an optional range."""

    def __init__(self, label=None, validators=None, places=2, min_value=None,
                 max_value=None, **kwargs):
        self.places = places
        self.min_value, self.max_value = min_value, max_value
        super().__init__(label, validators, **kwargs)

    def __call__(self, **kwargs):
        kwargs.setdefault("inputmode", "decimal")
        kwargs.setdefault("autocomplete", "off")
        return super().__call__(**kwargs)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None or self.data == "":
            return ""
        return format_number(Decimal(self.data), self.places, ui_locale())

    def process_formdata(self, valuelist):
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        self.data = None
        self.data = self._checked(self._read(str(valuelist[0])))

    def _read(self, text: str) -> Decimal:
        mark = decimal_mark()
        try:
            return parse_number_as_written(text, mark)
        except NumberEntryError as exc:
            if not exc.ambiguous:
                raise ValueError(_("„%(text)s“ ist keine gültige Zahl. Bitte so schreiben: "
                                   "1234,56 oder 1.234,56.", text=exc.text)) from None
            group = "." if mark == "," else ","
            raise ValueError(_(
                "„%(text)s“ ist mehrdeutig. Bitte %(plain)s (ohne Tausenderpunkt) oder "
                "%(decimal)s schreiben.", text=exc.text,
                plain=exc.text.replace(group, ""),
                decimal=exc.text.replace(group, mark))) from None

    def _checked(self, value: Decimal) -> Decimal:
        locale = ui_locale()
        quantum = Decimal(1).scaleb(-self.places)
        rounded = value.quantize(quantum, ROUND_HALF_UP)
        if rounded != value:
            raise ValueError(_("Höchstens %(places)s Nachkommastellen, z. B. %(example)s.",
                               places=self.places,
                               example=format_number(rounded, self.places, locale)))
        if self.min_value is not None and rounded < self.min_value:
            raise ValueError(_("Mindestens %(min)s.", min=self._shown(self.min_value)))
        if self.max_value is not None and rounded > self.max_value:
            raise ValueError(_("Höchstens %(max)s.", max=self._shown(self.max_value)))
        return rounded

    def _shown(self, limit: Decimal) -> str:
        """A limit without needless zeros, in the page's format (0,001; 100)."""
        exponent = limit.normalize().as_tuple().exponent
        places = max(0, -exponent) if isinstance(exponent, int) else 0
        return format_number(limit, places, ui_locale())
