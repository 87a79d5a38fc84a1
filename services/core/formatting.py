"""German number and date formats for display and for typed-in values."""
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
