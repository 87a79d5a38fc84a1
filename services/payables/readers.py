"""Read e-invoices (CII, UBL 2.1 Invoice/CreditNote, ZUGFeRD 1.0, Factur-X PDF) into one dict.

The normalised dict is the same for every syntax: header fields, `seller`, `lines`,
`vat_breakdown`, the document totals and `attachments` (BG-24, decoded bytes). Amounts
are Decimal as written in the XML (not recomputed: the checks compare them).
"""
import base64
import copy
import io
from datetime import date
from decimal import Decimal, InvalidOperation

from lxml import etree

from services.core.messages import N_, RuleError

CII_NS = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
ZF1_NS = "urn:ferd:CrossIndustryDocument:invoice:1p0"
UBL_INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
# Profiles below EN 16931 carry no lines: not a valid invoice under German law (§ 14 UStG).
DOCUMENT_ONLY_PROFILES = ("urn:factur-x.eu:1p0:minimum", "urn:factur-x.eu:1p0:basicwl")
CREDIT_TYPE_CODES = ("381", "261", "262", "396", "532")

# ZUGFeRD 1.0 element names -> their CII D16B names (the structure is otherwise alike).
ZF1_RENAMES = {
    "HeaderExchangedDocument": "ExchangedDocument",
    "SpecifiedSupplyChainTradeTransaction": "SupplyChainTradeTransaction",
    "ApplicableSupplyChainTradeAgreement": "ApplicableHeaderTradeAgreement",
    "ApplicableSupplyChainTradeDelivery": "ApplicableHeaderTradeDelivery",
    "ApplicableSupplyChainTradeSettlement": "ApplicableHeaderTradeSettlement",
    "SpecifiedSupplyChainTradeAgreement": "SpecifiedLineTradeAgreement",
    "SpecifiedSupplyChainTradeDelivery": "SpecifiedLineTradeDelivery",
    "SpecifiedSupplyChainTradeSettlement": "SpecifiedLineTradeSettlement",
    "ApplicablePercent": "RateApplicablePercent",
}


def _dec(text) -> Decimal | None:
    if text is None or not str(text).strip():
        return None
    try:
        return Decimal(str(text).strip())
    except InvalidOperation:
        raise RuleError(N_("Betrag „%(value)s“ in der E-Rechnung ist keine Zahl"),
                        value=str(text)) from None


def _cii_date(text) -> date | None:
    text = (text or "").strip()
    if len(text) != 8 or not text.isdigit():
        return None
    return date(int(text[:4]), int(text[4:6]), int(text[6:8]))


def _iso_date(text) -> date | None:
    text = (text or "").strip()
    return date.fromisoformat(text) if text else None


def parse_xml(data: bytes):
    """Parse XML bytes safely (no entities, no network) or raise RuleError."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise RuleError(N_("Die Datei ist kein lesbares XML: %(error)s"), error=str(exc)) from None


def syntax_of(root) -> str:
    """Return 'cii', 'zugferd1' or 'ubl' for an XML root, or raise RuleError."""
    ns = etree.QName(root).namespace
    if ns == CII_NS:
        return "cii"
    if ns == ZF1_NS:
        return "zugferd1"
    if ns in (UBL_INVOICE_NS, UBL_CREDIT_NS):
        return "ubl"
    raise RuleError(N_("Unbekanntes XML-Format (%(ns)s): erwartet wird eine E-Rechnung in "
                       "CII (XRechnung, ZUGFeRD, Factur-X) oder UBL 2.1"), ns=ns or "ohne Namensraum")


def read_xml(data: bytes) -> dict:
    """Normalise an e-invoice XML of any supported syntax."""
    return read_tree(parse_xml(data))


def read_tree(root) -> dict:
    """Normalise a parsed e-invoice; the tree stays as parsed (the XSD check reads it after)."""
    syntax = syntax_of(root)
    if syntax == "ubl":
        return read_ubl(root)
    if syntax == "zugferd1":  # read under CII's names, on a copy
        root = copy.deepcopy(root)
        for el in root.iter():
            if isinstance(el.tag, str):
                q = etree.QName(el)
                if q.localname in ZF1_RENAMES:
                    el.tag = f"{{{q.namespace}}}{ZF1_RENAMES[q.localname]}"
    result = read_cii(root)
    result["syntax"] = syntax
    return result


# ------------------------------------------------------------------------- CII

def _t(el, path):
    """Text of the first match of a namespace-agnostic path (`a/b` local names)."""
    if el is None:
        return None
    found = el.find("/".join(f"{{*}}{p}" for p in path.split("/")))
    return found.text.strip() if found is not None and found.text else None


def _all(el, path):
    if el is None:
        return []
    return el.findall("/".join(f"{{*}}{p}" for p in path.split("/")))


def _one(el, path):
    return None if el is None else el.find("/".join(f"{{*}}{p}" for p in path.split("/")))


def _cii_party(party) -> dict:
    tax_ids = {reg.get("schemeID"): (reg.text or "").strip()
               for reg in _all(party, "SpecifiedTaxRegistration/ID")}
    return {"name": _t(party, "Name"), "vat_id": tax_ids.get("VA"), "tax_number": tax_ids.get("FC"),
            "street": _t(party, "PostalTradeAddress/LineOne"),
            "postal_code": _t(party, "PostalTradeAddress/PostcodeCode"),
            "city": _t(party, "PostalTradeAddress/CityName"),
            "country": _t(party, "PostalTradeAddress/CountryID"),
            "contact_name": _t(party, "DefinedTradeContact/PersonName"),
            "phone": _t(party, "DefinedTradeContact/TelephoneUniversalCommunication/CompleteNumber"),
            "email": _t(party, "DefinedTradeContact/EmailURIUniversalCommunication/URIID")}


def _cii_allowances(parent) -> tuple[Decimal, Decimal]:
    allowances = charges = Decimal("0")
    for ac in _all(parent, "SpecifiedTradeAllowanceCharge"):
        amount = _dec(_t(ac, "ActualAmount")) or Decimal("0")
        if (_t(ac, "ChargeIndicator/Indicator") or "").lower() == "true":
            charges += amount
        else:
            allowances += amount
    return allowances, charges


def _cii_line(item) -> dict:
    settlement = _one(item, "SpecifiedLineTradeSettlement")
    price = _dec(_t(item, "SpecifiedLineTradeAgreement/NetPriceProductTradePrice/ChargeAmount"))
    basis = _dec(_t(item, "SpecifiedLineTradeAgreement/NetPriceProductTradePrice/BasisQuantity"))
    qty_el = _one(item, "SpecifiedLineTradeDelivery/BilledQuantity")
    allowances, charges = _cii_allowances(settlement)
    return {"line_id": _t(item, "AssociatedDocumentLineDocument/LineID"),
            "description": _t(item, "SpecifiedTradeProduct/Name"),
            "quantity": _dec(qty_el.text) if qty_el is not None else None,
            "unit": qty_el.get("unitCode") if qty_el is not None else None,
            "unit_price": price / basis if price is not None and basis else price,
            "net_amount": _dec(_t(settlement,
                                  "SpecifiedTradeSettlementLineMonetarySummation/LineTotalAmount")
                               or _t(settlement, "SpecifiedTradeSettlementMonetarySummation/LineTotalAmount")),
            "allowances": allowances, "charges": charges,
            "vat_category": _t(settlement, "ApplicableTradeTax/CategoryCode"),
            "vat_rate": _dec(_t(settlement, "ApplicableTradeTax/RateApplicablePercent")),
            "order_line_ref": _t(item, "SpecifiedLineTradeAgreement/BuyerOrderReferencedDocument/LineID")}


def _cii_tax_total(summation, currency):
    amounts = _all(summation, "TaxTotalAmount")
    for el in amounts:  # BT-110 is the one in the invoice currency
        if el.get("currencyID") in (None, currency):
            return _dec(el.text)
    return _dec(amounts[0].text) if amounts else None


def _cii_tax_currency_total(summation, tax_currency, currency):
    """BT-111: the VAT total in the tax currency (BT-6), when it differs from the invoice's."""
    if not tax_currency or tax_currency == currency:
        return None
    return next((_dec(el.text) for el in _all(summation, "TaxTotalAmount")
                 if el.get("currencyID") == tax_currency), None)


def read_cii(root) -> dict:
    """Normalise a CII (or renamed ZUGFeRD 1.0) tree."""
    doc = _one(root, "ExchangedDocument")
    trade = _one(root, "SupplyChainTradeTransaction")
    agreement = _one(trade, "ApplicableHeaderTradeAgreement")
    settlement = _one(trade, "ApplicableHeaderTradeSettlement")
    summation = _one(settlement, "SpecifiedTradeSettlementHeaderMonetarySummation")
    if summation is None:  # ZUGFeRD 1.0
        summation = _one(settlement, "SpecifiedTradeSettlementMonetarySummation")
    currency = _t(settlement, "InvoiceCurrencyCode")
    type_code = _t(doc, "TypeCode")
    profile = _t(root, "ExchangedDocumentContext/GuidelineSpecifiedDocumentContextParameter/ID") \
        or _t(root, "SpecifiedExchangedDocumentContext/GuidelineSpecifiedDocumentContextParameter/ID")
    terms = _all(settlement, "SpecifiedTradePaymentTerms")
    allowances, charges = _cii_allowances(settlement)
    return {
        "syntax": "cii", "profile": profile, "number": _t(doc, "ID"), "type_code": type_code,
        "kind": "credit_note" if type_code in CREDIT_TYPE_CODES else "invoice",
        "issue_date": _cii_date(_t(doc, "IssueDateTime/DateTimeString")),
        "notes": [(n.text or "").strip() for n in _all(doc, "IncludedNote/Content")],
        "currency": currency,
        "buyer_reference": _t(agreement, "BuyerReference"),
        "order_ref": _t(agreement, "BuyerOrderReferencedDocument/IssuerAssignedID"),
        "seller": _cii_party(_one(agreement, "SellerTradeParty")),
        "buyer": _cii_party(_one(agreement, "BuyerTradeParty")),
        "delivery_date": _cii_date(_t(trade, "ApplicableHeaderTradeDelivery/"
                                             "ActualDeliverySupplyChainEvent/OccurrenceDateTime/DateTimeString")),
        "period_start": _cii_date(_t(settlement, "BillingSpecifiedPeriod/StartDateTime/DateTimeString")),
        "period_end": _cii_date(_t(settlement, "BillingSpecifiedPeriod/EndDateTime/DateTimeString")),
        "iban": _t(settlement, "SpecifiedTradeSettlementPaymentMeans/PayeePartyCreditorFinancialAccount/IBANID"),
        "payment_reference": _t(settlement, "PaymentReference"),
        "payment_terms": "\n".join(filter(None, (_t(t, "Description") for t in terms))) or None,
        "due_date": next(filter(None, (_cii_date(_t(t, "DueDateDateTime/DateTimeString"))
                                       for t in terms)), None),
        "lines": [_cii_line(item) for item in _all(trade, "IncludedSupplyChainTradeLineItem")],
        "vat_breakdown": [{"category": _t(tax, "CategoryCode"),
                           "rate": _dec(_t(tax, "RateApplicablePercent")) or Decimal("0"),
                           "base": _dec(_t(tax, "BasisAmount")),
                           "amount": _dec(_t(tax, "CalculatedAmount"))}
                          for tax in _all(settlement, "ApplicableTradeTax")],
        "allowances": allowances, "charges": charges,
        "line_total": _dec(_t(summation, "LineTotalAmount")),
        "allowance_total": _dec(_t(summation, "AllowanceTotalAmount")),
        "charge_total": _dec(_t(summation, "ChargeTotalAmount")),
        "net_total": _dec(_t(summation, "TaxBasisTotalAmount")),
        "vat_total": _cii_tax_total(summation, currency),
        "tax_currency": _t(settlement, "TaxCurrencyCode"),
        "vat_total_tax_currency": _cii_tax_currency_total(
            summation, _t(settlement, "TaxCurrencyCode"), currency),
        "gross_total": _dec(_t(summation, "GrandTotalAmount")),
        "prepaid": _dec(_t(summation, "TotalPrepaidAmount")),
        "amount_due": _dec(_t(summation, "DuePayableAmount")),
        "attachments": [_cii_attachment(ref) for ref in _all(agreement, "AdditionalReferencedDocument")
                        if _one(ref, "AttachmentBinaryObject") is not None],
    }


def _cii_attachment(ref) -> dict:
    obj = _one(ref, "AttachmentBinaryObject")
    return {"id": _t(ref, "IssuerAssignedID"), "filename": obj.get("filename") or "anhang",
            "mime": obj.get("mimeCode"), "data": base64.b64decode(obj.text or "")}


# ------------------------------------------------------------------------- UBL

def _ubl_party(party) -> dict:
    schemes = {_t(s, "TaxScheme/ID"): _t(s, "CompanyID") for s in _all(party, "PartyTaxScheme")}
    return {"name": _t(party, "PartyName/Name") or _t(party, "PartyLegalEntity/RegistrationName"),
            "vat_id": schemes.get("VAT"), "tax_number": schemes.get("FC") or schemes.get("LOC"),
            "street": _t(party, "PostalAddress/StreetName"),
            "postal_code": _t(party, "PostalAddress/PostalZone"),
            "city": _t(party, "PostalAddress/CityName"),
            "country": _t(party, "PostalAddress/Country/IdentificationCode"),
            "contact_name": _t(party, "Contact/Name"), "phone": _t(party, "Contact/Telephone"),
            "email": _t(party, "Contact/ElectronicMail")}


def _ubl_allowances(parent) -> tuple[Decimal, Decimal]:
    allowances = charges = Decimal("0")
    for ac in _all(parent, "AllowanceCharge"):
        amount = _dec(_t(ac, "Amount")) or Decimal("0")
        if (_t(ac, "ChargeIndicator") or "").lower() == "true":
            charges += amount
        else:
            allowances += amount
    return allowances, charges


def _ubl_line(line, credit: bool) -> dict:
    qty_el = _one(line, "CreditedQuantity" if credit else "InvoicedQuantity")
    price = _dec(_t(line, "Price/PriceAmount"))
    basis = _dec(_t(line, "Price/BaseQuantity"))
    allowances, charges = _ubl_allowances(line)
    return {"line_id": _t(line, "ID"), "description": _t(line, "Item/Name"),
            "quantity": _dec(qty_el.text) if qty_el is not None else None,
            "unit": qty_el.get("unitCode") if qty_el is not None else None,
            "unit_price": price / basis if price is not None and basis else price,
            "net_amount": _dec(_t(line, "LineExtensionAmount")),
            "allowances": allowances, "charges": charges,
            "vat_category": _t(line, "Item/ClassifiedTaxCategory/ID"),
            "vat_rate": _dec(_t(line, "Item/ClassifiedTaxCategory/Percent")),
            "order_line_ref": _t(line, "OrderLineReference/LineID")}


def read_ubl(root) -> dict:
    """Normalise a UBL 2.1 Invoice or CreditNote tree."""
    credit = etree.QName(root).localname == "CreditNote"
    currency = _t(root, "DocumentCurrencyCode")
    total = _one(root, "LegalMonetaryTotal")
    tax_totals = [tt for tt in _all(root, "TaxTotal")
                  if _one(tt, "TaxAmount").get("currencyID") in (None, currency)]
    type_code = _t(root, "CreditNoteTypeCode" if credit else "InvoiceTypeCode")
    allowances, charges = _ubl_allowances(root)
    terms = [t.text.strip() for t in _all(root, "PaymentTerms/Note") if t.text]
    return {
        "syntax": "ubl", "profile": _t(root, "CustomizationID"), "number": _t(root, "ID"),
        "type_code": type_code,
        "kind": "credit_note" if credit or type_code in CREDIT_TYPE_CODES else "invoice",
        "issue_date": _iso_date(_t(root, "IssueDate")),
        "notes": [n.text.strip() for n in _all(root, "Note") if n.text],
        "currency": currency, "buyer_reference": _t(root, "BuyerReference"),
        "order_ref": _t(root, "OrderReference/ID"),
        "seller": _ubl_party(_one(root, "AccountingSupplierParty/Party")),
        "buyer": _ubl_party(_one(root, "AccountingCustomerParty/Party")),
        "delivery_date": _iso_date(_t(root, "Delivery/ActualDeliveryDate")),
        "period_start": _iso_date(_t(root, "InvoicePeriod/StartDate")),
        "period_end": _iso_date(_t(root, "InvoicePeriod/EndDate")),
        "iban": _t(root, "PaymentMeans/PayeeFinancialAccount/ID"),
        "payment_reference": _t(root, "PaymentMeans/PaymentID"),
        "payment_terms": "\n".join(terms) or None,
        "due_date": _iso_date(_t(root, "DueDate") or _t(root, "PaymentMeans/PaymentDueDate")),
        "lines": [_ubl_line(line, credit)
                  for line in _all(root, "CreditNoteLine" if credit else "InvoiceLine")],
        "vat_breakdown": [{"category": _t(sub, "TaxCategory/ID"),
                           "rate": _dec(_t(sub, "TaxCategory/Percent")) or Decimal("0"),
                           "base": _dec(_t(sub, "TaxableAmount")),
                           "amount": _dec(_t(sub, "TaxAmount"))}
                          for tt in tax_totals for sub in _all(tt, "TaxSubtotal")],
        "allowances": allowances, "charges": charges,
        "line_total": _dec(_t(total, "LineExtensionAmount")),
        "allowance_total": _dec(_t(total, "AllowanceTotalAmount")),
        "charge_total": _dec(_t(total, "ChargeTotalAmount")),
        "net_total": _dec(_t(total, "TaxExclusiveAmount")),
        "vat_total": _dec(_t(tax_totals[0], "TaxAmount")) if tax_totals else None,
        "tax_currency": _t(root, "TaxCurrencyCode"),
        "vat_total_tax_currency": next(
            (_dec(_t(tt, "TaxAmount")) for tt in _all(root, "TaxTotal")
             if _t(root, "TaxCurrencyCode") not in (None, currency)
             and _one(tt, "TaxAmount").get("currencyID") == _t(root, "TaxCurrencyCode")), None),
        "gross_total": _dec(_t(total, "TaxInclusiveAmount")),
        "prepaid": _dec(_t(total, "PrepaidAmount")),
        "amount_due": _dec(_t(total, "PayableAmount")),
        "attachments": [{"id": _t(ref, "ID"), "filename": obj.get("filename") or "anhang",
                         "mime": obj.get("mimeCode"), "data": base64.b64decode(obj.text or "")}
                        for ref in _all(root, "AdditionalDocumentReference")
                        for obj in [_one(ref, "Attachment/EmbeddedDocumentBinaryObject")]
                        if obj is not None],
    }


# ------------------------------------------------------------------------- PDF

def xml_from_pdf(data: bytes) -> bytes | None:
    """Return the e-invoice XML embedded in a PDF (Factur-X, ZUGFeRD 1/2, XRechnung), or None."""
    import pikepdf

    names = ("factur-x.xml", "zugferd-invoice.xml", "ZUGFeRD-invoice.xml", "xrechnung.xml")
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            files = {name: spec for name, spec in pdf.attachments.items()}
            for name in names + tuple(n for n in files if n.lower().endswith(".xml")):
                if name in files:
                    return files[name].get_file().read_bytes()
    except pikepdf.PdfError:
        raise RuleError(N_("Die PDF-Datei ist beschädigt und kann nicht gelesen werden")) from None
    return None


def is_document_only(invoice: dict) -> bool:
    """Tell whether the profile carries no lines (MINIMUM, BASIC WL) or the lines are missing."""
    profile = (invoice.get("profile") or "").lower()
    return any(profile.startswith(p) for p in DOCUMENT_ONLY_PROFILES) or not invoice.get("lines")
