"""Supplier e-invoices built with drafthorse (CII, XRechnung 3.0 guideline), as a supplier's
software makes them, and embedded into a PDF by drafthorse (ZUGFeRD/Factur-X).

The figures are typed by hand: 4 x 12.50 = 50.00 at 19 % (VAT 9.50) and 2 x 7.45 = 14.90
at 7 % (VAT 1.043 -> 1.04): net 64.90, VAT 10.54, gross 75.44.
"""
from datetime import date
from decimal import Decimal as D

XRECHNUNG = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
SELLER_VAT = "DE123456788"  # tests.factories.make_supplier's
SELLER_IBAN = "DE89370400440532013000"
LINES = (("1", "Kabelbinder 200 mm", D("4"), D("12.50"), D("19.00")),
         ("2", "Fachbuch Lagerlogistik", D("2"), D("7.45"), D("7.00")))
NET, VAT, GROSS = D("64.90"), D("10.54"), D("75.44")


def xrechnung_xml(number: str = "LS-2026-4711", issue_date: date = date(2026, 11, 20)) -> bytes:
    """The invoice as CII XML, checked against the EN 16931 XSD by drafthorse."""
    from drafthorse.models.accounting import ApplicableTradeTax
    from drafthorse.models.document import Document
    from drafthorse.models.party import TaxRegistration
    from drafthorse.models.payment import PaymentMeans, PaymentTerms
    from drafthorse.models.tradelines import LineItem

    doc = Document()
    doc.context.guideline_parameter.id = XRECHNUNG
    doc.header.id = number
    doc.header.type_code = "380"
    doc.header.issue_date_time = issue_date
    agreement = doc.trade.agreement
    agreement.buyer_reference = "04011000-12345-06"
    agreement.seller.name = "Großhandel Schäfer GmbH"
    agreement.seller.address.line_one = "Marienplatz 1"
    agreement.seller.address.postcode = "80331"
    agreement.seller.address.city_name = "München"
    agreement.seller.address.country_id = "DE"
    agreement.seller.electronic_address.uri_ID = ("EM", "rechnung@schaefer.example.com")
    agreement.seller.tax_registrations.add(TaxRegistration(id=("VA", SELLER_VAT)))
    agreement.buyer.name = "Muster Handel GmbH"
    agreement.buyer.address.postcode = "50667"
    agreement.buyer.address.city_name = "Köln"
    agreement.buyer.address.country_id = "DE"
    agreement.buyer.electronic_address.uri_ID = ("EM", "eingang@muster.example.com")
    doc.trade.delivery.event.occurrence = date(2026, 11, 18)
    for line_id, name, qty, price, rate in LINES:
        item = LineItem()
        item.document.line_id = line_id
        item.product.name = name
        item.agreement.net.amount = price
        item.delivery.billed_quantity = (qty, "H87")
        item.settlement.trade_tax.type_code = "VAT"
        item.settlement.trade_tax.category_code = "S"
        item.settlement.trade_tax.rate_applicable_percent = rate
        item.settlement.monetary_summation.total_amount = qty * price
        doc.trade.items.add(item)
    settlement = doc.trade.settlement
    settlement.currency_code = "EUR"
    means = PaymentMeans()
    means.type_code = "58"
    means.payee_account.iban = SELLER_IBAN
    settlement.payment_means.add(means)
    for base, amount, rate in ((D("50.00"), D("9.50"), D("19.00")),
                               (D("14.90"), D("1.04"), D("7.00"))):
        tax = ApplicableTradeTax()
        tax.calculated_amount, tax.basis_amount = amount, base
        tax.type_code, tax.category_code, tax.rate_applicable_percent = "VAT", "S", rate
        settlement.trade_tax.add(tax)
    terms = PaymentTerms()
    terms.description = "Zahlbar innerhalb 30 Tagen netto"
    terms.due = date(2026, 12, 20)
    settlement.terms.add(terms)
    total = settlement.monetary_summation
    total.line_total = total.tax_basis_total = NET
    total.charge_total = total.allowance_total = D("0.00")
    total.tax_total = (VAT, "EUR")
    total.grand_total = total.due_amount = GROSS
    return doc.serialize(schema="FACTUR-X_EN16931")


def zugferd_pdf(xml: bytes) -> bytes:
    """The XML attached to a PDF/A-3 by drafthorse, as a ZUGFeRD/Factur-X invoice."""
    from drafthorse.pdf import attach_xml

    from tests.services.payables.samples import plain_pdf

    return attach_xml(plain_pdf("Rechnung LS-2026-4711"), xml, level="EN 16931")
