"""Statement files built in the tests: camt with lxml (several versions), MT940 text, CSV."""
from datetime import date
from decimal import Decimal

from lxml import etree

ACCOUNT_IBAN = "DE89370400440532013000"
CUSTOMER_IBAN = "DE02120300000000202051"
OTHER_IBAN = "DE12500105170648489890"


def tx(amount, day=date(2026, 3, 20), *, name="Bäckerei Größer KG", iban=CUSTOMER_IBAN,
       purpose="", e2e="", ref="", mandate="", batch=None, reversal=False, gvc="166",
       returned=False, batch_count=0):
    """One transaction for a camt file; batch: a list of tx dicts booked as one entry."""
    return dict(amount=Decimal(str(amount)), day=day, name=name, iban=iban, purpose=purpose,
                e2e=e2e, ref=ref, mandate=mandate, batch=batch, reversal=reversal, gvc=gvc,
                returned=returned, batch_count=batch_count)


def camt(transactions, *, version="001.08", kind="053", opening="1000.00", closing=None,
         statement_id="1", iban=ACCOUNT_IBAN, start=date(2026, 3, 20), end=date(2026, 3, 20),
         statements=None):
    """A camt.05x document; `statements` (list of dicts of these keywords) makes several."""
    ns = f"urn:iso:std:iso:20022:tech:xsd:camt.{kind}.{version}"
    E = lambda tag, *children, text=None, **attrs: _el(ns, tag, children, text, attrs)
    body_tag, part_tag = {"053": ("BkToCstmrStmt", "Stmt"), "052": ("BkToCstmrAcctRpt", "Rpt"),
                          "054": ("BkToCstmrDbtCdtNtfctn", "Ntfctn")}[kind]
    specs = statements or [dict(transactions=transactions, opening=opening, closing=closing,
                                statement_id=statement_id, iban=iban, start=start, end=end)]
    parts = [_statement(E, part_tag, version, kind, **spec) for spec in specs]
    doc = E("Document", E(body_tag, E("GrpHdr", E("MsgId", text="MSG1"),
                                      E("CreDtTm", text="2026-03-21T06:00:00")), *parts))
    return etree.tostring(doc, xml_declaration=True, encoding="UTF-8")


def _statement(E, part_tag, version, kind, transactions, opening="1000.00", closing=None,
               statement_id="1", iban=ACCOUNT_IBAN, start=date(2026, 3, 20), end=date(2026, 3, 20)):
    total = sum((t["amount"] for t in transactions), Decimal(0))
    closing = Decimal(closing) if closing is not None else Decimal(opening) + total
    children = [E("Id", text=f"STMT-{statement_id}"), E("ElctrncSeqNb", text=str(statement_id)),
                E("CreDtTm", text=f"{end}T06:00:00"),
                E("Acct", E("Id", E("IBAN", text=iban)), E("Ccy", text="EUR"))]
    if kind != "054":
        children += [_balance(E, "PRCD", Decimal(opening), start),
                     _balance(E, "CLBD", closing, end)]
    children += [_entry(E, version, t) for t in transactions]
    return E(part_tag, *children)


def _balance(E, code, amount, day):
    return E("Bal", E("Tp", E("CdOrPrtry", E("Cd", text=code))),
             E("Amt", text=f"{abs(amount):.2f}", Ccy="EUR"),
             E("CdtDbtInd", text="DBIT" if amount < 0 else "CRDT"),
             E("Dt", E("Dt", text=day.isoformat())))


def _entry(E, version, t):
    old = version in ("001.02", "001.03")
    status = E("Sts", text="BOOK") if version < "001.07" else E("Sts", E("Cd", text="BOOK"))
    children = [E("Amt", text=f"{abs(t['amount']):.2f}", Ccy="EUR"),
                E("CdtDbtInd", text="DBIT" if t["amount"] < 0 else "CRDT")]
    if t["reversal"]:
        children.append(E("RvslInd", text="true"))
    children += [status, E("BookgDt", E("Dt", text=t["day"].isoformat())),
                 E("ValDt", E("Dt", text=t["day"].isoformat()))]
    if t["ref"]:
        children.append(E("AcctSvcrRef", text=t["ref"]))
    children.append(E("BkTxCd", E("Prtry", E("Cd", text=f"NTRF+{t['gvc']}+9310+931"),
                                  E("Issr", text="DK"))))
    if t["batch_count"]:  # a batch booked as one entry, its details come by camt.054
        children.append(E("NtryDtls", E("Btch", E("NbOfTxs", text=str(t["batch_count"])))))
        return E("Ntry", *children)
    details = t["batch"] or [t]
    dtls = [E("Btch", E("NbOfTxs", text=str(len(details))))] if t["batch"] else []
    dtls += [_details(E, old, version, d, with_amount=bool(t["batch"])) for d in details]
    children.append(E("NtryDtls", *dtls))
    return E("Ntry", *children)


def _details(E, old, version, d, with_amount):
    party, acct = ("Dbtr", "DbtrAcct") if d["amount"] > 0 else ("Cdtr", "CdtrAcct")
    refs = [E("EndToEndId", text=d["e2e"] or "NOTPROVIDED")]
    if d["mandate"]:
        refs.append(E("MndtId", text=d["mandate"]))
    children = [E("Refs", *refs)]
    if with_amount:
        amt = E("Amt", text=f"{abs(d['amount']):.2f}", Ccy="EUR")
        children.append(E("AmtDtls", E("TxAmt", amt)) if old else amt)
        if not old:
            children.append(E("CdtDbtInd", text="DBIT" if d["amount"] < 0 else "CRDT"))
    name = E("Nm", text=d["name"])
    children.append(E("RltdPties", E(party, name if version < "001.08" else E("Pty", name)),
                      E(acct, E("Id", E("IBAN", text=d["iban"])))))
    children.append(E("RmtInf", E("Ustrd", text=d["purpose"])))
    if d["returned"]:
        children.append(E("RtrInf", E("Rsn", E("Cd", text="AC04"))))
    return E("TxDtls", *children)


def _el(ns, tag, children, text, attrs):
    el = etree.Element(f"{{{ns}}}{tag}", nsmap={None: ns} if tag == "Document" else None)
    for key, value in attrs.items():
        el.set(key, value)
    if text is not None:
        el.text = text
    for child in children:
        el.append(child)
    return el


def mt940(statements):
    """MT940 text; each statement: dict(number, opening, day, lines=[(amount, day, :86: text)])."""
    out = []
    for st in statements:
        day = st.get("day", date(2026, 3, 20))
        opening = Decimal(st.get("opening", "1000.00"))
        total = opening + sum(Decimal(str(a)) for a, _, _ in st["lines"])
        closing = Decimal(st["closing"]) if "closing" in st else total
        out += [":20:STARTUMSE", f":25:{st.get('account', '37040044/0532013000')}",
                f":28C:{st['number']}/1", f":60F:{_mark(opening)}{day:%y%m%d}EUR{_num(opening)}"]
        for amount, when, details in st["lines"]:
            amount = Decimal(str(amount))
            out.append(f":61:{when:%y%m%d}{when:%m%d}{_mark(amount)}{_num(amount)}NTRFNONREF")
            out.append(":86:" + details)
        out += [f":62F:{_mark(closing)}{day:%y%m%d}EUR{_num(closing)}", "-"]
    return ("\r\n".join(out) + "\r\n").encode("cp1252")


def details_86(gvc="166", *, posting="GUTSCHR. UEBERW.", purpose=(), bic="COBADEFFXXX",
               iban=CUSTOMER_IBAN, name=("Bäckerei Größer KG",)):
    """A German :86: field, cut into lines of 65 characters as the banks send it."""
    fields = [f"?00{posting}", "?10931"]
    fields += [f"?{20 + i}{p}" for i, p in enumerate(purpose)]
    fields += [f"?30{bic}", f"?31{iban}"] + [f"?{32 + i}{n}" for i, n in enumerate(name)]
    text = gvc + "".join(fields)
    return "\r\n".join(text[i:i + 65] for i in range(0, len(text), 65))


def _mark(amount):
    return "D" if amount < 0 else "C"


def _num(amount):
    return f"{abs(amount):.2f}".replace(".", ",")
