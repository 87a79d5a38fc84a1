"""SEPA files (pain.001 transfers, pain.008 debits): sepaxml, German DK rules, XSD-checked.

DK rules applied here: the SEPA Latin character set (a-z A-Z 0-9 / - ? : ( ) . , ' +
space; umlauts written as ae/oe/ue/ss, & as +, anything else as a space), names up to
70 and remittance text up to 140 characters, identifiers up to 35 characters without
a leading or double slash, amounts in cents, IBAN without spaces. Salaries go in their
own payment block with category purpose SALA (taxes TAXS, contributions SSBE).
"""
import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from lxml import etree
from sepaxml import SepaTransfer
from text_unidecode import unidecode

from services.core.messages import N_, RuleError

SCHEMAS = ("pain.001.001.09", "pain.001.001.03")
XSD_DIR = Path(__file__).resolve().parent / "xsd"
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue",
                         "ß": "ss", "&": "+"})
_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")


def dk_text(text: str, length: int) -> str:
    """The text in the SEPA character set, cut to `length` characters."""
    text = unidecode((text or "").translate(_GERMAN))
    return " ".join(_NOT_ALLOWED.sub(" ", text).split())[:length].strip()


def dk_id(text: str) -> str:
    """An identifier (MsgId, EndToEndId): SEPA set, no spaces, no leading or double slash."""
    ident = dk_text(text, 35).replace(" ", "-")
    while "//" in ident:
        ident = ident.replace("//", "/")
    return ident.lstrip("/")[:35] or "NOTPROVIDED"


def build_pain001(run, debtor: dict, schema: str) -> bytes:
    """The run as one pain.001 document: one payment block per category purpose."""
    blocks: dict[str | None, list] = {}
    for item in run.items:
        blocks.setdefault(item.category_purpose, []).append(item)
    document = None
    for category, items in blocks.items():
        root = etree.fromstring(_block(items, debtor, run.execution_date, schema))
        ns = root.nsmap[None]
        if category:
            for tp in root.iter(f"{{{ns}}}PmtTpInf"):
                purpose = etree.SubElement(tp, f"{{{ns}}}CtgyPurp")
                etree.SubElement(purpose, f"{{{ns}}}Cd").text = category
        if document is None:
            document = root
        else:
            initiation = document[0]
            for block in root[0].findall(f"{{{ns}}}PmtInf"):
                initiation.append(block)
    _fix_header(document, run)
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _block(items, debtor: dict, execution_date, schema: str) -> bytes:
    config = {"name": dk_text(debtor["name"], 70), "IBAN": debtor["iban"].replace(" ", ""),
              "batch": True, "currency": "EUR"}
    if debtor.get("bic"):
        config["BIC"] = debtor["bic"]
    transfer = SepaTransfer(config, schema=schema, clean=False)
    for item in items:
        payment = {"name": dk_text(item.name, 70), "IBAN": item.iban.replace(" ", ""),
                   "amount": int(item.amount * 100), "execution_date": execution_date,
                   "description": dk_text(item.purpose, 140),
                   "endtoend_id": dk_id(item.end_to_end_id or item.key)}
        if item.bic:
            payment["BIC"] = item.bic
        transfer.add_payment(payment)
    return transfer.export(validate=False)


def _fix_header(document, run) -> None:
    """Group header: the run number as message id and the sums of all blocks."""
    ns = document.nsmap[None]
    q = lambda tag: f"{{{ns}}}{tag}"  # noqa: E731
    header = document[0].find(q("GrpHdr"))
    blocks = document[0].findall(q("PmtInf"))
    header.find(q("MsgId")).text = dk_id(f"{run.number}-{run.version}")
    header.find(q("CreDtTm")).text = datetime.now().strftime("%Y-%m-%dT%H:%M:%S")
    header.find(q("NbOfTxs")).text = str(sum(int(b.find(q("NbOfTxs")).text) for b in blocks))
    cents = sum(int(b.find(q("CtrlSum")).text.replace(".", "")) for b in blocks)
    header.find(q("CtrlSum")).text = f"{cents // 100}.{cents % 100:02d}"
    for i, block in enumerate(blocks, start=1):
        block.find(q("PmtInfId")).text = dk_id(f"{run.number}-{i}")


@lru_cache(maxsize=None)
def _schema(schema: str) -> etree.XMLSchema:
    return etree.XMLSchema(file=str(XSD_DIR / f"{schema}.xsd"))


def check_pain(xml: bytes, schema: str) -> None:
    """Validate a pain.001 or pain.008 file against the official XSD; refuse it with the reason."""
    try:
        _schema(schema).assertValid(etree.fromstring(xml))
    except (etree.DocumentInvalid, etree.XMLSyntaxError) as exc:
        raise RuleError(N_("Die SEPA-Datei (%(schema)s) entspricht nicht dem XSD: "
                           "%(reason)s"), schema=schema, reason=str(exc)) from None


DEBIT_SCHEMA = "pain.008.001.08"


def build_pain008(run, creditor: dict) -> bytes:
    """The collection run as one pain.008.001.08 document (blocks per scheme and sequence)."""
    from sepaxml import SepaDD

    document = None
    for scheme in sorted({item.scheme for item in run.items}):
        config = {"name": dk_text(creditor["name"], 70), "IBAN": creditor["iban"],
                  "batch": True, "currency": "EUR", "creditor_id": creditor["creditor_id"],
                  "instrument": scheme}
        if creditor.get("bic"):
            config["BIC"] = creditor["bic"]
        debit = SepaDD(config, schema=DEBIT_SCHEMA, clean=False)
        for item in (i for i in run.items if i.scheme == scheme):
            payment = {"name": dk_text(item.name, 70), "IBAN": item.iban,
                       "amount": int(item.amount * 100), "type": item.sequence,
                       "collection_date": run.collection_date,
                       "mandate_id": dk_id(item.mandate), "mandate_date": item.mandate_signed_on,
                       "description": dk_text(f"Rechnung {item.number}", 140),
                       "endtoend_id": dk_id(item.end_to_end_id or item.number)}
            if item.bic:
                payment["BIC"] = item.bic
            debit.add_payment(payment)
        root = etree.fromstring(debit.export(validate=False))
        if document is None:
            document = root
        else:
            ns = root.nsmap[None]
            for block in root[0].findall(f"{{{ns}}}PmtInf"):
                document[0].append(block)
    _fix_header(document, run)
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8", pretty_print=True)
