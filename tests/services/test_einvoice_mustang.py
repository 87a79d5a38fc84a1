"""Every kind of issued document passes Mustang (veraPDF PDF/A-3b, EN 16931 XSD and
Schematron, XRechnung rules) with no error; the amounts are written out by hand.

One test issues all kinds and validates the PDFs (and the XRechnung XML) in one JVM.
"""
from datetime import date
from decimal import Decimal

import pikepdf
from lxml import etree

from models.invoice import InvoiceLine
from services.invoicing import issuing as invoicing
from services.archive.store import read_file
from tests.factories import make_company, make_customer, make_invoice
from tests.mustang import validate

NS = {"ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
      "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
      "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
      "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"}


def L(qty, price, rate="19", description="Posten", unit="Stk", **kw):
    return InvoiceLine(description=description, quantity=Decimal(qty), unit=unit,
                       unit_price=Decimal(price), vat_rate=rate, **kw)


def xml_of(inv):
    return etree.fromstring(read_file(inv.xml_file))


def texts(root, path):
    return [el.text for el in root.xpath(path, namespaces=NS)]


def issue_every_kind() -> dict:
    """Issue one document of each kind; return them by name."""
    eu = make_customer(name="Bouwbedrijf Jansen B.V.", street="Keizersgracht 1",
                       postal_code="1015 CJ", city="Amsterdam", country="NL",
                       vat_id="NL004495445B01")
    abroad = make_customer(name="Swiss Tools AG", street="Bahnhofstrasse 3", postal_code="8001",
                           city="Zürich", country="CH", vat_id="")
    city = make_customer(name="Stadt Musterhausen, Bauamt", street="Rathausplatz 1",
                         postal_code="50667", city="Köln", vat_id="",
                         leitweg_id="05315000-ABC123-41",
                         electronic_address="e-rechnung@musterhausen.example.org")
    docs = {
        "19": make_invoice([L("3", "95.00", "19", "Beratung", "Std.")]),
        "7": make_invoice([L("4", "24.90", "7", "Fachbuch", "Stück")]),
        "mixed": make_invoice(),
        "exempt_two_reasons": make_invoice([
            L("2", "80.00", "0", "Heilbehandlung", "Std.",
              exemption_reason="steuerfrei nach § 4 Nr. 14 UStG"),
            L("1", "150.00", "0", "Seminar", "Pauschale",
              exemption_reason="steuerfrei nach § 4 Nr. 21 UStG")]),
        "reverse_charge": make_invoice([L("10", "85.00", "AE-EU", "Softwareentwicklung",
                                          "Std.")], customer=eu),
        "reverse_charge_small": make_invoice([L("1", "120.00", "AE-EU", "Wartung", "Std.")],
                                             customer=eu),
        "intra_eu": make_invoice([L("20", "12.50", "K", "Kabelbinder", "Karton")], customer=eu),
        "export": make_invoice([L("5", "240.00", "G", "Hydraulikpumpe", "Stk")],
                               customer=abroad),
        "small": make_invoice([L("2", "49.90", "19", "Reinigungstuch", "XPK")],
                              customer=make_customer(street="", postal_code="", city=""),
                              service_date=None),
        "long": make_invoice([L(str(i % 7 + 1), f"{i}.25", "19" if i % 3 else "7",
                                f"Artikel Nr. {i:03d}", "kg" if i % 2 else "m")
                              for i in range(1, 121)]),
        "xrechnung": make_invoice([L("8", "110.00", "19", "Planungsleistung", "Std.")],
                                  customer=city),
    }
    issued = {name: invoicing.issue_invoice(inv, "fibu") for name, inv in docs.items()}
    issued["storno"] = invoicing.cancel_invoice(issued["mixed"], "fibu",
                                                today=date(2026, 3, 20))
    return issued


def test_every_document_kind_passes_mustang(app, tmp_path):
    make_company(phone="+49 89 123456-0")
    issued = issue_every_kind()
    files = {}
    for name, inv in issued.items():
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(read_file(inv.pdf_file))
        files[str(path)] = name
    xrechnung_xml = tmp_path / "xrechnung.xml"
    xrechnung_xml.write_bytes(read_file(issued["xrechnung"].xml_file))
    files[str(xrechnung_xml)] = "xrechnung.xml"

    # Two broken copies show the check can fail: no OutputIntent, a unit outside Rec 20.
    without_intent = tmp_path / "without_intent.pdf"
    with pikepdf.open(tmp_path / "19.pdf") as pdf:
        del pdf.Root["/OutputIntents"]
        pdf.save(without_intent)
    bad_unit = tmp_path / "bad_unit.xml"
    bad_unit.write_bytes(read_file(issued["19"].xml_file).replace(b'"HUR"', b'"PK"'))

    errors = validate([*files, without_intent, bad_unit])
    assert any("PDF/A 6.2.4.3" in e for e in errors.pop(str(without_intent)))
    assert any("unitCode" in e for e in errors.pop(str(bad_unit)))
    assert {files[path]: found for path, found in errors.items() if found} == {}

    # The amounts by hand: 3 x 95.00 = 285.00 net, 19 % = 54.15.
    assert issued["19"].gross_total == Decimal("339.15")
    # 2 x 80.00 + 150.00 = 310.00 exempt, no VAT; each reason kept with its amount.
    exempt = issued["exempt_two_reasons"]
    assert exempt.gross_total == Decimal("310.00") and exempt.vat_total == 0
    root = xml_of(exempt)
    assert texts(root, "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/"
                       "ram:ExemptionReason") == [
        "steuerfrei nach § 4 Nr. 14 UStG; steuerfrei nach § 4 Nr. 21 UStG"]
    assert texts(root, "//ram:AssociatedDocumentLineDocument/ram:IncludedNote/ram:Content") == [
        "steuerfrei nach § 4 Nr. 14 UStG", "steuerfrei nach § 4 Nr. 21 UStG"]
    # Reverse charge: category AE, VATEX-EU-AE, both VAT IDs, no VAT.
    root = xml_of(issued["reverse_charge"])
    assert texts(root, "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/"
                       "ram:CategoryCode") == ["AE"]
    assert texts(root, "//ram:ExemptionReasonCode") == ["VATEX-EU-AE"]
    assert texts(root, "//ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']") == [
        "DE136695976", "NL004495445B01"]
    assert issued["reverse_charge"].gross_total == Decimal("850.00")
    # Intra-EU supply K and export G with their VATEX codes; units as Rec 20 codes.
    assert texts(xml_of(issued["intra_eu"]), "//ram:ExemptionReasonCode") == ["VATEX-EU-IC"]
    assert [el.get("unitCode") for el in xml_of(issued["intra_eu"]).xpath(
        "//ram:BilledQuantity", namespaces=NS)] == ["XBX"]
    assert texts(xml_of(issued["export"]), "//ram:ExemptionReasonCode") == ["VATEX-EU-G"]
    assert [el.get("unitCode") for el in xml_of(issued["19"]).xpath(
        "//ram:BilledQuantity", namespaces=NS)] == ["HUR"]
    # The Stornorechnung: type 381, refers to the original number and date (BT-25/26).
    storno = xml_of(issued["storno"])
    assert texts(storno, "//rsm:ExchangedDocument/ram:TypeCode") == ["381"]
    assert texts(storno, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == [
        "RE-2026-00003"]
    assert texts(storno, "//ram:InvoiceReferencedDocument/ram:FormattedIssueDateTime/"
                         "qdt:DateTimeString") == ["20260315"]
    # XRechnung: its guideline, the Leitweg-ID as buyer reference, the seller contact.
    root = xml_of(issued["xrechnung"])
    assert texts(root, "//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID") == [
        "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"]
    assert texts(root, "//ram:BuyerReference") == ["05315000-ABC123-41"]
    assert texts(root, "//ram:SellerTradeParty/ram:DefinedTradeContact/"
                       "ram:TelephoneUniversalCommunication/ram:CompleteNumber") == [
        "+49 89 123456-0"]
