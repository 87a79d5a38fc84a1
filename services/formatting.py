"""German number and date formats for display and for typed-in values."""
from datetime import date, datetime
from decimal import Decimal, InvalidOperation


def format_decimal_de(value: Decimal, places: int = 2) -> str:
    """Format 1234.5 as '1.234,50'."""
    quantum = Decimal(1).scaleb(-places)
    text = f"{Decimal(value).quantize(quantum):,.{places}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def format_money_de(value: Decimal) -> str:
    """Format an amount as '1.234,56 €'."""
    return f"{format_decimal_de(value)} €"


def format_date_de(value: date | datetime) -> str:
    """Format a date as 31.12.2026."""
    return value.strftime("%d.%m.%Y")


def parse_decimal_input(text: str) -> Decimal:
    """Read '1.234,56', '1234,56' or '1234.56' as typed into a form; raise ValueError."""
    raw = text.strip().replace("€", "").replace("\u00a0", "").replace(" ", "")
    if not raw:
        raise ValueError("empty amount")
    if "," in raw:
        # German: dots group thousands, the comma is the decimal mark.
        if raw.count(",") > 1:
            raise ValueError(f"'{text}' is not a number (two decimal commas)")
        whole, frac = raw.split(",")
        _check_grouping(whole, ".", text)
        raw = whole.replace(".", "") + "." + frac
    elif raw.count(".") > 1:
        _check_grouping(raw, ".", text)
        raw = raw.replace(".", "")
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"'{text}' is not a number; write e.g. 1.234,56") from None


def _check_grouping(whole: str, sep: str, original: str) -> None:
    if sep not in whole:
        return
    groups = whole.lstrip("+-").split(sep)
    if not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
        raise ValueError(f"'{original}' is not a number: thousands are grouped by three")
