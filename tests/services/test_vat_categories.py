"""VAT categories with legal meaning, units as Rec 20 codes, the Schematron before issuing.

Expected accounts, Kennzahlen and amounts are written out by hand from the domain facts
(SKR03 8125 / 8336 / 8120, UStVA Kz 41 / 21 / 43); rule ids from the EN 16931 Schematron.
"""
from decimal import Decimal

import mongoengine as me
import pytest

from models import JournalEntry
from models.counter import Counter
from models.invoice import InvoiceLine, VatRate
from services.invoicing import issuing as invoicing
from services.core.errors import BusinessRuleError
from services.invoicing.schematron import schematron_errors
from services.core.units import UnknownUnitError, unit_code
from tests.factories import make_company, make_customer, make_invoice


def L(qty, price, rate="19", unit="Stk", **kw):
    return InvoiceLine(description=kw.pop("description", "Posten"), quantity=Decimal(qty),
                       unit=unit, unit_price=Decimal(price), vat_rate=rate, **kw)


def eu_customer(**kw):
    values = dict(name="Bouwbedrijf Jansen B.V.", street="Keizersgracht 1",
                  postal_code="1015 CJ", city="Amsterdam", country="NL",
                  vat_id="NL004495445B01")
    values.update(kw)
    return make_customer(**values)


def posted(inv):
    entry = JournalEntry.objects.get(pk=inv.journal_entry)
    return {(ln.account, ln.debit, ln.credit, ln.tax_key) for ln in entry.lines}


@pytest.mark.parametrize("code, account, key, kz", [
    ("K", "8125", "IGL", "41"), ("AE-EU", "8336", "RC-EU", "21"),
    ("AE-13b", "8337", "RC-13B", "60"), ("G", "8120", "AUSFUHR", "43"),
    ("O", "8338", "NSTB", "45")])
def test_each_category_posts_net_only_to_its_account_and_keeps_its_kennzahl(app, code, account,
                                                                            key, kz):
    make_company()
    customer = eu_customer() if code != "AE-13b" else make_customer()
    inv = invoicing.issue_invoice(make_invoice([L("4", "250.00", code)], customer=customer),
                                  "fibu")
    assert inv.gross_total == Decimal("1000.00") and inv.vat_total == Decimal("0.00")
    assert posted(inv) == {("1400", Decimal("1000.00"), Decimal("0.00"), None),
                           (account, Decimal("0.00"), Decimal("1000.00"), key)}
    assert [(t.category, t.ustva_kz) for t in inv.tax_lines] == [
        (VatRate.objects.get(code=code).category, kz)]


def test_standard_rates_keep_kz_81_and_86(app):
    make_company()
    inv = invoicing.issue_invoice(make_invoice(), "fibu")  # 285.00 @ 19 %, 49.80 @ 7 %
    assert [(t.rate_code, t.category, t.ustva_kz, t.net, t.vat) for t in inv.tax_lines] == [
        ("19", "S", "81", Decimal("285.00"), Decimal("54.15")),
        ("7", "S", "86", Decimal("49.80"), Decimal("3.49"))]


@pytest.mark.parametrize("code", ["AE-EU", "K"])
def test_reverse_charge_and_intra_eu_need_the_customers_vat_id(app, code):
    make_company()
    inv = make_invoice([L("1", "500.00", code)], customer=eu_customer(vat_id=""))
    with pytest.raises(BusinessRuleError, match=r"customer's VAT ID .*§ 14a UStG"):
        invoicing.issue_invoice(inv, "fibu")
    assert Counter.objects.count() == 0  # no number was used up


def test_reverse_charge_needs_our_own_vat_id_too(app):
    make_company(vat_id="")
    inv = make_invoice([L("1", "500.00", "AE-EU")], customer=eu_customer())
    with pytest.raises(BusinessRuleError, match="company's own VAT ID"):
        invoicing.issue_invoice(inv, "fibu")


def test_no_kleinbetrag_shortcut_for_reverse_charge_intra_eu_or_export(app):
    make_company()
    # 100.00 net: a Kleinbetrag at 19 % may lack the address, these may not.
    small = make_invoice([L("1", "100.00", "19")], service_date=None,
                         customer=make_customer(street="", postal_code="", city=""))
    assert invoicing.issue_invoice(small, "fibu").status == "issued"
    for code in ("AE-EU", "K", "G"):
        inv = make_invoice([L("1", "100.00", code)], service_date=None,
                           customer=eu_customer(street="", postal_code="", city=""))
        with pytest.raises(BusinessRuleError, match=r"customer address .*Leistungsdatum"):
            invoicing.issue_invoice(inv, "fibu")


def test_intra_eu_supply_cannot_go_to_a_german_customer(app):
    make_company()
    inv = make_invoice([L("1", "100.00", "K")], customer=make_customer())
    with pytest.raises(BusinessRuleError, match="country must not be DE"):
        invoicing.issue_invoice(inv, "fibu")


def test_not_subject_lines_cannot_be_mixed_with_others(app):
    make_company()
    inv = make_invoice([L("1", "100.00", "O"), L("1", "100.00", "19")], customer=eu_customer())
    with pytest.raises(BusinessRuleError, match=r"not subject to German VAT \(O\)"):
        invoicing.issue_invoice(inv, "fibu")


def test_an_exempt_line_needs_a_reason_with_its_legal_reference(app):
    make_company()
    for reason in ("", "steuerfrei"):
        inv = make_invoice([L("1", "100.00", "0", exemption_reason=reason)])
        with pytest.raises(BusinessRuleError, match="line 1: reason for the VAT exemption"):
            invoicing.issue_invoice(inv, "fibu")
    inv = make_invoice([L("1", "100.00", "0", exemption_reason="§ 4 Nr. 14 UStG")])
    assert invoicing.issue_invoice(inv, "fibu").status == "issued"


def test_two_exempt_reasons_each_keep_their_amount(app):
    make_company()
    inv = make_invoice([L("2", "80.00", "0", exemption_reason="§ 4 Nr. 14 UStG"),
                        L("1", "19.99", "19"),
                        L("1", "150.00", "0", exemption_reason="§ 4 Nr. 21 UStG"),
                        L("1", "0.01", "0", exemption_reason="§ 4 Nr. 14 UStG")])
    totals = invoicing.totals_of(inv)
    exempt = next(r for r in totals.rates if r.code == "0")
    assert exempt.reasons == {"§ 4 Nr. 14 UStG": Decimal("160.01"),
                              "§ 4 Nr. 21 UStG": Decimal("150.00")}
    issued = invoicing.issue_invoice(inv, "fibu")
    assert issued.tax_lines[1].exemption_reason == "§ 4 Nr. 14 UStG; § 4 Nr. 21 UStG"


# ---------------------------------------------------------------- the Schematron

def test_the_schematron_refusal_names_the_rule_and_takes_no_number(app):
    make_company()
    # An installation changed the reverse-charge rate so the VAT ID check is off: the
    # Schematron still refuses (BR-AE-02: the buyer's VAT ID), before a number is taken.
    VatRate.objects(code="AE-EU").update(set__needs_buyer_vat_id=False)
    inv = make_invoice([L("1", "500.00", "AE-EU")], customer=eu_customer(vat_id=""))
    with pytest.raises(BusinessRuleError, match=r"\[BR-AE-02\]"):
        invoicing.issue_invoice(inv, "fibu")
    assert Counter.objects.count() == 0


def test_the_schematron_finds_a_unit_that_is_no_rec20_code(app):
    make_company()
    inv = invoicing.issue_invoice(make_invoice(), "fibu")
    from services.archive.store import read_file

    xml = read_file(inv.xml_file)
    assert schematron_errors(xml) == []
    broken = xml.replace(b'unitCode="HUR"', b'unitCode="PK"')
    assert [rule for rule, _ in schematron_errors(broken)] == ["FX-SCH-A-000613"]


# ---------------------------------------------------------------- units

@pytest.mark.parametrize("typed, code", [
    ("Stück", "H87"), ("Stk", "H87"), ("St.", "H87"), ("pcs", "H87"), ("Std.", "HUR"),
    ("Pauschale", "LS"), ("Karton", "XBX"), ("kg", "KGM"), ("g", "GRM"), ("m²", "MTK"),
    ("Tage", "DAY"), ("Monat", "MON"), ("Rolle", "XRO"), ("Paar", "PR"), ("KGM", "KGM"),
    ("  stunden ", "HUR"), ("Pkt", "XPK")])
def test_units_accept_codes_names_and_aliases(typed, code):
    assert unit_code(typed) == code


@pytest.mark.parametrize("typed", ["Bündel", "PK2", "", None, "Stückchen"])
def test_an_unknown_unit_is_refused_never_c62(typed):
    with pytest.raises(UnknownUnitError, match="Einheit"):
        unit_code(typed)


def test_invoice_lines_store_the_unit_code_and_refuse_unknown_units(app):
    inv = make_invoice([L("1", "10.00", unit="Std.")])
    assert inv.reload().lines[0].unit == "HUR"
    with pytest.raises(me.ValidationError, match="Unbekannte Einheit „Bündel“"):
        make_invoice([L("1", "10.00", unit="Bündel")])


def test_stock_items_store_unit_codes_and_old_units_are_migrated(app):
    from models.stock import StockItem
    from seeds.reference import migrate_units
    from tests.factories import make_stock_item

    assert make_stock_item(unit="Karton").reload().unit == "XBX"
    with pytest.raises(me.ValidationError, match="Unbekannte Einheit"):
        make_stock_item(unit="Bündel")
    # Units stored before the codes: rewritten once, an unknown one left for the clerk.
    old = make_stock_item(unit="Stk")
    StockItem._get_collection().update_one({"_id": old.pk}, {"$set": {"unit": "Pkt"}})
    odd = make_stock_item(unit="Stk")
    StockItem._get_collection().update_one({"_id": odd.pk}, {"$set": {"unit": "Fass"}})
    draft = make_invoice()
    from models.invoice import Invoice
    Invoice._get_collection().update_one({"_id": draft.pk}, {"$set": {"lines.0.unit": "Std"}})
    assert migrate_units() == 2
    assert migrate_units() == 0
    assert StockItem.objects.get(pk=old.pk).unit == "XPK"
    assert StockItem.objects.get(pk=odd.pk).unit == "Fass"
    assert [ln.unit for ln in Invoice.objects.get(pk=draft.pk).lines] == ["HUR", "H87"]
