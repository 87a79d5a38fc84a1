"""Foreign-currency supplier invoices: the EUR rate (§ 16 Abs. 6 UStG), conversion, rate import.

The rates are data the clerk keeps (no network): `models.exchange_rate.ExchangeRate`,
typed in the panel or imported from a CSV file (`import_rates_csv`). The rule:

1. The BMF's monthly average rate for the month of the supply (delivery date, else the
   invoice date) — the statutory rate of § 16 Abs. 6 Satz 1 UStG;
2. else the ECB reference rate of the invoice date (Satz 2; the last published rate at
   most `ECB_LOOKBACK_DAYS` before it, for weekends and TARGET holidays);
3. else refused with a message that says which rate to enter.

If the XML states the VAT total in EUR (BT-6 tax currency EUR, BT-111), that amount is the
input VAT; the net amounts are converted at the rate. Rates are quoted as the ECB and BMF
do: 1 EUR = `rate` units of the foreign currency, so EUR = amount / rate.
"""
import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from models.exchange_rate import ExchangeRate
from services.core.messages import N_, RuleError
from services.core.values import parse_date, parse_decimal

CENT = Decimal("0.01")
ECB_LOOKBACK_DAYS = 7
KIND_WORDS = {"bmf": "bmf_month", "bmf_month": "bmf_month", "monat": "bmf_month",
              "ezb": "ecb_day", "ecb": "ecb_day", "ecb_day": "ecb_day", "tag": "ecb_day"}
KIND_LABELS = {"bmf_month": N_("BMF-Monatskurs"), "ecb_day": N_("EZB-Tageskurs")}


@dataclass(frozen=True)
class Rate:
    rate: Decimal
    kind: str
    day: date


def to_eur(amount: Decimal, rate: Decimal) -> Decimal:
    """A foreign amount in EUR at `rate` (1 EUR = rate units), commercially rounded."""
    return (Decimal(amount) / Decimal(rate)).quantize(CENT, ROUND_HALF_UP)


def supply_day(inv) -> date | None:
    """The day whose month decides the BMF rate: delivery (or period end), else the invoice date."""
    return inv.delivery_date or inv.period_end or inv.issue_date


def find_rate(currency: str, issue_date: date | None, supply: date | None = None) -> Rate | None:
    """The rate by the rule above, or None."""
    supply = supply or issue_date
    if supply is not None:
        month = ExchangeRate.objects(currency=currency, kind="bmf_month",
                                     day=supply.replace(day=1)).first()
        if month is not None:
            return Rate(month.rate, "bmf_month", month.day)
    if issue_date is not None:
        day = ExchangeRate.objects(currency=currency, kind="ecb_day", day__lte=issue_date,
                                   day__gte=issue_date - timedelta(days=ECB_LOOKBACK_DAYS)
                                   ).order_by("-day").first()
        if day is not None:
            return Rate(day.rate, "ecb_day", day.day)
    return None


def require_rate(inv) -> Rate:
    """The rate of a foreign-currency invoice, or a RuleError saying which rate is missing."""
    if not inv.issue_date:
        raise RuleError(N_("Für die Umrechnung in EUR fehlt das Rechnungsdatum"))
    found = find_rate(inv.currency, inv.issue_date, supply_day(inv))
    if found is None:
        month = supply_day(inv)
        raise RuleError(N_("Kein Umrechnungskurs für %(currency)s: bitte unter Finanzen → "
                           "Wechselkurse den BMF-Monatskurs %(month)s oder den EZB-Kurs vom "
                           "%(day)s erfassen (oder per CSV einlesen)"),
                        currency=inv.currency, month=f"{month:%m/%Y}",
                        day=f"{inv.issue_date:%d.%m.%Y}")
    return found


def intake_note(inv: dict) -> tuple[str, str] | None:
    """The finding of the intake for a foreign invoice: (message, severity) or None for EUR."""
    currency = (inv.get("currency") or "EUR").upper()
    if currency == "EUR":
        return None
    found = find_rate(currency, inv.get("issue_date"),
                      inv.get("delivery_date") or inv.get("period_end") or inv.get("issue_date"))
    if found is None:
        return (N_("Rechnung in %(currency)s: es ist noch kein Umrechnungskurs hinterlegt; "
                   "vor der Prüfung bitte den BMF-Monatskurs oder den EZB-Tageskurs erfassen")
                % {"currency": currency}, "warning")
    return (N_("Rechnung in %(currency)s: wird zum Kurs %(rate)s (%(kind)s) in EUR gebucht")
            % {"currency": currency, "rate": f"{found.rate.normalize():f}",
               "kind": KIND_LABELS[found.kind]}, "warning")


# ------------------------------------------------------------------------- CSV import

def import_rates_csv(data: bytes, user: str, source: str = "") -> int:
    """Read rates from CSV and store them (a repeated row replaces the rate); returns the count.

    Two shapes: the panel's own `Währung;Art;Datum;Kurs` (Art BMF or EZB, Datum a day or
    `MM/JJJJ` for a BMF month, Kurs `1,0523`) and the ECB's download `Date,USD,JPY,...`
    (one column per currency, ECB daily rates). Everything is checked before anything is
    written; an error names the row and what to fix.
    """
    text = _decode(data)
    sample = text[:2000]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise RuleError(N_("Die CSV-Datei ist leer"))
    header = [cell.strip().lstrip("\ufeff").lower() for cell in rows[0]]
    if header and header[0] == "date":
        parsed = _ecb_rows(header, rows[1:])
    elif header[:4] in (["währung", "art", "datum", "kurs"], ["currency", "kind", "day", "rate"]):
        parsed = _own_rows(rows[1:])
    else:
        raise RuleError(N_("Unbekannter Aufbau der CSV-Datei: erwartet die Spalten "
                           "Währung;Art;Datum;Kurs oder die EZB-Datei (Date,USD,...)"))
    for currency, kind, day, rate in parsed:
        ExchangeRate.objects(currency=currency, kind=kind, day=day).update_one(
            upsert=True, set__rate=rate, set__source=source[:200] or None,
            set__entered_by=user)
    return len(parsed)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RuleError(N_("Die CSV-Datei ist weder UTF-8 noch Windows-1252"))


def _rate(text: str, row: int) -> Decimal:
    try:
        value = parse_decimal(text.strip(), ",") if "," in text else Decimal(text.strip())
    except (ValueError, InvalidOperation):
        value = None
    if value is None or not value.is_finite() or value <= 0:
        raise RuleError(N_("Zeile %(row)s: Kurs „%(value)s“ ist keine positive Zahl"),
                        row=row, value=text)
    return value.quantize(Decimal("0.000001"), ROUND_HALF_UP)


def _currency(text: str, row: int) -> str:
    code = text.strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise RuleError(N_("Zeile %(row)s: „%(value)s“ ist kein Währungscode (z. B. USD)"),
                        row=row, value=text)
    if code == "EUR":
        raise RuleError(N_("Zeile %(row)s: für EUR gibt es keinen Umrechnungskurs"), row=row)
    return code


def _day(text: str, kind: str, row: int) -> date:
    text = text.strip()
    try:
        if kind == "bmf_month" and len(text) in (6, 7) and "/" in text:
            month, year = text.split("/")
            return date(int(year), int(month), 1)
        day = parse_date(text)
    except ValueError:
        raise RuleError(N_("Zeile %(row)s: „%(value)s“ ist kein Datum (TT.MM.JJJJ, für einen "
                           "BMF-Monat MM/JJJJ)"), row=row, value=text) from None
    return day.replace(day=1) if kind == "bmf_month" else day


def _own_rows(rows: list[list[str]]) -> list[tuple]:
    parsed = []
    for number, cells in enumerate(rows, start=2):
        if len(cells) < 4:
            raise RuleError(N_("Zeile %(row)s: erwartet vier Spalten Währung;Art;Datum;Kurs"),
                            row=number)
        kind = KIND_WORDS.get(cells[1].strip().lower())
        if kind is None:
            raise RuleError(N_("Zeile %(row)s: Art „%(value)s“ unbekannt; erlaubt sind BMF "
                                "(Monatskurs) und EZB (Tageskurs)"), row=number, value=cells[1])
        parsed.append((_currency(cells[0], number), kind, _day(cells[2], kind, number),
                       _rate(cells[3], number)))
    return parsed


def _ecb_rows(header: list[str], rows: list[list[str]]) -> list[tuple]:
    currencies = [(i, _currency(code, 1)) for i, code in enumerate(header[1:], start=1)
                  if code.strip()]
    parsed = []
    for number, cells in enumerate(rows, start=2):
        day = _day(cells[0], "ecb_day", number)
        for i, code in currencies:
            cell = cells[i].strip() if i < len(cells) else ""
            if cell and cell.upper() != "N/A":
                parsed.append((code, "ecb_day", day, _rate(cell, number)))
    return parsed
