"""`make seed` and `make run` log the product's lines, not the PDF libraries' chatter.

A child process sets up the JSON log as the app does outside tests, then really writes a
PDF with pikepdf and embeds an XML with factur-x: neither library's INFO line reaches stdout,
their warnings and the product's own INFO lines do.
"""
import json
import subprocess
import sys

from tests.conftest import REPO

CHILD = r'''
import io, logging
from services.core.logging_json import configure_logging
configure_logging("INFO")
import facturx, pikepdf
pdf = pikepdf.new(); pdf.add_blank_page(); out = io.BytesIO(); pdf.save(out)
facturx.generate_from_binary(out.getvalue(), XML, flavor="factur-x", level="en16931",
                             check_xsd=False)
logging.getLogger("factur-x").warning("library warning kept")
logging.getLogger("backoffice.seed").info("own info kept")
'''
XML = b'''<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice
 xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
 xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
 xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
<rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter>
<ram:ID>urn:cen.eu:en16931:2017</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>
</rsm:ExchangedDocumentContext>
<rsm:ExchangedDocument><ram:ID>RE-2026-0001</ram:ID><ram:TypeCode>380</ram:TypeCode>
<ram:IssueDateTime><udt:DateTimeString format="102">20261201</udt:DateTimeString>
</ram:IssueDateTime></rsm:ExchangedDocument>
<rsm:SupplyChainTradeTransaction><ram:ApplicableHeaderTradeAgreement>
<ram:SellerTradeParty><ram:Name>Muster Handels GmbH</ram:Name></ram:SellerTradeParty>
<ram:BuyerTradeParty><ram:Name>Kunde AG</ram:Name></ram:BuyerTradeParty>
</ram:ApplicableHeaderTradeAgreement></rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>'''


def _log_lines(quiet: bool) -> list[dict]:
    code = f"XML = {XML!r}\n" + CHILD
    if not quiet:  # the same run with the libraries at INFO: shows the test can fail
        code = code.replace('configure_logging("INFO")', 'configure_logging("INFO")\n'
                            'for n in ("factur-x", "pikepdf"): '
                            'logging.getLogger(n).setLevel(logging.INFO)')
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def test_pdf_libraries_log_no_info_lines_but_their_warnings():
    lines = _log_lines(quiet=True)
    assert not [l for l in lines if l["level"] == "INFO" and l["logger"] != "backoffice.seed"]
    assert {"logger": "factur-x", "level": "WARNING", "message": "library warning kept"}.items() \
        <= next(l for l in lines if l["logger"] == "factur-x").items()
    assert [l["message"] for l in lines if l["logger"] == "backoffice.seed"] == ["own info kept"]


def test_without_the_quieting_the_same_run_logs_the_chatter():
    infos = {l["logger"] for l in _log_lines(quiet=False) if l["level"] == "INFO"}
    assert {"factur-x", "pikepdf._core"} <= infos
