"""Number and date formats for display (German, or English on English pages) and for
typed-in values. CSV exports, PDFs and letters keep the German forms (format_*_de)."""
import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal


def format_decimal_de(value: Decimal, places: int = 2) -> str:
    """Format 1234.5 as '1.234,50'."""
    quantum = Decimal(1).scaleb(-places)
    text = f"{Decimal(value).quantize(quantum, ROUND_HALF_UP):,.{places}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def format_money_de(value: Decimal) -> str:
    """Format an amount as '1.234,56 €'."""
    return f"{format_decimal_de(value)} €"


def format_number(value, places: int = 2, locale: str = "de") -> str:
    """1234.5 as '1.234,50' in German, '1,234.50' in English."""
    if not str(locale).startswith("en"):
        return format_decimal_de(value, places)
    quantum = Decimal(1).scaleb(-places)
    return f"{Decimal(value).quantize(quantum, ROUND_HALF_UP):,.{places}f}"


def format_money(value, locale: str = "de") -> str:
    """An amount in euros as the language writes it: '1.234,56 €' or '€1,234.56' (Babel's
    currency format of the English locale)."""
    if not str(locale).startswith("en"):
        return format_money_de(value)
    from babel.numbers import format_currency

    rounded = Decimal(value).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return format_currency(rounded, "EUR", locale="en")


def format_day(value: date | datetime, locale: str = "de") -> str:
    """31.12.2026 in German, 2026-12-31 in English (as the date inputs read them)."""
    return value.strftime("%Y-%m-%d" if str(locale).startswith("en") else "%d.%m.%Y")


def format_day_time(value: datetime, locale: str = "de") -> str:
    """31.12.2026 14:05 in German, 2026-12-31 14:05 in English (time as given)."""
    return f"{format_day(value, locale)} {value.strftime('%H:%M')}"


def format_iban(value: str) -> str:
    """Write an IBAN in groups of four, as on paper: DE02 1203 0000 0000 2020 51."""
    compact = "".join((value or "").split())
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))


def format_date_de(value: date | datetime) -> str:
    """Format a date as 31.12.2026."""
    return value.strftime("%d.%m.%Y")


DATE_GERMAN = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_date(text: str) -> date:
    """Read 31.12.2026 or 2026-12-31; ValueError for anything else or an impossible date."""
    text = (text or "").strip()
    german, iso = DATE_GERMAN.match(text), DATE_ISO.match(text)
    if german:
        day, month, year = map(int, german.groups())
    elif iso:
        year, month, day = map(int, iso.groups())
    else:
        raise ValueError(text)
    return date(year, month, day)
