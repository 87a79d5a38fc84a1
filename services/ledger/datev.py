"""DATEV-Format (EXTF 700): header line, column rows, and journal entries as DATEV booking lines.

Format description: DATEV's published "DATEV-Format" (developer portal, Buchungsstapel
format category 21 version 13 with 125 columns; Debitoren/Kreditoren category 16 version
5). Files are Windows-1252, `;`-separated, text in double quotes, CRLF line ends.

An entry becomes one DATEV line per account it touches besides its counter account
(the largest line without a tax key, e.g. the receivable): Konto = counter, Gegenkonto
= the other account, S/H = the side of the counter. Where a revenue or expense line
carries a tax key DATEV knows (datev_tax_keys.csv: BU 3/2 output VAT, 9/8 input VAT)
and the VAT line equals what DATEV computes from the gross amount, the two are written
as one gross line with the BU-Schlüssel and DATEV splits the tax off again. Otherwise
net and tax go out as separate lines without a key. Tax-exempt categories (IGL, export,
reverse charge) need no key: their revenue accounts carry the function in DATEV.
"""
import csv
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path

ENCODING = "cp1252"
CRLF = "\r\n"

BOOKING_COLUMNS = (
    ["Umsatz (ohne Soll/Haben-Kz)", "Soll/Haben-Kennzeichen", "WKZ Umsatz", "Kurs",
     "Basis-Umsatz", "WKZ Basis-Umsatz", "Konto", "Gegenkonto (ohne BU-Schlüssel)",
     "BU-Schlüssel", "Belegdatum", "Belegfeld 1", "Belegfeld 2", "Skonto", "Buchungstext",
     "Postensperre", "Diverse Adressnummer", "Geschäftspartnerbank", "Sachverhalt",
     "Zinssperre", "Beleglink"]
    + [f"Beleginfo - {part} {i}" for i in range(1, 9) for part in ("Art", "Inhalt")]
    + ["KOST1 - Kostenstelle", "KOST2 - Kostenstelle", "Kost-Menge", "EU-Land u. UStID",
       "EU-Steuersatz", "Abw. Versteuerungsart", "Sachverhalt L+L", "Funktionsergänzung L+L",
       "BU 49 Hauptfunktionstyp", "BU 49 Hauptfunktionsnummer", "BU 49 Funktionsergänzung"]
    + [f"Zusatzinformation - {part} {i}" for i in range(1, 21) for part in ("Art", "Inhalt")]
    + ["Stück", "Gewicht", "Zahlweise", "Forderungsart", "Veranlagungsjahr",
       "Zugeordnete Fälligkeit", "Skontotyp", "Auftragsnummer", "Buchungstyp",
       "USt-Schlüssel (Anzahlungen)", "EU-Land (Anzahlungen)", "Sachverhalt L+L (Anzahlungen)",
       "EU-Steuersatz (Anzahlungen)", "Erlöskonto (Anzahlungen)", "Herkunft-Kz",
       "Buchungs GUID", "KOST-Datum", "SEPA-Mandatsreferenz", "Skontosperre",
       "Gesellschaftername", "Beteiligtennummer", "Identifikationsnummer", "Zeichnernummer",
       "Postensperre bis", "Bezeichnung SoBil-Sachverhalt", "Kennzeichen SoBil-Buchung",
       "Festschreibung", "Leistungsdatum", "Datum Zuord. Steuerperiode", "Fälligkeit",
       "Generalumkehr (GU)", "Steuersatz", "Land", "Abrechnungsreferenz", "BVV-Position",
       "EU-Mitgliedstaat u. UStID (Ursprung)", "EU-Steuersatz (Ursprung)", "Abw. Skontokonto"])
assert len(BOOKING_COLUMNS) == 125

# The columns of the master-data file we fill, in DATEV's order (the importer reads by
# position; the remaining columns of the 243 are optional and left off).
PARTY_COLUMNS = [
    "Konto", "Name (Adressattyp Unternehmen)", "Unternehmensgegenstand",
    "Name (Adressattyp natürl. Person)", "Vorname (Adressattyp natürl. Person)",
    "Name (Adressattyp keine Angabe)", "Adressattyp", "Kurzbezeichnung", "EU-Land",
    "EU-UStID", "Anrede", "Titel/Akad. Grad", "Adelstitel", "Namensvorsatz", "Adressart",
    "Straße", "Postfach", "Postleitzahl", "Ort", "Land", "Versandzusatz", "Adresszusatz",
    "Abweichende Anrede", "Abw. Zustellbezeichnung 1", "Abw. Zustellbezeichnung 2",
    "Kennz. Korrespondenzadresse", "Adresse Gültig von", "Adresse Gültig bis", "Telefon",
    "Bemerkung (Telefon)", "Telefon GL", "Bemerkung (Telefon GL)", "E-Mail",
    "Bemerkung (E-Mail)", "Internet", "Bemerkung (Internet)", "Fax", "Bemerkung (Fax)",
    "Sonstige", "Bemerkung (Sonstige)", "Bankleitzahl 1", "Bankbezeichnung 1",
    "Bank-Kontonummer 1", "Länderkennzeichen 1", "IBAN-Nr. 1", "Leerfeld", "SWIFT-Code 1"]

FORMATS = {"bookings": (21, "Buchungsstapel", 13), "master_data": (16, "Debitoren/Kreditoren", 5)}


@dataclass(frozen=True)
class TaxKey:
    bu_key: str
    rate: Decimal
    vat_account: dict  # chart -> account


@dataclass
class DatevLine:
    amount_cents: int   # positive
    side: str           # "S" or "H", of Konto
    account: str        # Konto
    contra: str         # Gegenkonto
    bu_key: str = ""


@dataclass(frozen=True)
class Header:
    kind: str
    created: datetime
    consultant_no: int
    client_no: int
    fiscal_year_start: date
    account_length: int
    date_from: date | None = None
    date_to: date | None = None
    title: str = ""
    user: str = ""
    chart: str = "SKR03"


@lru_cache(maxsize=1)
def tax_keys() -> dict[str, TaxKey]:
    """The journal's tax keys DATEV has a BU-Schlüssel for (datev_tax_keys.csv)."""
    with open(Path(__file__).with_name("datev_tax_keys.csv"), encoding="utf-8") as handle:
        return {row["tax_key"]: TaxKey(row["bu_key"], Decimal(row["rate"]),
                                       {"SKR03": row["vat_account_skr03"],
                                        "SKR04": row["vat_account_skr04"]})
                for row in csv.DictReader(handle, delimiter=";")}


def header_line(h: Header) -> str:
    """Line 1 of a DATEV file: the 31 header fields of format version 700."""
    category, name, version = FORMATS[h.kind]
    fields = [
        _text("EXTF"), "700", str(category), _text(name), str(version),
        h.created.strftime("%Y%m%d%H%M%S") + f"{h.created.microsecond // 1000:03d}",
        "", _text("BO"), _text(h.user[:25]), _text(""), str(h.consultant_no), str(h.client_no),
        h.fiscal_year_start.strftime("%Y%m%d"), str(h.account_length),
        h.date_from.strftime("%Y%m%d") if h.date_from else "",
        h.date_to.strftime("%Y%m%d") if h.date_to else "",
        _text(h.title[:30]), _text(""),
        "1" if h.kind == "bookings" else "", "0" if h.kind == "bookings" else "",
        # Festschreibung 1: the entries are posted and immutable in our books (GoBD)
        "1" if h.kind == "bookings" else "", _text("EUR" if h.kind == "bookings" else ""),
        "", "", "", "", _text(h.chart[-2:]), "", "", "", _text(""),
    ]
    assert len(fields) == 31
    return ";".join(fields) + CRLF


def column_line(kind: str) -> str:
    """Line 2: the column names."""
    return ";".join(BOOKING_COLUMNS if kind == "bookings" else PARTY_COLUMNS) + CRLF


def booking_row(line: DatevLine, day: date, voucher: str, text: str, link: str = "") -> str:
    """One booking line with its 125 fields."""
    fields = [""] * 125
    fields[0] = amount_text(line.amount_cents)
    fields[1] = _text(line.side)
    fields[6], fields[7] = line.account, line.contra
    fields[8] = _text(line.bu_key) if line.bu_key else ""
    fields[9] = day.strftime("%d%m")
    fields[10] = _text(voucher_field(voucher))
    fields[13] = _text(text[:60])
    fields[19] = _text(link[:210]) if link else ""
    return ";".join(fields) + CRLF


def party_row(account: str, name: str, *, street="", postal_code="", city="", country="",
              vat_id="", email="", iban="") -> str:
    """One Debitor/Kreditor master-data line."""
    values = dict.fromkeys(range(len(PARTY_COLUMNS)), "")
    values[0] = account
    values[1] = _text(name[:50])
    values[6] = "2"  # Adressattyp 2 = Unternehmen
    values[7] = _text(name[:15])
    if vat_id:
        values[8], values[9] = _text(vat_id[:2]), _text(vat_id[2:15])
    values[14] = _text("STR")
    values[15], values[17], values[18] = _text(street[:36]), _text(postal_code[:10]), \
        _text(city[:30])
    values[19] = _text(country[:2])
    values[32] = _text(email[:60])
    values[44] = _text(iban[:34])
    return ";".join(values[i] for i in range(len(PARTY_COLUMNS))) + CRLF


def split_entry(lines: list[dict], chart: str) -> list[DatevLine]:
    """DATEV lines for one entry's lines (dicts with account, debit, credit cents, tax_key)."""
    items = _gross_items(lines, chart)
    counter = _counter(items)
    if counter is None:
        items = _plain_items(lines)
        counter = _counter(items)
    lines_out = []
    for account, signed, bu in items:
        if (account, bu) == (counter, "") or signed == 0:
            continue
        # the counter gets the opposite side of the other account's line
        lines_out.append(DatevLine(abs(signed), "H" if signed > 0 else "S", counter, account, bu))
    return lines_out


def _plain_items(lines) -> list[tuple[str, int, str]]:
    sums: dict[str, int] = {}
    for ln in lines:
        sums[ln["account"]] = sums.get(ln["account"], 0) + _signed(ln)
    return [(account, signed, "") for account, signed in sums.items()]


def _gross_items(lines, chart: str) -> list[tuple[str, int, str]]:
    """Net + VAT line pairs of a known tax key as one gross item with its BU key."""
    keys = tax_keys()
    plain, used = [], set()
    for i, ln in enumerate(lines):
        key = keys.get(ln.get("tax_key") or "")
        if key is None or ln["account"] == key.vat_account[chart] or i in used:
            continue
        taxes = [j for j, other in enumerate(lines) if j not in used and j != i
                 and other.get("tax_key") == ln.get("tax_key")
                 and other["account"] == key.vat_account[chart]
                 and (_signed(other) > 0) == (_signed(ln) > 0)]
        nets = [j for j, other in enumerate(lines) if other.get("tax_key") == ln.get("tax_key")
                and other["account"] != key.vat_account[chart]]
        if len(taxes) != 1 or len(nets) != 1:
            continue
        gross = _signed(ln) + _signed(lines[taxes[0]])
        if tax_from_gross(abs(gross), key.rate) != abs(_signed(lines[taxes[0]])):
            continue
        used |= {i, taxes[0]}
        plain.append((ln["account"], gross, key.bu_key))
    rest = _plain_items([ln for i, ln in enumerate(lines) if i not in used])
    return rest + plain


def _counter(items) -> str | None:
    """The account the other lines are booked against: the largest one without a key."""
    candidates = [(abs(s), a) for a, s, bu in items if not bu and s]
    if not candidates:
        return None
    counter = max(candidates, key=lambda c: c[0])[1]
    if any(a == counter and bu for a, _, bu in items):
        return None  # Konto and Gegenkonto would be the same account
    return counter


def tax_from_gross(gross_cents: int, rate: Decimal) -> int:
    """The tax DATEV takes out of a gross amount (commercial rounding to the cent)."""
    return int((Decimal(gross_cents) * rate / (100 + rate)).quantize(Decimal(1), ROUND_HALF_UP))


def amount_text(cents: int) -> str:
    """1234,56: decimal comma, no thousands mark, always positive."""
    return f"{cents // 100},{cents % 100:02d}"


def voucher_field(value: str) -> str:
    """Belegfeld 1: at most 36 characters of the ones DATEV allows there."""
    allowed = set("$&%*+-/ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    return "".join(ch for ch in value if ch in allowed)[:36]


def _signed(line: dict) -> int:
    return int(line.get("debit") or 0) - int(line.get("credit") or 0)


def _text(value: str) -> str:
    cleaned = value.replace("\r", " ").replace("\n", " ").replace('"', '""')
    return f'"{cleaned}"'
