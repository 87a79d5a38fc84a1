"""Turn the text of one CSV cell into a typed value, or say in German why not.

The `parse_*` functions are the public, forgiving entry points (they trim the text).
`converter()` returns the lean per-cell functions the reader calls a million times:
they expect text that is already trimmed and not empty.
"""
import calendar
import re
from datetime import date
from decimal import Decimal
from functools import lru_cache, partial
from typing import Callable

_PLAIN_NUMBER = re.compile(r"([-+]?)(\d*)(?:([.,])(\d+))?", re.ASCII)
# Thousands grouped by '.', ',', a space or an apostrophe, optionally with decimals.
_GROUPED_NUMBER = re.compile(r"([-+]?)(\d{1,3}(?:([., '])\d{3})(?:\3\d{3})*)(?:([.,])(\d+))?", re.ASCII)
_NUMBER_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2212": "-", "\u2019": "'"})
_CURRENCY_WORDS = ("€", "euro", "eur")

_TIME_OF_DAY = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})" + _TIME_OF_DAY, re.ASCII)
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME_OF_DAY, re.ASCII)
_MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
           "September", "Oktober", "November", "Dezember")
FIRST_YEAR, LAST_YEAR = 1900, 2099

_BOOLEANS = {
    **dict.fromkeys(("ja", "j", "yes", "y", "true", "wahr", "1", "x"), True),
    **dict.fromkeys(("nein", "n", "no", "false", "falsch", "0"), False),
}
BOOLEAN_WORDS = "ja/nein, x, 1/0, wahr/falsch, yes/no, true/false"


def parse_decimal(text: str, decimal_mark: str | None = None) -> Decimal:
    """Read '1.234,56', '1234,56', '1234.56', '1,234.56' or '12,50 €' as a Decimal.

    `decimal_mark` (',' or '.') only settles the one ambiguous shape, a single separator
    followed by exactly three digits ('1.234'); without it such a value is refused.
    """
    return _parse_number(decimal_mark, False, _non_empty(text))


def parse_int(text: str, decimal_mark: str | None = None) -> int:
    """Read '42', '-3', '1.234' or '12,00' as an int; refuse anything with a fraction."""
    return _parse_int(decimal_mark, _non_empty(text))


def parse_date(text: str) -> date:
    """Read '31.12.2026', '31.12.26', '1.2.2026' or '2026-12-31' as a date."""
    return _parse_date(_non_empty(text))


def parse_bool(text: str) -> bool:
    """Read ja/nein, x, 1/0, wahr/falsch, yes/no or true/false (any case) as a bool."""
    return _parse_bool(_non_empty(text))


def converter(kind: str, decimal_mark: str | None) -> Callable[[str], object] | None:
    """Return the per-cell parser for a column kind; None means keep the text as it is."""
    if kind == "decimal":
        return partial(_parse_number, decimal_mark, False)
    if kind == "int":
        return partial(_parse_int, decimal_mark)
    return {"str": None, "date": _parse_date, "bool": _parse_bool}[kind]


def _non_empty(text: str) -> str:
    trimmed = text.strip()
    if not trimmed:
        raise ValueError("Der Wert ist leer.")
    return trimmed


def _parse_number(decimal_mark: str | None, thousands_if_ambiguous: bool, text: str) -> Decimal:
    match = _PLAIN_NUMBER.fullmatch(text)
    if match is None:
        return _parse_unusual_number(decimal_mark, thousands_if_ambiguous, text)
    sign, whole, separator, fraction = match.groups()
    if separator is None:
        if whole:
            return Decimal(text)
        raise ValueError(_not_a_number(text))
    if len(fraction) == 3 and 0 < len(whole) <= 3 and whole[0] != "0" and separator != decimal_mark:
        # '1.234' is 1234 to German Excel and 1.234 to everybody else.
        if decimal_mark is None and not thousands_if_ambiguous:
            raise ValueError(
                f"„{text}“ ist mehrdeutig: {whole}{fraction} oder {whole},{fraction}? "
                "Bitte ohne Tausendertrennzeichen schreiben."
            )
        return Decimal(sign + whole + fraction)
    return Decimal(f"{sign}{whole or '0'}.{fraction}")


def _parse_unusual_number(decimal_mark: str | None, thousands_if_ambiguous: bool, text: str) -> Decimal:
    cleaned = _strip_currency_and_spaces(text)
    if cleaned != text and _PLAIN_NUMBER.fullmatch(cleaned):
        return _parse_number(decimal_mark, thousands_if_ambiguous, cleaned)
    match = _GROUPED_NUMBER.fullmatch(cleaned)
    if match is None or match.group(3) == match.group(4):
        raise ValueError(_not_a_number(text))
    sign, grouped, group_separator, _, fraction = match.groups()
    digits = sign + grouped.replace(group_separator, "")
    return Decimal(f"{digits}.{fraction}" if fraction else digits)


def _strip_currency_and_spaces(text: str) -> str:
    """Drop a euro sign or word, move an SAP-style trailing minus to the front."""
    cleaned = text.translate(_NUMBER_SPACES)
    folded = cleaned.casefold()
    for word in _CURRENCY_WORDS:
        if folded.endswith(word):
            cleaned = cleaned[: -len(word)].rstrip()
            break
        if folded.startswith(word):
            cleaned = cleaned[len(word):].lstrip()
            break
    if len(cleaned) > 1 and cleaned.endswith("-") and cleaned[0] not in "+-":
        cleaned = "-" + cleaned[:-1].rstrip()
    if cleaned[:1] in ("+", "-"):
        cleaned = cleaned[0] + cleaned[1:].lstrip()
    return cleaned


def _not_a_number(text: str) -> str:
    return f"„{text}“ ist keine gültige Zahl (erwartet z. B. 1234,56 oder 1.234,56)."


def _parse_int(decimal_mark: str | None, text: str) -> int:
    if text.isascii() and text.isdigit():
        return int(text)
    try:
        # An int column cannot mean 1.234 as a fraction, so '1.234' is read as 1234.
        number = _parse_number(decimal_mark, True, text)
    except ValueError:
        raise ValueError(f"„{text}“ ist keine ganze Zahl.") from None
    if number != number.to_integral_value():
        raise ValueError(f"„{text}“ ist keine ganze Zahl (Nachkommastellen sind hier nicht erlaubt).")
    return int(number)


@lru_cache(maxsize=4096)  # dates repeat a lot within one file; the cache stays bounded
def _parse_date(text: str) -> date:
    match = _GERMAN_DATE.fullmatch(text)
    if match is not None:
        day, month, year = match.groups()
        full_year = int(year)
        if len(year) == 2:
            full_year += 2000 if full_year < 30 else 1900  # Excel's window: 00-29 → 20xx
        return _checked_date(text, full_year, int(month), int(day))
    match = _ISO_DATE.fullmatch(text)
    if match is not None:
        year, month, day = match.groups()
        return _checked_date(text, int(year), int(month), int(day))
    raise ValueError(f"„{text}“ ist kein Datum (erwartet TT.MM.JJJJ wie 31.12.2026 oder JJJJ-MM-TT).")


def _checked_date(text: str, year: int, month: int, day: int) -> date:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"„{text}“: das Jahr {year} ist unplausibel (erlaubt {FIRST_YEAR}–{LAST_YEAR}).")
    if not 1 <= month <= 12:
        raise ValueError(f"„{text}“ ist kein gültiges Datum: einen Monat {month} gibt es nicht.")
    days = calendar.monthrange(year, month)[1]
    if day < 1:
        raise ValueError(f"„{text}“ ist kein gültiges Datum: einen Tag {day} gibt es nicht.")
    if day > days:
        raise ValueError(
            f"„{text}“ ist kein gültiges Datum: der {_MONTHS[month - 1]} {year} hat nur {days} Tage."
        )
    return date(year, month, day)


def _parse_bool(text: str) -> bool:
    try:
        return _BOOLEANS[text.casefold()]
    except KeyError:
        raise ValueError(f"„{text}“ ist kein Ja/Nein-Wert (erlaubt: {BOOLEAN_WORDS}).") from None


class NumberEntryError(ValueError):
    """A typed-in number that cannot be read in the page's format.

    `ambiguous` is set for the one shape that two languages read differently (a single
    group of three digits after the other language's decimal mark: '1.234' on a German
    page, '1,234' on an English one); the message then offers both ways to write it.
    """

    def __init__(self, text: str, ambiguous: bool = False):
        self.text, self.ambiguous = text, ambiguous
        super().__init__(f"„{text}“ ist mehrdeutig." if ambiguous else _not_a_number(text))


def parse_number_as_written(text: str, decimal_mark: str) -> Decimal:
    """Read a number typed in the format of the page's language; refuse anything else.

    `decimal_mark` is ',' (German: '1234,56', '1.234,56', '-1.234.567') or '.' (English:
    '1234.56', '1,234.56'). The other mark is only a thousands separator, in groups of
    three; a single such group without decimals ('1.234' on a German page) is refused as
    ambiguous, since a reader of the other language means 1.234 by it. A euro sign or
    word and spaces around the number are ignored. Raises NumberEntryError.
    """
    group = "." if decimal_mark == "," else ","
    cleaned = text.strip()
    if not cleaned:
        raise NumberEntryError(text)
    cleaned = _strip_currency_and_spaces(cleaned)
    match = _page_number(decimal_mark).fullmatch(cleaned)
    if match is None:
        raise NumberEntryError(text.strip())
    sign, whole, fraction = match.groups()
    if not whole and fraction is None:
        raise NumberEntryError(text.strip())
    if group in whole and fraction is None and whole.count(group) == 1:
        raise NumberEntryError(text.strip(), ambiguous=True)
    number = Decimal(f"{sign}{whole.replace(group, '') or '0'}.{fraction or '0'}")
    return number.copy_abs() if number == 0 else number  # '-0,00' is 0,00


@lru_cache(maxsize=2)
def _page_number(decimal_mark: str) -> re.Pattern:
    group = re.escape("." if decimal_mark == "," else ",")
    mark = re.escape(decimal_mark)
    return re.compile(rf"([-+]?)(\d+|[1-9]\d{{0,2}}(?:{group}\d{{3}})+|)(?:{mark}(\d+))?", re.ASCII)
