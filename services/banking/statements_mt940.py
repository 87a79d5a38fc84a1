"""SWIFT MT940 with the German :86: structure (GVC, ?20-?29, ?30-?33, SEPA keys).

The `mt-940` package reads the tags (:20: :25: :28C: :60F: :61: :86: :62F:); a file that
holds several statements is cut at each :20: first, so every statement keeps its own
balances. The German :86: subfields and the SEPA keys in the purpose are read here.
"""
import re
from datetime import date
from decimal import Decimal

import mt940

from services.banking.statements_parsed import (RETURN_GVC, ParsedStatement, ParsedTransaction,
                                                StatementFormatError)

SEPA_KEYS = ("EREF", "KREF", "MREF", "CRED", "DEBT", "SVWZ", "ABWA", "ABWE", "COAM", "OAMT")
_SUBFIELD = re.compile(r"\?(\d\d)")
_STATEMENT_START = re.compile(r"^:20:", re.M)


def parse_mt940(data: bytes) -> list[ParsedStatement]:
    """Read every statement of an MT940 file (Windows-1252 or UTF-8)."""
    text = _decode(data).replace("\r\n", "\n").replace("\r", "\n")
    starts = [m.start() for m in _STATEMENT_START.finditer(text)]
    if not starts:
        raise StatementFormatError("Die Datei ist keine MT940-Datei (kein Feld :20:).")
    chunks = [text[a:b] for a, b in zip(starts, starts[1:] + [len(text)])]
    return [_statement(chunk) for chunk in chunks]


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _statement(chunk: str) -> ParsedStatement:
    parsed = mt940.models.Transactions(processors={"post_transaction_details": []})
    try:
        parsed.parse(chunk.strip("-\n") + "\n")
    except Exception as exc:  # the library raises several types for broken input
        raise StatementFormatError(f"MT940 nicht lesbar: {exc}") from None
    info = parsed.data
    account = str(info.get("account_identification") or "").strip()
    st = ParsedStatement(format="mt940", account_iban=_iban_of(account),
                         statement_id=str(info.get("statement_number") or "").strip() or
                         str(info.get("transaction_reference") or "").strip())
    if st.statement_id and info.get("sequence_number"):
        st.statement_id = f"{st.statement_id}/{info['sequence_number']}"
    opening = info.get("final_opening_balance") or info.get("intermediate_opening_balance")
    closing = info.get("final_closing_balance") or info.get("intermediate_closing_balance")
    if opening is not None:
        st.opening_balance, st.from_date = opening.amount.amount, _day(opening.date)
    if closing is not None:
        st.closing_balance, st.to_date = closing.amount.amount, _day(closing.date)
    for tx in parsed.transactions:
        st.transactions.append(_transaction(tx.data))
    st.dates()
    return st


def _transaction(data: dict) -> ParsedTransaction:
    status = data.get("status", "C")
    amount = abs(data["amount"].amount)
    signed = amount if status in ("C", "RD") else -amount  # RD: reversal of a debit
    tx = ParsedTransaction(booking_date=_day(data.get("entry_date") or data["date"]),
                           value_date=_day(data["date"]), amount=signed,
                           currency=data["amount"].currency or "EUR",
                           bank_reference=_ref(data.get("bank_reference")),
                           is_return=status in ("RC", "RD"))
    details = parse_details_86(data.get("transaction_details") or "")
    tx.gvc = details.get("gvc", "")
    tx.booking_text = details.get("posting_text", "")[:140]
    tx.counterparty_name = details.get("name", "")[:140]
    tx.counterparty_iban = details.get("iban", "")
    tx.counterparty_bic = details.get("bic", "")
    tx.purpose = details.get("SVWZ") or details.get("purpose", "")
    tx.end_to_end_id = _ref(details.get("EREF"))
    tx.mandate_id = _ref(details.get("MREF"))
    tx.creditor_id = details.get("CRED", "")
    if not tx.bank_reference and data.get("customer_reference") not in (None, "NONREF"):
        tx.bank_reference = ""  # the customer's reference is not unique per account
    tx.is_return = tx.is_return or tx.gvc in RETURN_GVC
    return tx


def parse_details_86(text: str) -> dict[str, str]:
    """Split a German :86: field into GVC, posting text, purpose, SEPA keys, bank and name."""
    text = text.replace("\n", "")
    found: dict[str, str] = {}
    head = _SUBFIELD.split(text)
    if not head or len(head) < 2:
        return {"purpose": text.strip()}
    gvc = head[0].strip()
    if gvc[:3].isdigit():
        found["gvc"] = gvc[:3]
    fields: dict[str, list[str]] = {}
    for code, value in zip(head[1::2], head[2::2]):
        fields.setdefault(code, []).append(value)
    purpose_parts = [v for code in sorted(fields) if "20" <= code <= "29" or "60" <= code <= "63"
                     for v in fields[code]]
    found["posting_text"] = "".join(fields.get("00", [])).strip()
    found["bic"] = "".join(fields.get("30", [])).strip()
    account = "".join(fields.get("31", [])).strip()
    found["iban"] = account if _looks_like_iban(account) else ""
    found["name"] = "".join(fields.get("32", []) + fields.get("33", [])).strip()
    found.update(_sepa_keys(purpose_parts))
    return found


def _sepa_keys(parts: list[str]) -> dict[str, str]:
    """Join the purpose subfields; each SEPA key (EREF+ ...) runs until the next key."""
    joined = "".join(parts)
    pattern = re.compile(r"(" + "|".join(SEPA_KEYS) + r")\+")
    pieces = pattern.split(joined)
    result = {"purpose": " ".join(p.strip() for p in parts if p.strip())}
    if len(pieces) > 1:
        for key, value in zip(pieces[1::2], pieces[2::2]):
            result.setdefault(key, value.strip())
        if pieces[0].strip():
            result["purpose"] = pieces[0].strip()
    return result


def _looks_like_iban(value: str) -> bool:
    return bool(re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", value))


def _iban_of(account: str) -> str:
    """:25: holds 'BLZ/Kontonummer' or an IBAN; a BLZ/account is turned into the German IBAN."""
    compact = account.replace(" ", "")
    if _looks_like_iban(compact):
        return compact
    match = re.fullmatch(r"(\d{8})/(\d{1,10})(?:[A-Z]{3})?", compact)
    if match:
        from schwifty import IBAN

        return IBAN.generate("DE", bank_code=match.group(1), account_code=match.group(2)).compact
    raise StatementFormatError(f"Das Konto in :25: ('{account}') ist weder IBAN noch BLZ/Konto.")


def _ref(value) -> str:
    value = (value or "").strip()
    return "" if value in ("NONREF", "NOTPROVIDED") else value


def _day(value) -> date:
    return date(value.year, value.month, value.day)
