"""ISO 20022 camt.053 / camt.052 / camt.054 (001.02 to 001.08), read by local element names.

The versions differ in namespaces and in a few paths (Sts as text or Sts/Cd, Dbtr/Nm or
Dbtr/Pty/Nm, BIC or BICFI, TxDtls amounts); the reader strips the namespaces and tries
each spelling, so one code path reads them all.
"""
from datetime import date
from decimal import Decimal, InvalidOperation

from lxml import etree

from services.banking.statements_parsed import (RETURN_GVC, ParsedStatement, ParsedTransaction,
                                                StatementFormatError)

KINDS = {"BkToCstmrStmt": ("camt.053", "Stmt"), "BkToCstmrAcctRpt": ("camt.052", "Rpt"),
         "BkToCstmrDbtCdtNtfctn": ("camt.054", "Ntfctn")}
OPENING, CLOSING = ("OPBD", "PRCD"), ("CLBD",)
RETURN_SUBFAMILIES = {"RRTN", "ARET", "PRDC", "UPDD", "RPCR"}


def parse_camt(data: bytes) -> list[ParsedStatement]:
    """Read every statement (report, notification) of a camt file."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise StatementFormatError(f"Die CAMT-Datei ist kein gültiges XML: {exc}") from None
    for el in root.iter():
        if isinstance(el.tag, str):
            el.tag = etree.QName(el).localname
    body = next((child for child in root if child.tag in KINDS), None)
    if root.tag != "Document" or body is None:
        raise StatementFormatError("Die Datei ist keine CAMT.052/053/054-Nachricht.")
    fmt, part = KINDS[body.tag]
    return [_statement(node, fmt) for node in body.findall(part)]


def _statement(node, fmt: str) -> ParsedStatement:
    iban = _text(node, "Acct/Id/IBAN")
    if not iban:
        raise StatementFormatError("Im Kontoauszug fehlt die IBAN des Kontos (Acct/Id/IBAN).")
    st = ParsedStatement(format=fmt, account_iban=iban,
                         statement_id=_text(node, "ElctrncSeqNb") or _text(node, "LglSeqNb")
                         or _text(node, "Id"))
    for bal in node.findall("Bal"):
        code = _text(bal, "Tp/CdOrPrtry/Cd") or _text(bal, "Tp/CdOrPrtry/Prtry")
        amount = _signed(bal, _amount(bal.find("Amt")))
        day = _date(bal, "Dt")
        if code in OPENING and st.opening_balance is None:
            st.opening_balance, st.from_date = amount, day
        elif code in CLOSING:
            st.closing_balance, st.to_date = amount, day
    for entry in node.findall("Ntry"):
        status = _text(entry, "Sts/Cd") or _text(entry, "Sts")
        if status and status not in ("BOOK",):
            continue  # pending or informational entries move no balance
        st.transactions.extend(_entry(entry, fmt, st))
    st.dates()
    return st


def _entry(entry, fmt: str, st: ParsedStatement) -> list[ParsedTransaction]:
    amount = _signed(entry, _amount(entry.find("Amt")))
    reversal = _text(entry, "RvslInd").lower() == "true"
    base = dict(booking_date=_date(entry, "BookgDt") or _date(entry, "ValDt"),
                value_date=_date(entry, "ValDt"), currency=entry.find("Amt").get("Ccy", "EUR"),
                bank_reference=_text(entry, "AcctSvcrRef") or _text(entry, "NtryRef"),
                booking_text=_text(entry, "AddtlNtryInf")[:140],
                gvc=_gvc(_text(entry, "BkTxCd/Prtry/Cd")))
    details = entry.findall("NtryDtls/TxDtls")
    batch_ref = _text(entry, "NtryDtls/Btch/PmtInfId") or base["bank_reference"]
    batch_count = int(_text(entry, "NtryDtls/Btch/NbOfTxs") or len(details) or 1)
    if len(details) <= 1:
        tx = ParsedTransaction(amount=amount, **base)
        if details:
            _fill(tx, details[0])
        tx.batch_count = batch_count if batch_count > 1 else 0
        tx.batch_reference = batch_ref if batch_count > 1 else ""
        tx.is_return = reversal or tx.is_return or _is_return(entry, tx)
        return [tx]
    parts = []
    for pos, detail in enumerate(details, start=1):
        part_amount = _amount(detail.find("AmtDtls/TxAmt/Amt"), detail.find("Amt"))
        sign = _text(detail, "CdtDbtInd") or _text(entry, "CdtDbtInd")
        tx = ParsedTransaction(amount=-part_amount if sign == "DBIT" else part_amount, **base)
        tx.bank_reference = _text(detail, "Refs/AcctSvcrRef") or (
            f"{base['bank_reference']}/{pos}" if base["bank_reference"] else "")
        tx.batch_reference = batch_ref
        _fill(tx, detail)
        tx.is_return = reversal or _is_return(entry, tx)
        parts.append(tx)
    if sum((p.amount for p in parts), Decimal(0)) != amount:
        st.problems.append(f"Sammelbuchung {batch_ref or ''} vom {base['booking_date']:%d.%m.%Y}: "
                           "die Einzelposten ergeben nicht den Betrag; nicht aufgeteilt")
        whole = ParsedTransaction(amount=amount, **base)
        whole.batch_reference, whole.batch_count = batch_ref, len(details)
        return [whole]
    return parts


def _fill(tx: ParsedTransaction, detail) -> None:
    """Counterparty, references and purpose of one transaction's details."""
    party = "Dbtr" if tx.amount > 0 else "Cdtr"
    tx.counterparty_name = (_text(detail, f"RltdPties/{party}/Pty/Nm")
                            or _text(detail, f"RltdPties/{party}/Nm")
                            or _text(detail, f"RltdPties/Ultmt{party}/Nm"))[:140]
    tx.counterparty_iban = _text(detail, f"RltdPties/{party}Acct/Id/IBAN")
    agent = f"RltdAgts/{party}Agt/FinInstnId/"
    tx.counterparty_bic = _text(detail, agent + "BICFI") or _text(detail, agent + "BIC")
    tx.end_to_end_id = _ref(detail, "Refs/EndToEndId")
    tx.mandate_id = _ref(detail, "Refs/MndtId")
    tx.creditor_id = _text(detail, "RltdPties/Cdtr/Id/PrvtId/Othr/Id") or _text(
        detail, "RltdPties/Cdtr/Pty/Id/PrvtId/Othr/Id")
    lines = [el.text.strip() for el in detail.findall("RmtInf/Ustrd") if el.text]
    lines += [el.text.strip() for el in detail.findall("RmtInf/Strd/CdtrRefInf/Ref") if el.text]
    tx.purpose = " ".join(lines)[:1000] or _text(detail, "AddtlTxInf")[:1000]
    code = _gvc(_text(detail, "BkTxCd/Prtry/Cd"))
    tx.gvc = code or tx.gvc
    if detail.find("RtrInf") is not None:
        tx.is_return = True


def _is_return(entry, tx: ParsedTransaction) -> bool:
    sub = _text(entry, "BkTxCd/Domn/Fmly/SubFmlyCd")
    return sub in RETURN_SUBFAMILIES or tx.gvc in RETURN_GVC


def _gvc(code: str) -> str:
    """German proprietary code 'NTRF+166+9310+931' → GVC '166'."""
    parts = code.split("+")
    return parts[1] if len(parts) > 1 and parts[1].isdigit() and len(parts[1]) == 3 else ""


def _ref(node, path: str) -> str:
    value = _text(node, path)
    return "" if value == "NOTPROVIDED" else value


def _text(node, path: str) -> str:
    found = node.find(path)
    return (found.text or "").strip() if found is not None else ""


def _date(node, path: str) -> date | None:
    text = _text(node, path + "/Dt") or _text(node, path + "/DtTm")[:10]
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise StatementFormatError(f"Ungültiges Datum '{text}' in {path}.") from None


def _amount(*nodes) -> Decimal:
    for node in nodes:
        if node is not None and node.text:
            try:
                return Decimal(node.text.strip())
            except InvalidOperation:
                raise StatementFormatError(f"Ungültiger Betrag '{node.text}'.") from None
    raise StatementFormatError("Ein Betrag fehlt in der CAMT-Datei.")


def _signed(node, amount: Decimal) -> Decimal:
    return -amount if _text(node, "CdtDbtInd") == "DBIT" else amount
