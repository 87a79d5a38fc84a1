"""CSV exports of German banks as column profiles, plus mappings a clerk saves once.

A profile names the header of each field; the file's header line is found by the
profile's key columns (banks such as ING, DKB and Deutsche Bank write a few lines of
account data above it). Encoding and separator are detected by the CSV import's reader.
CSV exports carry no statement balances: they are checked only where the file has them.
"""
import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

from services.banking.statements_parsed import ParsedStatement, ParsedTransaction, StatementFormatError
from services.imports.csv_reader.columns import normalize_header
from services.imports.csv_reader.detect import detect_delimiter, detect_encoding
from services.imports.csv_reader.errors import CsvFormatError
from services.core.values import parse_date, parse_decimal

FIELDS = ("booking_date", "value_date", "amount", "debit", "credit", "name", "payer", "payee",
          "iban", "bic", "purpose", "booking_text", "end_to_end_id", "mandate_id",
          "creditor_id", "currency", "account_iban")


@dataclass(frozen=True)
class CsvProfile:
    """Which header holds which field; `key` headers recognise the bank's file."""

    name: str
    columns: dict = field(default_factory=dict)   # field -> header as the bank writes it
    key: tuple = ()

    def matches(self, headers: set[str]) -> bool:
        return all(normalize_header(h) in headers for h in self.key)


PROFILES = (
    CsvProfile("Sparkasse (CSV-CAMT)", {
        "account_iban": "Auftragskonto", "booking_date": "Buchungstag", "value_date": "Valutadatum",
        "booking_text": "Buchungstext", "purpose": "Verwendungszweck", "creditor_id": "Glaeubiger ID",
        "mandate_id": "Mandatsreferenz", "end_to_end_id": "Kundenreferenz (End-to-End)",
        "name": "Beguenstigter/Zahlungspflichtiger", "iban": "Kontonummer/IBAN",
        "bic": "BIC (SWIFT-Code)", "amount": "Betrag", "currency": "Waehrung"},
        key=("Auftragskonto", "Kundenreferenz (End-to-End)", "Beguenstigter/Zahlungspflichtiger")),
    CsvProfile("Volksbank / Raiffeisenbank", {
        "account_iban": "IBAN Auftragskonto", "booking_date": "Buchungstag",
        "value_date": "Valutadatum", "name": "Name Zahlungsbeteiligter",
        "iban": "IBAN Zahlungsbeteiligter", "bic": "BIC (SWIFT-Code) Zahlungsbeteiligter",
        "booking_text": "Buchungstext", "purpose": "Verwendungszweck", "amount": "Betrag",
        "currency": "Waehrung", "creditor_id": "Glaeubiger ID", "mandate_id": "Mandatsreferenz"},
        key=("IBAN Auftragskonto", "Name Zahlungsbeteiligter")),
    CsvProfile("Deutsche Bank", {
        "booking_date": "Buchungstag", "value_date": "Wert", "booking_text": "Umsatzart",
        "name": "Begünstigter / Auftraggeber", "purpose": "Verwendungszweck", "iban": "IBAN",
        "bic": "BIC", "end_to_end_id": "Kundenreferenz", "mandate_id": "Mandatsreferenz",
        "creditor_id": "Gläubiger ID", "debit": "Soll", "credit": "Haben", "currency": "Währung"},
        key=("Begünstigter / Auftraggeber", "Soll", "Haben", "IBAN")),
    CsvProfile("Postbank", {
        "booking_date": "Buchungstag", "value_date": "Wert", "booking_text": "Umsatzart",
        "name": "Begünstigter / Auftraggeber", "purpose": "Verwendungszweck",
        "iban": "IBAN / Kontonummer", "bic": "BIC", "end_to_end_id": "Kundenreferenz",
        "mandate_id": "Mandatsreferenz", "creditor_id": "Gläubiger ID", "amount": "Betrag (€)"},
        key=("Begünstigter / Auftraggeber", "IBAN / Kontonummer", "Betrag (€)")),
    CsvProfile("Commerzbank", {
        "booking_date": "Buchungstag", "value_date": "Wertstellung", "booking_text": "Umsatzart",
        "purpose": "Buchungstext", "amount": "Betrag", "currency": "Währung",
        "iban": "IBAN Auftraggeberkonto", "account_iban": "Auftragskonto IBAN"},
        key=("Wertstellung", "Umsatzart", "Buchungstext", "IBAN Auftraggeberkonto")),
    CsvProfile("ING", {
        "booking_date": "Buchung", "value_date": "Wertstellungsdatum",
        "name": "Auftraggeber/Empfänger", "booking_text": "Buchungstext",
        "purpose": "Verwendungszweck", "amount": "Betrag"},
        key=("Buchung", "Auftraggeber/Empfänger", "Verwendungszweck")),
    CsvProfile("DKB", {
        "booking_date": "Buchungsdatum", "value_date": "Wertstellung", "payer": "Zahlungspflichtige*r",
        "payee": "Zahlungsempfänger*in", "purpose": "Verwendungszweck", "booking_text": "Umsatztyp",
        "iban": "IBAN", "amount": "Betrag (€)", "creditor_id": "Gläubiger-ID",
        "mandate_id": "Mandatsreferenz", "end_to_end_id": "Kundenreferenz"},
        key=("Buchungsdatum", "Zahlungspflichtige*r", "Zahlungsempfänger*in")),
)
_IBAN_IN_PREAMBLE = re.compile(r"\b([A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?)\b")


def profile_of(mapping) -> CsvProfile:
    """A saved mapping (models.bank_csv_mapping) as a profile keyed by the columns it names."""
    columns = {"booking_date": mapping.booking_date, "value_date": mapping.value_date,
               "amount": mapping.amount, "debit": mapping.debit, "credit": mapping.credit,
               "name": mapping.counterparty_name, "iban": mapping.counterparty_iban,
               "purpose": mapping.purpose, "end_to_end_id": mapping.end_to_end_id,
               "account_iban": mapping.account_iban}
    columns = {k: v for k, v in columns.items() if v}
    return CsvProfile(mapping.name, columns, key=tuple(columns.values()))


def parse_csv(data: bytes, mappings: list[CsvProfile] = (), account_iban: str = "") -> list[ParsedStatement]:
    """Read a bank's CSV export with the first profile (or saved mapping) whose columns fit."""
    try:
        text = data.decode(detect_encoding(data))
    except CsvFormatError as exc:
        raise StatementFormatError(str(exc)) from None
    lines = text.splitlines()
    for profile in tuple(mappings) + PROFILES:
        at = _header_line(lines, profile)
        if at is not None:
            return [_read(lines, at, profile, account_iban)]
    raise StatementFormatError(
        "Das CSV-Format der Bank ist unbekannt. Bekannt sind: "
        + ", ".join(p.name for p in PROFILES) + "; sonst bitte eine Zuordnung der Spalten speichern.")


def _header_line(lines: list[str], profile: CsvProfile) -> int | None:
    for i, line in enumerate(lines[:30]):
        for delimiter in (";", ",", "\t"):
            cells = next(csv.reader([line], delimiter=delimiter), [])
            if len(cells) > 2 and profile.matches({normalize_header(c) for c in cells}):
                return i
    return None


def _read(lines: list[str], at: int, profile: CsvProfile, account_iban: str) -> ParsedStatement:
    body = "\n".join(lines[at:])
    delimiter = detect_delimiter(body[:65536]) or ";"
    mark = "," if delimiter == ";" else "."
    rows = list(csv.reader(io.StringIO(body), delimiter=delimiter))
    index = {normalize_header(h): i for i, h in enumerate(rows[0])}
    pos = {f: index.get(normalize_header(h)) for f, h in profile.columns.items()}
    preamble = "\n".join(lines[:at])
    found = _IBAN_IN_PREAMBLE.search(preamble)
    st = ParsedStatement(format="csv", account_iban=account_iban or (
        found.group(1).replace(" ", "") if found else ""))
    for number, cells in enumerate(rows[1:], start=at + 2):
        if not any(c.strip() for c in cells):
            continue
        get = lambda f: (cells[pos[f]].strip() if pos.get(f) is not None and pos[f] < len(cells) else "")
        try:
            st.transactions.append(_transaction(get, mark))
        except ValueError as exc:
            raise StatementFormatError(f"Zeile {number}: {exc}") from None
        st.account_iban = st.account_iban or get("account_iban").replace(" ", "")
    if not st.account_iban:
        raise StatementFormatError("Die Datei nennt das Konto nicht; bitte das Bankkonto beim Import wählen.")
    st.transactions.sort(key=lambda t: t.booking_date)  # banks list the newest first
    st.dates()
    st.statement_id = f"CSV {st.from_date:%d.%m.%Y}–{st.to_date:%d.%m.%Y}" if st.from_date else "CSV"
    return st


def _transaction(get, mark: str) -> ParsedTransaction:
    if get("amount"):
        amount = parse_decimal(get("amount").replace("€", "").strip(), mark)
    else:
        debit = get("debit") and parse_decimal(get("debit"), mark) or Decimal(0)
        credit = get("credit") and parse_decimal(get("credit"), mark) or Decimal(0)
        amount = credit - abs(debit)
    name = get("name") or (get("payee") if amount < 0 else get("payer"))
    return ParsedTransaction(
        booking_date=parse_date(get("booking_date")),
        value_date=parse_date(get("value_date")) if get("value_date") else None,
        amount=amount.quantize(Decimal("0.01")), currency=get("currency") or "EUR",
        counterparty_name=name[:140], counterparty_iban=get("iban").replace(" ", "").upper(),
        counterparty_bic=get("bic").upper(), purpose=get("purpose")[:1000],
        end_to_end_id=_ref(get("end_to_end_id")), mandate_id=_ref(get("mandate_id")),
        creditor_id=get("creditor_id"), booking_text=get("booking_text")[:140])


def _ref(value: str) -> str:
    return "" if value in ("NOTPROVIDED", "NONREF") else value
