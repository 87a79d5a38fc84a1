"""CSV exports of German banks as column profiles, plus mappings a clerk saves once.

A profile names the header of each field (a tuple lists the spellings a bank has used);
the file's header line is found by the profile's key columns (banks such as ING, DKB,
Postbank and Deutsche Bank write a few lines of account data above it, and the last two
a "Kontostand" line below the table). Encoding and separator are detected by the CSV
import's reader. Rows a bank marks as pending ("Umsatz vorgemerkt", "Vorgemerkt") are
not bookings and are left out. CSV exports carry no statement balances; where a file has
the balance after each booking (Volksbank/VR, ING), opening and closing balance are taken
from it, so a missing row shows up as a balance mismatch.
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
from services.core.messages import N_
from services.core.values import parse_date, parse_decimal

FIELDS = ("booking_date", "value_date", "amount", "debit", "credit", "name", "payer", "payee",
          "iban", "bic", "purpose", "booking_text", "end_to_end_id", "mandate_id",
          "creditor_id", "currency", "account_iban", "status", "balance")


@dataclass(frozen=True)
class CsvProfile:
    """Which header holds which field; `key` headers recognise the bank's file.

    A header is a string or a tuple of the spellings the bank has used. `pending` lists
    the values of the status column that mark a row as not yet booked.
    """

    name: str
    columns: dict = field(default_factory=dict)   # field -> header(s) as the bank writes it
    key: tuple = ()
    pending: tuple = ()
    references_in_text: bool = False               # SEPA references only inside the text

    def matches(self, headers: set[str]) -> bool:
        return all(any(n in headers for n in _spellings(h)) for h in self.key)


def _spellings(header) -> tuple[str, ...]:
    return tuple(normalize_header(h) for h in ((header,) if isinstance(header, str) else header))


PROFILES = (
    CsvProfile("Sparkasse (CSV-CAMT)", {
        "account_iban": "Auftragskonto", "booking_date": "Buchungstag", "value_date": "Valutadatum",
        "booking_text": "Buchungstext", "purpose": "Verwendungszweck", "creditor_id": "Glaeubiger ID",
        "mandate_id": "Mandatsreferenz", "end_to_end_id": "Kundenreferenz (End-to-End)",
        "name": "Beguenstigter/Zahlungspflichtiger", "iban": "Kontonummer/IBAN",
        "bic": "BIC (SWIFT-Code)", "amount": "Betrag", "currency": "Waehrung", "status": "Info"},
        key=("Auftragskonto", "Kundenreferenz (End-to-End)", "Beguenstigter/Zahlungspflichtiger"),
        pending=("Umsatz vorgemerkt",)),
    CsvProfile("Volksbank / Raiffeisenbank", {
        "account_iban": "IBAN Auftragskonto", "booking_date": "Buchungstag",
        "value_date": "Valutadatum", "name": "Name Zahlungsbeteiligter",
        "iban": "IBAN Zahlungsbeteiligter", "bic": "BIC (SWIFT-Code) Zahlungsbeteiligter",
        "booking_text": "Buchungstext", "purpose": "Verwendungszweck", "amount": "Betrag",
        "currency": ("Waehrung", "Währung"), "creditor_id": ("Glaeubiger ID", "Gläubiger ID"),
        "mandate_id": "Mandatsreferenz", "balance": "Saldo nach Buchung"},
        key=("IBAN Auftragskonto", "Name Zahlungsbeteiligter")),
    CsvProfile("Deutsche Bank", {
        "booking_date": "Buchungstag", "value_date": "Wert", "booking_text": "Umsatzart",
        "name": "Begünstigter / Auftraggeber", "purpose": "Verwendungszweck", "iban": "IBAN",
        "bic": "BIC", "end_to_end_id": "Kundenreferenz", "mandate_id": "Mandatsreferenz",
        "creditor_id": "Gläubiger ID", "amount": "Betrag", "debit": "Soll", "credit": "Haben",
        "currency": "Währung"},
        key=("Begünstigter / Auftraggeber", "Soll", "Haben", "IBAN")),
    CsvProfile("Postbank", {
        "booking_date": "Buchungstag", "value_date": "Wert", "booking_text": "Umsatzart",
        "name": "Begünstigter / Auftraggeber", "purpose": "Verwendungszweck",
        "iban": "IBAN / Kontonummer", "bic": "BIC", "end_to_end_id": "Kundenreferenz",
        "mandate_id": "Mandatsreferenz", "creditor_id": "Gläubiger ID",
        "amount": ("Betrag", "Betrag (€)"), "debit": "Soll", "credit": "Haben",
        "currency": "Währung"},
        key=("Begünstigter / Auftraggeber", "IBAN / Kontonummer")),
    CsvProfile("Postbank (bis 2022)", {
        "booking_date": ("Buchungstag", "Buchungsdatum"), "value_date": "Wertstellung",
        "booking_text": "Umsatzart", "purpose": "Buchungsdetails", "payer": "Auftraggeber",
        "payee": "Empfänger", "amount": "Betrag (€)", "balance": "Saldo (€)"},
        key=("Buchungsdetails", "Auftraggeber", "Empfänger", "Betrag (€)")),
    CsvProfile("Commerzbank", {
        "booking_date": "Buchungstag", "value_date": "Wertstellung", "booking_text": "Umsatzart",
        "purpose": "Buchungstext", "amount": "Betrag", "currency": "Währung",
        # the account the export is from (the same on every row), not the counterparty
        "account_iban": ("IBAN Auftraggeberkonto", "IBAN Kontoinhaber")},
        key=("Wertstellung", "Umsatzart", "Buchungstext", "Betrag"), references_in_text=True),
    CsvProfile("ING", {
        "booking_date": "Buchung", "value_date": ("Wertstellungsdatum", "Valuta"),
        "name": "Auftraggeber/Empfänger", "booking_text": "Buchungstext",
        "purpose": "Verwendungszweck", "amount": "Betrag", "balance": "Saldo"},
        key=("Buchung", "Auftraggeber/Empfänger", "Verwendungszweck")),
    CsvProfile("DKB", {
        "booking_date": "Buchungsdatum", "value_date": "Wertstellung", "payer": "Zahlungspflichtige*r",
        "payee": "Zahlungsempfänger*in", "purpose": "Verwendungszweck", "booking_text": "Umsatztyp",
        "iban": "IBAN", "amount": "Betrag (€)", "creditor_id": "Gläubiger-ID",
        "mandate_id": "Mandatsreferenz", "end_to_end_id": "Kundenreferenz", "status": "Status"},
        key=("Buchungsdatum", "Zahlungspflichtige*r", "Zahlungsempfänger*in"),
        pending=("Vorgemerkt",)),
    CsvProfile("DKB (bis 2023)", {
        "booking_date": "Buchungstag", "value_date": "Wertstellung", "booking_text": "Buchungstext",
        "name": "Auftraggeber / Begünstigter", "purpose": "Verwendungszweck",
        "iban": "Kontonummer", "bic": "BLZ", "amount": "Betrag (EUR)",
        "creditor_id": "Gläubiger-ID", "mandate_id": "Mandatsreferenz",
        "end_to_end_id": "Kundenreferenz"},
        key=("Auftraggeber / Begünstigter", "Betrag (EUR)", "Kundenreferenz")),
)
_IBAN_IN_PREAMBLE = re.compile(r"\b([A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?)\b")
# Commerzbank writes the SEPA references into the booking text.
_TEXT_REFERENCES = {
    "end_to_end_id": re.compile(r"End-to-End-Ref\.?:\s*(\S+)"),
    "mandate_id": re.compile(r"Mandatsref\.?:\s*(\S+)"),
    "creditor_id": re.compile(r"Gl(?:ä|ae)ubiger-ID:\s*(\S+)"),
}


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
    pos = {f: next((index[n] for n in _spellings(h) if n in index), None)
           for f, h in profile.columns.items()}
    preamble = "\n".join(lines[:at])
    found = _IBAN_IN_PREAMBLE.search(preamble)
    st = ParsedStatement(format="csv", account_iban=account_iban or (
        found.group(1).replace(" ", "") if found else ""))
    pending = {p.casefold() for p in profile.pending}
    balances = []   # (transaction, balance after it) in the file's order
    for number, cells in enumerate(rows[1:], start=at + 2):
        if not any(c.strip() for c in cells):
            continue
        get = lambda f: (cells[pos[f]].strip() if pos.get(f) is not None and pos[f] < len(cells) else "")
        if get("status").casefold() in pending:
            continue
        if _is_no_booking(get("booking_date")):
            continue   # "Kontostand;31.03.2026;;;1.234,56;EUR" below the table, "offen"
        try:
            tx = _transaction(get, mark, profile)
            if get("balance"):
                balances.append((tx, _amount(get("balance"), mark)))
        except ValueError as exc:
            raise StatementFormatError(f"Zeile {number}: {exc}") from None
        st.transactions.append(tx)
        st.account_iban = st.account_iban or get("account_iban").replace(" ", "")
    if not st.account_iban:
        raise StatementFormatError(N_("Die Datei nennt das Konto nicht; bitte beim Einlesen das "
                                      "Bankkonto wählen (im Panel „Konto“, in der Kommandozeile "
                                      "--account IBAN)."))
    if st.transactions and _newest_first(st.transactions, balances):
        st.transactions.reverse()
        balances.reverse()
    st.transactions.sort(key=lambda t: t.booking_date)  # stable: same-day rows keep their order
    if balances and len(balances) == len(st.transactions):
        first, last = balances[0], balances[-1]
        st.opening_balance, st.closing_balance = first[1] - first[0].amount, last[1]
    st.dates()
    st.statement_id = f"CSV {st.from_date:%d.%m.%Y}–{st.to_date:%d.%m.%Y}" if st.from_date else "CSV"
    return st


def _is_no_booking(date_cell: str) -> bool:
    """A balance line below the table, or a pending row whose date cell says "offen"."""
    text = date_cell.casefold().rstrip(":")
    return text.endswith(("kontostand", "saldo")) or text in ("offen", "vorgemerkt")


def _newest_first(transactions, balances) -> bool:
    """Banks list the newest booking first; a file in booking order stays as it is.

    The dates tell, unless every row has the same day: then the balance after each
    booking does (newest first, each row's balance minus its amount is the next row's).
    """
    if transactions[0].booking_date != transactions[-1].booking_date:
        return transactions[0].booking_date > transactions[-1].booking_date
    if len(balances) != len(transactions) or len(balances) < 2:
        return False
    pairs = list(zip(balances, balances[1:]))
    in_order = all(before + t.amount == after for (_, before), (t, after) in pairs)
    return not in_order and all(later - t.amount == earlier for (t, later), (_, earlier) in pairs)


def _amount(text: str, mark: str) -> Decimal:
    return parse_decimal(text.replace("€", "").replace("EUR", "").strip(), mark)


def _transaction(get, mark: str, profile: CsvProfile) -> ParsedTransaction:
    if get("debit") or get("credit"):
        debit = _amount(get("debit"), mark) if get("debit") else Decimal(0)
        credit = _amount(get("credit"), mark) if get("credit") else Decimal(0)
        amount = credit - abs(debit)
    elif get("amount"):
        amount = _amount(get("amount"), mark)
    else:
        raise ValueError("Der Betrag ist leer.")
    name = get("name") or (get("payee") if amount < 0 else get("payer"))
    refs = {k: get(k) for k in ("end_to_end_id", "mandate_id", "creditor_id")}
    if profile.references_in_text:
        for k, pattern in _TEXT_REFERENCES.items():
            hit = pattern.search(get("purpose"))
            refs[k] = refs[k] or (hit.group(1) if hit else "")
    return ParsedTransaction(
        booking_date=parse_date(get("booking_date")),
        value_date=parse_date(get("value_date")) if get("value_date") else None,
        amount=amount.quantize(Decimal("0.01")), currency=get("currency") or "EUR",
        counterparty_name=name[:140], counterparty_iban=get("iban").replace(" ", "").upper(),
        counterparty_bic=get("bic").upper(), purpose=get("purpose")[:1000],
        end_to_end_id=_ref(refs["end_to_end_id"]), mandate_id=_ref(refs["mandate_id"]),
        creditor_id=refs["creditor_id"], booking_text=get("booking_text")[:140])


def _ref(value: str) -> str:
    return "" if value in ("NOTPROVIDED", "NONREF") else value
