"""Real-world-shaped supplier e-invoices built with lxml (CII, UBL, ZUGFeRD 1.0) and factur-x.

Totals are computed here with plain Decimal arithmetic in the order EN 16931 defines
(line net = qty × price − line allowances + line charges; base per rate = lines −
document allowances + document charges; VAT per rate rounded to the cent), independently
of services.payables. The tests state the figures they expect by hand on top of this.
"""
import base64
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from lxml import etree

D = Decimal
CENT = D("0.01")
CII = {"rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
       "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
       "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
       "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"}
ZF1 = {"rsm": "urn:ferd:CrossIndustryDocument:invoice:1p0",
       "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12",
       "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15"}
UBL_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
UBL_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
PROFILES = {
    "minimum": "urn:factur-x.eu:1p0:minimum",
    "basicwl": "urn:factur-x.eu:1p0:basicwl",
    "basic": "urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic",
    "en16931": "urn:cen.eu:en16931:2017",
    "extended": "urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended",
    "xrechnung": "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0",
}
EXEMPTION = {"AE": ("VATEX-EU-AE", "Steuerschuldnerschaft des Leistungsempfängers"),
             "K": ("VATEX-EU-IC", "Steuerfreie innergemeinschaftliche Lieferung")}


def q(value) -> Decimal:
    return D(value).quantize(CENT, ROUND_HALF_UP)


@dataclass
class Line:
    description: str
    quantity: Decimal
    price: Decimal
    category: str = "S"
    rate: Decimal = D("19")
    allowance: Decimal = D("0")
    charge: Decimal = D("0")
    order_line: str | None = None
    unit: str = "H87"

    @property
    def net(self) -> Decimal:
        return q(self.quantity * self.price - self.allowance + self.charge)


@dataclass
class DocAC:  # a document-level allowance (charge=False) or charge
    amount: Decimal
    category: str = "S"
    rate: Decimal = D("19")
    charge: bool = False
    reason: str = "Rabatt"


@dataclass
class Sample:
    number: str = "RE-2026-0815"
    issue_date: date = date(2026, 11, 20)
    due_date: date | None = date(2026, 12, 20)
    type_code: str = "380"
    currency: str = "EUR"
    seller_name: str = "Großhandel Schäfer GmbH"
    seller_vat: str | None = "DE123456788"
    seller_tax_number: str | None = None
    seller_iban: str = "DE89370400440532013000"
    seller_postal: str = "80331"
    seller_city: str = "München"
    seller_country: str = "DE"
    buyer_vat: str | None = "DE136695976"
    order_ref: str | None = None
    lines: list = field(default_factory=lambda: [Line("Kabelbinder 200 mm", D("10"), D("12.50"))])
    doc_acs: list = field(default_factory=list)
    prepaid: Decimal = D("0")
    terms: str = "Zahlbar innerhalb 30 Tagen netto"
    profile: str = "en16931"
    attachments: list = field(default_factory=list)  # (filename, mime, bytes)
    delivery_date: date | None = date(2026, 11, 18)
    tax_currency: str | None = None  # BT-6, e.g. "EUR" on an invoice in USD
    vat_total_tax_currency: Decimal | None = None  # BT-111, the VAT total in BT-6

    # --- totals, by hand
    @property
    def line_total(self):
        return sum((ln.net for ln in self.lines), D("0.00"))

    @property
    def allowance_total(self):
        return sum((a.amount for a in self.doc_acs if not a.charge), D("0.00"))

    @property
    def charge_total(self):
        return sum((a.amount for a in self.doc_acs if a.charge), D("0.00"))

    def breakdown(self):
        groups = {}
        for ln in self.lines:
            groups.setdefault((ln.category, ln.rate), D("0"))
            groups[(ln.category, ln.rate)] += ln.net
        for ac in self.doc_acs:
            groups.setdefault((ac.category, ac.rate), D("0"))
            groups[(ac.category, ac.rate)] += ac.amount if ac.charge else -ac.amount
        return [(cat, rate, q(base), q(base * rate / 100)) for (cat, rate), base in groups.items()]

    @property
    def net_total(self):
        return self.line_total - self.allowance_total + self.charge_total

    @property
    def vat_total(self):
        return sum((row[3] for row in self.breakdown()), D("0.00"))

    @property
    def gross_total(self):
        return self.net_total + self.vat_total

    @property
    def due(self):
        return self.gross_total - q(self.prepaid)


def _e(parent, tag, text=None, ns=CII, **attrs):
    prefix, name = tag.split(":")
    el = etree.SubElement(parent, f"{{{ns[prefix]}}}{name}", **attrs)
    if text is not None:
        el.text = str(text)
    return el


def _d(parent, tag, day, ns=CII):
    holder = _e(parent, tag, ns=ns)
    _e(holder, "udt:DateTimeString", day.strftime("%Y%m%d"), ns=ns, format="102")


def cii_xml(s: Sample, ns=CII) -> bytes:
    """The sample as CII XML (D16B, Factur-X 1.0 / XRechnung 3.0)."""
    root = etree.Element(f"{{{ns['rsm']}}}CrossIndustryInvoice", nsmap=ns)
    ctx = _e(root, "rsm:ExchangedDocumentContext")
    if s.profile == "xrechnung":
        _e(_e(ctx, "ram:BusinessProcessSpecifiedDocumentContextParameter"), "ram:ID",
           "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0")
    _e(_e(ctx, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", PROFILES[s.profile])
    doc = _e(root, "rsm:ExchangedDocument")
    _e(doc, "ram:ID", s.number)
    _e(doc, "ram:TypeCode", s.type_code)
    _d(doc, "ram:IssueDateTime", s.issue_date)
    trade = _e(root, "rsm:SupplyChainTradeTransaction")
    lines = s.profile not in ("minimum", "basicwl")
    for i, ln in enumerate(s.lines if lines else [], start=1):
        item = _e(trade, "ram:IncludedSupplyChainTradeLineItem")
        _e(_e(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", i)
        _e(_e(item, "ram:SpecifiedTradeProduct"), "ram:Name", ln.description)
        agreement = _e(item, "ram:SpecifiedLineTradeAgreement")
        if ln.order_line:
            _e(_e(agreement, "ram:BuyerOrderReferencedDocument"), "ram:LineID", ln.order_line)
        _e(_e(agreement, "ram:NetPriceProductTradePrice"), "ram:ChargeAmount", ln.price)
        _e(_e(item, "ram:SpecifiedLineTradeDelivery"), "ram:BilledQuantity", ln.quantity,
           unitCode=ln.unit)
        settle = _e(item, "ram:SpecifiedLineTradeSettlement")
        tax = _e(settle, "ram:ApplicableTradeTax")
        _e(tax, "ram:TypeCode", "VAT")
        _e(tax, "ram:CategoryCode", ln.category)
        _e(tax, "ram:RateApplicablePercent", ln.rate)
        for amount, is_charge in ((ln.allowance, False), (ln.charge, True)):
            if amount:
                ac = _e(settle, "ram:SpecifiedTradeAllowanceCharge")
                _e(_e(ac, "ram:ChargeIndicator"), "udt:Indicator", str(is_charge).lower())
                _e(ac, "ram:ActualAmount", amount)
                _e(ac, "ram:Reason", "Fracht" if is_charge else "Mengenrabatt")
        _e(_e(settle, "ram:SpecifiedTradeSettlementLineMonetarySummation"), "ram:LineTotalAmount",
           ln.net)
    agreement = _e(trade, "ram:ApplicableHeaderTradeAgreement")
    _e(agreement, "ram:BuyerReference", "04011000-12345-03" if s.profile == "xrechnung" else "Einkauf")
    seller = _e(agreement, "ram:SellerTradeParty")
    _e(seller, "ram:Name", s.seller_name)
    if s.profile in ("en16931", "xrechnung", "extended"):
        contact = _e(seller, "ram:DefinedTradeContact")
        _e(contact, "ram:PersonName", "Erika Schäfer")
        _e(_e(contact, "ram:TelephoneUniversalCommunication"), "ram:CompleteNumber", "+49 89 123456")
        _e(_e(contact, "ram:EmailURIUniversalCommunication"), "ram:URIID", "rechnung@schaefer.example")
    address = _e(seller, "ram:PostalTradeAddress")
    if s.profile != "minimum":
        _e(address, "ram:PostcodeCode", s.seller_postal)
        _e(address, "ram:LineOne", "Lindwurmstraße 5")
        _e(address, "ram:CityName", s.seller_city)
    _e(address, "ram:CountryID", s.seller_country)
    if s.profile == "xrechnung":
        _e(seller, "ram:URIUniversalCommunication")
        _e(seller[-1], "ram:URIID", "rechnung@schaefer.example", schemeID="EM")
    if s.seller_tax_number:
        _e(_e(seller, "ram:SpecifiedTaxRegistration"), "ram:ID", s.seller_tax_number, schemeID="FC")
    if s.seller_vat:
        _e(_e(seller, "ram:SpecifiedTaxRegistration"), "ram:ID", s.seller_vat, schemeID="VA")
    buyer = _e(agreement, "ram:BuyerTradeParty")
    _e(buyer, "ram:Name", "Muster Backoffice GmbH")
    if s.profile != "minimum":
        baddr = _e(buyer, "ram:PostalTradeAddress")
        _e(baddr, "ram:PostcodeCode", "10115")
        _e(baddr, "ram:LineOne", "Invalidenstraße 1")
        _e(baddr, "ram:CityName", "Berlin")
        _e(baddr, "ram:CountryID", "DE")
    if s.profile == "xrechnung":
        _e(buyer, "ram:URIUniversalCommunication")
        _e(buyer[-1], "ram:URIID", "einkauf@muster.example", schemeID="EM")
    if s.buyer_vat:
        _e(_e(buyer, "ram:SpecifiedTaxRegistration"), "ram:ID", s.buyer_vat, schemeID="VA")
    if s.order_ref:
        _e(_e(agreement, "ram:BuyerOrderReferencedDocument"), "ram:IssuerAssignedID", s.order_ref)
    for i, (name, mime, data) in enumerate(s.attachments, start=1):
        ref = _e(agreement, "ram:AdditionalReferencedDocument")
        _e(ref, "ram:IssuerAssignedID", f"ANL-{i}")
        _e(ref, "ram:TypeCode", "916")
        _e(ref, "ram:AttachmentBinaryObject", base64.b64encode(data).decode(), mimeCode=mime,
           filename=name)
    delivery = _e(trade, "ram:ApplicableHeaderTradeDelivery")
    if any(ln.category == "K" for ln in s.lines):
        ship = _e(delivery, "ram:ShipToTradeParty")
        _e(_e(ship, "ram:PostalTradeAddress"), "ram:CountryID", "DE")
    if s.delivery_date and lines:
        _d(_e(delivery, "ram:ActualDeliverySupplyChainEvent"), "ram:OccurrenceDateTime", s.delivery_date)
    settlement = _e(trade, "ram:ApplicableHeaderTradeSettlement")
    if lines:
        _e(settlement, "ram:PaymentReference", s.number)
    if s.tax_currency:
        _e(settlement, "ram:TaxCurrencyCode", s.tax_currency)
    _e(settlement, "ram:InvoiceCurrencyCode", s.currency)
    if lines:
        means = _e(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
        _e(means, "ram:TypeCode", "58")
        _e(_e(means, "ram:PayeePartyCreditorFinancialAccount"), "ram:IBANID", s.seller_iban)
    for cat, rate, base, amount in s.breakdown() if s.profile != "minimum" else []:
        tax = _e(settlement, "ram:ApplicableTradeTax")
        _e(tax, "ram:CalculatedAmount", amount)
        _e(tax, "ram:TypeCode", "VAT")
        if cat in EXEMPTION:
            _e(tax, "ram:ExemptionReason", EXEMPTION[cat][1])
        _e(tax, "ram:BasisAmount", base)
        _e(tax, "ram:CategoryCode", cat)
        if cat in EXEMPTION:
            _e(tax, "ram:ExemptionReasonCode", EXEMPTION[cat][0])
        _e(tax, "ram:RateApplicablePercent", rate)
    for ac in s.doc_acs if s.profile != "minimum" else []:
        el = _e(settlement, "ram:SpecifiedTradeAllowanceCharge")
        _e(_e(el, "ram:ChargeIndicator"), "udt:Indicator", str(ac.charge).lower())
        _e(el, "ram:ActualAmount", ac.amount)
        _e(el, "ram:Reason", ac.reason)
        tax = _e(el, "ram:CategoryTradeTax")
        _e(tax, "ram:TypeCode", "VAT")
        _e(tax, "ram:CategoryCode", ac.category)
        _e(tax, "ram:RateApplicablePercent", ac.rate)
    if (s.terms or s.due_date) and s.profile != "minimum":
        terms = _e(settlement, "ram:SpecifiedTradePaymentTerms")
        if s.terms:
            _e(terms, "ram:Description", s.terms)
        if s.due_date:
            _d(terms, "ram:DueDateDateTime", s.due_date)
    total = _e(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    if s.profile != "minimum":
        _e(total, "ram:LineTotalAmount", s.line_total)
    if s.doc_acs and s.profile != "minimum":
        _e(total, "ram:ChargeTotalAmount", s.charge_total)
        _e(total, "ram:AllowanceTotalAmount", s.allowance_total)
    _e(total, "ram:TaxBasisTotalAmount", q(s.net_total))
    _e(total, "ram:TaxTotalAmount", q(s.vat_total), currencyID=s.currency)
    if s.tax_currency and s.vat_total_tax_currency is not None:
        _e(total, "ram:TaxTotalAmount", q(s.vat_total_tax_currency), currencyID=s.tax_currency)
    _e(total, "ram:GrandTotalAmount", q(s.gross_total))
    if s.prepaid:
        _e(total, "ram:TotalPrepaidAmount", q(s.prepaid))
    _e(total, "ram:DuePayableAmount", q(s.due))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _u(parent, tag, text=None, **attrs):
    ns = UBL_CAC if tag.startswith("cac:") else UBL_CBC
    el = etree.SubElement(parent, f"{{{ns}}}{tag[4:]}", **attrs)
    if text is not None:
        el.text = str(text)
    return el


def _ubl_tax_category(parent, tag, cat, rate, reason=True):
    el = _u(parent, tag)
    _u(el, "cbc:ID", cat)
    _u(el, "cbc:Percent", rate)
    if reason and cat in EXEMPTION:
        _u(el, "cbc:TaxExemptionReasonCode", EXEMPTION[cat][0])
        _u(el, "cbc:TaxExemptionReason", EXEMPTION[cat][1])
    _u(_u(el, "cac:TaxScheme"), "cbc:ID", "VAT")


def _ubl_party(parent, tag, name, vat, postal, city, country, street, tax_number=None, contact=True):
    party = _u(_u(parent, tag), "cac:Party")
    _u(party, "cbc:EndpointID", "rechnung@example.com", schemeID="EM")
    _u(_u(party, "cac:PartyName"), "cbc:Name", name)
    addr = _u(party, "cac:PostalAddress")
    _u(addr, "cbc:StreetName", street)
    _u(addr, "cbc:CityName", city)
    _u(addr, "cbc:PostalZone", postal)
    _u(_u(addr, "cac:Country"), "cbc:IdentificationCode", country)
    if vat:
        scheme = _u(party, "cac:PartyTaxScheme")
        _u(scheme, "cbc:CompanyID", vat)
        _u(_u(scheme, "cac:TaxScheme"), "cbc:ID", "VAT")
    if tax_number:
        scheme = _u(party, "cac:PartyTaxScheme")
        _u(scheme, "cbc:CompanyID", tax_number)
        _u(_u(scheme, "cac:TaxScheme"), "cbc:ID", "FC")
    _u(_u(party, "cac:PartyLegalEntity"), "cbc:RegistrationName", name)
    if contact:
        c = _u(party, "cac:Contact")
        _u(c, "cbc:Name", "Erika Schäfer")
        _u(c, "cbc:Telephone", "+49 89 123456")
        _u(c, "cbc:ElectronicMail", "rechnung@schaefer.example")


def ubl_xml(s: Sample, credit_note: bool = False) -> bytes:
    """The sample as UBL 2.1 Invoice (or CreditNote) following EN 16931."""
    kind = "CreditNote" if credit_note else "Invoice"
    root = etree.Element(f"{{urn:oasis:names:specification:ubl:schema:xsd:{kind}-2}}{kind}",
                         nsmap={None: f"urn:oasis:names:specification:ubl:schema:xsd:{kind}-2",
                                "cac": UBL_CAC, "cbc": UBL_CBC})
    _u(root, "cbc:CustomizationID", PROFILES["en16931"])
    _u(root, "cbc:ID", s.number)
    _u(root, "cbc:IssueDate", s.issue_date.isoformat())
    if s.due_date and not credit_note:
        _u(root, "cbc:DueDate", s.due_date.isoformat())
    _u(root, "cbc:CreditNoteTypeCode" if credit_note else "cbc:InvoiceTypeCode",
       "381" if credit_note else s.type_code)
    _u(root, "cbc:DocumentCurrencyCode", s.currency)
    if s.tax_currency:
        _u(root, "cbc:TaxCurrencyCode", s.tax_currency)
    _u(root, "cbc:BuyerReference", "Einkauf")
    if s.order_ref:
        _u(_u(root, "cac:OrderReference"), "cbc:ID", s.order_ref)
    for i, (name, mime, data) in enumerate(s.attachments, start=1):
        ref = _u(root, "cac:AdditionalDocumentReference")
        _u(ref, "cbc:ID", f"ANL-{i}")
        _u(_u(ref, "cac:Attachment"), "cbc:EmbeddedDocumentBinaryObject",
           base64.b64encode(data).decode(), mimeCode=mime, filename=name)
    _ubl_party(root, "cac:AccountingSupplierParty", s.seller_name, s.seller_vat, s.seller_postal,
               s.seller_city, s.seller_country, "Lindwurmstraße 5", s.seller_tax_number)
    _ubl_party(root, "cac:AccountingCustomerParty", "Muster Backoffice GmbH", s.buyer_vat,
               "10115", "Berlin", "DE", "Invalidenstraße 1", contact=False)
    delivery = _u(root, "cac:Delivery")
    if s.delivery_date:
        _u(delivery, "cbc:ActualDeliveryDate", s.delivery_date.isoformat())
    _u(_u(_u(delivery, "cac:DeliveryLocation"), "cac:Address"), "cac:Country")
    _u(delivery[-1][0][0], "cbc:IdentificationCode", "DE")
    means = _u(root, "cac:PaymentMeans")
    _u(means, "cbc:PaymentMeansCode", "58")
    if s.due_date and credit_note:
        _u(means, "cbc:PaymentDueDate", s.due_date.isoformat())
    _u(means, "cbc:PaymentID", s.number)
    _u(_u(means, "cac:PayeeFinancialAccount"), "cbc:ID", s.seller_iban)
    if s.terms:
        _u(_u(root, "cac:PaymentTerms"), "cbc:Note", s.terms)
    for ac in s.doc_acs:
        el = _u(root, "cac:AllowanceCharge")
        _u(el, "cbc:ChargeIndicator", str(ac.charge).lower())
        _u(el, "cbc:AllowanceChargeReason", ac.reason)
        _u(el, "cbc:Amount", ac.amount, currencyID=s.currency)
        _ubl_tax_category(el, "cac:TaxCategory", ac.category, ac.rate, reason=False)
    total_tax = _u(root, "cac:TaxTotal")
    _u(total_tax, "cbc:TaxAmount", q(s.vat_total), currencyID=s.currency)
    for cat, rate, base, amount in s.breakdown():
        sub = _u(total_tax, "cac:TaxSubtotal")
        _u(sub, "cbc:TaxableAmount", base, currencyID=s.currency)
        _u(sub, "cbc:TaxAmount", amount, currencyID=s.currency)
        _ubl_tax_category(sub, "cac:TaxCategory", cat, rate)
    if s.tax_currency and s.vat_total_tax_currency is not None:  # BT-111: a second TaxTotal
        _u(_u(root, "cac:TaxTotal"), "cbc:TaxAmount", q(s.vat_total_tax_currency),
           currencyID=s.tax_currency)
    total = _u(root, "cac:LegalMonetaryTotal")
    _u(total, "cbc:LineExtensionAmount", s.line_total, currencyID=s.currency)
    _u(total, "cbc:TaxExclusiveAmount", q(s.net_total), currencyID=s.currency)
    _u(total, "cbc:TaxInclusiveAmount", q(s.gross_total), currencyID=s.currency)
    if s.doc_acs:
        _u(total, "cbc:AllowanceTotalAmount", s.allowance_total, currencyID=s.currency)
        _u(total, "cbc:ChargeTotalAmount", s.charge_total, currencyID=s.currency)
    if s.prepaid:
        _u(total, "cbc:PrepaidAmount", q(s.prepaid), currencyID=s.currency)
    _u(total, "cbc:PayableAmount", q(s.due), currencyID=s.currency)
    for i, ln in enumerate(s.lines, start=1):
        line = _u(root, "cac:CreditNoteLine" if credit_note else "cac:InvoiceLine")
        _u(line, "cbc:ID", i)
        _u(line, "cbc:CreditedQuantity" if credit_note else "cbc:InvoicedQuantity", ln.quantity,
           unitCode=ln.unit)
        _u(line, "cbc:LineExtensionAmount", ln.net, currencyID=s.currency)
        if ln.order_line:
            _u(_u(line, "cac:OrderLineReference"), "cbc:LineID", ln.order_line)
        for amount, is_charge in ((ln.allowance, False), (ln.charge, True)):
            if amount:
                ac = _u(line, "cac:AllowanceCharge")
                _u(ac, "cbc:ChargeIndicator", str(is_charge).lower())
                _u(ac, "cbc:AllowanceChargeReason", "Fracht" if is_charge else "Mengenrabatt")
                _u(ac, "cbc:Amount", amount, currencyID=s.currency)
        item = _u(line, "cac:Item")
        _u(item, "cbc:Name", ln.description)
        _ubl_tax_category(item, "cac:ClassifiedTaxCategory", ln.category, ln.rate, reason=False)
        _u(_u(line, "cac:Price"), "cbc:PriceAmount", ln.price, currencyID=s.currency)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def zugferd1_xml(s: Sample) -> bytes:
    """The sample as ZUGFeRD 1.0 (COMFORT) XML: the older CII dialect."""
    root = etree.Element(f"{{{ZF1['rsm']}}}CrossIndustryDocument", nsmap=ZF1)
    ctx = _e(root, "rsm:SpecifiedExchangedDocumentContext", ns=ZF1)
    _e(_e(ctx, "ram:GuidelineSpecifiedDocumentContextParameter", ns=ZF1), "ram:ID",
       "urn:ferd:CrossIndustryDocument:invoice:1p0:comfort", ns=ZF1)
    doc = _e(root, "rsm:HeaderExchangedDocument", ns=ZF1)
    _e(doc, "ram:ID", s.number, ns=ZF1)
    _e(doc, "ram:Name", "RECHNUNG", ns=ZF1)
    _e(doc, "ram:TypeCode", s.type_code, ns=ZF1)
    _d(doc, "ram:IssueDateTime", s.issue_date, ns=ZF1)
    trade = _e(root, "rsm:SpecifiedSupplyChainTradeTransaction", ns=ZF1)
    agreement = _e(trade, "ram:ApplicableSupplyChainTradeAgreement", ns=ZF1)
    seller = _e(agreement, "ram:SellerTradeParty", ns=ZF1)
    _e(seller, "ram:Name", s.seller_name, ns=ZF1)
    addr = _e(seller, "ram:PostalTradeAddress", ns=ZF1)
    _e(addr, "ram:PostcodeCode", s.seller_postal, ns=ZF1)
    _e(addr, "ram:LineOne", "Lindwurmstraße 5", ns=ZF1)
    _e(addr, "ram:CityName", s.seller_city, ns=ZF1)
    _e(addr, "ram:CountryID", s.seller_country, ns=ZF1)
    _e(_e(seller, "ram:SpecifiedTaxRegistration", ns=ZF1), "ram:ID", s.seller_vat, ns=ZF1,
       schemeID="VA")
    buyer = _e(agreement, "ram:BuyerTradeParty", ns=ZF1)
    _e(buyer, "ram:Name", "Muster Backoffice GmbH", ns=ZF1)
    settlement = _e(trade, "ram:ApplicableSupplyChainTradeSettlement", ns=ZF1)
    _e(settlement, "ram:PaymentReference", s.number, ns=ZF1)
    _e(settlement, "ram:InvoiceCurrencyCode", s.currency, ns=ZF1)
    means = _e(settlement, "ram:SpecifiedTradeSettlementPaymentMeans", ns=ZF1)
    _e(means, "ram:TypeCode", "58", ns=ZF1)
    _e(_e(means, "ram:PayeePartyCreditorFinancialAccount", ns=ZF1), "ram:IBANID", s.seller_iban, ns=ZF1)
    for cat, rate, base, amount in s.breakdown():
        tax = _e(settlement, "ram:ApplicableTradeTax", ns=ZF1)
        _e(tax, "ram:CalculatedAmount", amount, ns=ZF1, currencyID=s.currency)
        _e(tax, "ram:TypeCode", "VAT", ns=ZF1)
        _e(tax, "ram:BasisAmount", base, ns=ZF1, currencyID=s.currency)
        _e(tax, "ram:CategoryCode", cat, ns=ZF1)
        _e(tax, "ram:ApplicablePercent", rate, ns=ZF1)
    terms = _e(settlement, "ram:SpecifiedTradePaymentTerms", ns=ZF1)
    _e(terms, "ram:Description", s.terms, ns=ZF1)
    if s.due_date:
        _d(terms, "ram:DueDateDateTime", s.due_date, ns=ZF1)
    total = _e(settlement, "ram:SpecifiedTradeSettlementMonetarySummation", ns=ZF1)
    _e(total, "ram:LineTotalAmount", s.line_total, ns=ZF1, currencyID=s.currency)
    _e(total, "ram:ChargeTotalAmount", s.charge_total, ns=ZF1, currencyID=s.currency)
    _e(total, "ram:AllowanceTotalAmount", s.allowance_total, ns=ZF1, currencyID=s.currency)
    _e(total, "ram:TaxBasisTotalAmount", q(s.net_total), ns=ZF1, currencyID=s.currency)
    _e(total, "ram:TaxTotalAmount", q(s.vat_total), ns=ZF1, currencyID=s.currency)
    _e(total, "ram:GrandTotalAmount", q(s.gross_total), ns=ZF1, currencyID=s.currency)
    if s.prepaid:
        _e(total, "ram:TotalPrepaidAmount", q(s.prepaid), ns=ZF1, currencyID=s.currency)
    _e(total, "ram:DuePayableAmount", q(s.due), ns=ZF1, currencyID=s.currency)
    for i, ln in enumerate(s.lines, start=1):
        item = _e(trade, "ram:IncludedSupplyChainTradeLineItem", ns=ZF1)
        _e(_e(item, "ram:AssociatedDocumentLineDocument", ns=ZF1), "ram:LineID", i, ns=ZF1)
        ag = _e(item, "ram:SpecifiedSupplyChainTradeAgreement", ns=ZF1)
        _e(_e(ag, "ram:NetPriceProductTradePrice", ns=ZF1), "ram:ChargeAmount", ln.price, ns=ZF1,
           currencyID=s.currency)
        _e(_e(item, "ram:SpecifiedSupplyChainTradeDelivery", ns=ZF1), "ram:BilledQuantity",
           ln.quantity, ns=ZF1, unitCode=ln.unit)
        st = _e(item, "ram:SpecifiedSupplyChainTradeSettlement", ns=ZF1)
        tax = _e(st, "ram:ApplicableTradeTax", ns=ZF1)
        _e(tax, "ram:TypeCode", "VAT", ns=ZF1)
        _e(tax, "ram:CategoryCode", ln.category, ns=ZF1)
        _e(tax, "ram:ApplicablePercent", ln.rate, ns=ZF1)
        _e(_e(st, "ram:SpecifiedTradeSettlementMonetarySummation", ns=ZF1), "ram:LineTotalAmount",
           ln.net, ns=ZF1, currencyID=s.currency)
        _e(_e(item, "ram:SpecifiedTradeProduct", ns=ZF1), "ram:Name", ln.description, ns=ZF1)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def plain_pdf(text: str = "Rechnung (Scan)") -> bytes:
    """A PDF/A-3b made by the project's PDF code (no XML inside)."""
    from services.core.pdf import FONT_CSS, html_to_pdf
    from services.core.pdfa import make_pdfa3b

    return make_pdfa3b(html_to_pdf(f"<html><head><style>{FONT_CSS} body {{ font-family: "
                                   f"'DejaVu Sans'; }}</style></head><body><h1>{text}</h1>"
                                   "</body></html>"))


def facturx_pdf(xml: bytes, level: str) -> bytes:
    """The XML embedded into a PDF/A-3 by the factur-x library (as a supplier would send it)."""
    import facturx

    return facturx.generate_from_binary(plain_pdf(), xml, flavor="factur-x", level=level,
                                        check_xsd=False, lang="de-DE")


def zugferd1_pdf(xml: bytes) -> bytes:
    """A ZUGFeRD 1.0 PDF: the XML attached as ZUGFeRD-invoice.xml (pikepdf)."""
    import io

    import pikepdf

    pdf = pikepdf.open(io.BytesIO(plain_pdf()))
    pdf.attachments["ZUGFeRD-invoice.xml"] = pikepdf.AttachedFileSpec(
        pdf, xml, mime_type="text/xml", description="ZUGFeRD Rechnung")
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()
