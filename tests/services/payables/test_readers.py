"""Reading and checking e-invoices of every syntax and profile (no database).

Expected figures are typed out by hand from the sample's lines:
A 10 × 12.50 = 125.00 (19 %); B 3 × 4.99 − 1.00 line allowance = 13.97 (7 %);
C 1 × 100.00 + 5.00 line charge = 105.00 (19 %); lines 243.97; document allowance
10.00 and charge 7.50 (19 %): base 19 % = 227.50, VAT 43.225 → 43.23; base 7 % = 13.97,
VAT 0.9779 → 0.98; net 241.47, VAT 44.21, gross 285.68, prepaid 50.00, due 235.68.
"""
from datetime import date
from decimal import Decimal as D

import pytest

from services.core.messages import RuleError
from services.payables import checks, readers
from services.payables.terms import parse_skonto
from tests.services.payables.samples import (DocAC, Line, Sample, cii_xml, facturx_pdf, plain_pdf,
                                             ubl_xml, zugferd1_pdf, zugferd1_xml)


def multi_rate(**kw) -> Sample:
    return Sample(lines=[Line("Kabelbinder", D("10"), D("12.50")),
                         Line("Fachbuch", D("3"), D("4.99"), rate=D("7"), allowance=D("1.00")),
                         Line("Werkzeugkoffer", D("1"), D("100.00"), charge=D("5.00"))],
                  doc_acs=[DocAC(D("10.00")), DocAC(D("7.50"), charge=True, reason="Versand")],
                  prepaid=D("50.00"), terms="#SKONTO#TAGE=14#PROZENT=2.00#\nZahlbar in 30 Tagen",
                  **kw)


def assert_multi_rate_figures(inv):
    assert [ln["net_amount"] for ln in inv["lines"]] == [D("125.00"), D("13.97"), D("105.00")]
    assert inv["line_total"] == D("243.97")
    assert inv["allowance_total"] == D("10.00") and inv["charge_total"] == D("7.50")
    rows = {(r["category"], r["rate"]): (r["base"], r["amount"]) for r in inv["vat_breakdown"]}
    assert rows == {("S", D("19")): (D("227.50"), D("43.23")), ("S", D("7")): (D("13.97"), D("0.98"))}
    assert (inv["net_total"], inv["vat_total"], inv["gross_total"]) == (D("241.47"), D("44.21"),
                                                                       D("285.68"))
    assert (inv["prepaid"], inv["amount_due"]) == (D("50.00"), D("235.68"))


@pytest.mark.parametrize("profile", ["en16931", "xrechnung", "extended", "basic"])
def test_cii_profiles_are_read_and_pass_xsd_and_schematron(profile):
    xml = cii_xml(multi_rate(profile=profile))
    inv = readers.read_xml(xml)
    assert inv["syntax"] == "cii" and inv["number"] == "RE-2026-0815"
    assert inv["issue_date"] == date(2026, 11, 20) and inv["due_date"] == date(2026, 12, 20)
    assert inv["seller"]["vat_id"] == "DE123456788" and inv["iban"] == "DE89370400440532013000"
    assert_multi_rate_figures(inv)
    assert checks.schema(xml, "cii", inv["profile"]) == []
    assert checks.arithmetic(inv) == []
    assert not readers.is_document_only(inv)


@pytest.mark.parametrize("profile", ["minimum", "basicwl"])
def test_minimum_and_basic_wl_are_documents_only(profile):
    xml = cii_xml(Sample(profile=profile))
    inv = readers.read_xml(xml)
    assert checks.schema(xml, "cii", inv["profile"]) == []
    assert inv["lines"] == [] and readers.is_document_only(inv)
    assert inv["gross_total"] == D("148.75")  # 125.00 + 19 % = 23.75


def test_ubl_invoice_reads_the_same_figures_and_passes_xsd_and_schematron():
    xml = ubl_xml(multi_rate())
    inv = readers.read_xml(xml)
    assert inv["syntax"] == "ubl" and inv["kind"] == "invoice"
    assert_multi_rate_figures(inv)
    assert inv["seller"]["name"] == "Großhandel Schäfer GmbH"
    assert inv["seller"]["email"] == "rechnung@schaefer.example"
    assert checks.schema(xml, "ubl", inv["profile"]) == []
    assert checks.arithmetic(inv) == []


def test_ubl_credit_note():
    xml = ubl_xml(Sample(number="GS-77"), credit_note=True)
    inv = readers.read_xml(xml)
    assert inv["kind"] == "credit_note" and inv["type_code"] == "381"
    assert inv["gross_total"] == D("148.75") and inv["due_date"] == date(2026, 12, 20)
    assert checks.schema(xml, "ubl", inv["profile"]) == []


def test_cii_credit_note_type_code():
    inv = readers.read_xml(cii_xml(Sample(type_code="381")))
    assert inv["kind"] == "credit_note"


def test_non_eur_invoice_keeps_its_currency():
    xml = cii_xml(Sample(currency="USD"))
    inv = readers.read_xml(xml)
    assert inv["currency"] == "USD" and inv["vat_total"] == D("23.75")
    assert checks.schema(xml, "cii", inv["profile"]) == []


@pytest.mark.parametrize("category", ["AE", "K"])
def test_reverse_charge_and_intra_eu_in_both_syntaxes(category):
    sample = Sample(seller_vat="ATU13585627", seller_country="AT", seller_postal="1010",
                    lines=[Line("Montage", D("8"), D("95.00"), category=category, rate=D("0"))])
    for xml in (cii_xml(sample), ubl_xml(sample)):
        inv = readers.read_xml(xml)
        assert inv["vat_breakdown"] == [{"category": category, "rate": D("0"),
                                         "base": D("760.00"), "amount": D("0.00")}]
        assert inv["gross_total"] == D("760.00")
        assert checks.schema(xml, inv["syntax"], inv["profile"]) == []


def test_zugferd1_xml_and_pdf():
    sample = Sample(prepaid=D("20.00"))
    xml = zugferd1_xml(sample)
    inv = readers.read_xml(xml)
    assert inv["syntax"] == "zugferd1" and inv["lines"][0]["net_amount"] == D("125.00")
    assert (inv["gross_total"], inv["amount_due"]) == (D("148.75"), D("128.75"))
    assert checks.schema(xml, "zugferd1", inv["profile"]) == []
    assert readers.xml_from_pdf(zugferd1_pdf(xml)) == xml


def test_reading_a_parsed_tree_leaves_it_as_parsed_for_the_xsd():
    from lxml import etree

    for xml, syntax in ((zugferd1_xml(Sample()), "zugferd1"), (cii_xml(Sample()), "cii")):
        root = readers.parse_xml(xml)
        before = [el.tag for el in root.iter()]
        assert readers.read_tree(root) == readers.read_xml(xml)
        assert [el.tag for el in root.iter()] == before
        assert etree.tostring(root) == etree.tostring(readers.parse_xml(xml))
        assert checks.schema(xml, syntax, readers.read_tree(root)["profile"],
                             schematron=False, root=root) == []


def test_facturx_pdf_gives_back_the_embedded_xml():
    xml = cii_xml(multi_rate())
    assert readers.xml_from_pdf(facturx_pdf(xml, "en16931")) == xml
    assert readers.xml_from_pdf(plain_pdf()) is None


def test_wrong_arithmetic_is_named():
    xml = cii_xml(Sample()).replace(b"<ram:GrandTotalAmount>148.75<", b"<ram:GrandTotalAmount>149.75<")
    inv = readers.read_xml(xml)
    codes = {c.code for c in checks.arithmetic(inv)}
    assert codes == {"BR-CO-15", "BR-CO-16"}  # 148.75 due would be right for 149.75 − 0 ...
    assert any(rule.startswith("BR-CO-15") for rule, in
               [(c.code,) for c in checks.schema(xml, "cii", inv["profile"])])


def test_a_vat_amount_off_by_one_cent_per_rate_is_found_and_within_a_cent_is_not():
    good = readers.read_xml(cii_xml(Sample()))
    good["vat_breakdown"][0]["amount"] = D("23.76")  # 125.00 × 19 % = 23.75: one cent is tolerated
    assert [c.code for c in checks.arithmetic(good) if c.code == "BR-VAT-RATE"] == []
    good["vat_breakdown"][0]["amount"] = D("23.77")
    assert "BR-VAT-RATE" in [c.code for c in checks.arithmetic(good)]


def test_vat_id_format_and_check_digit():
    inv = readers.read_xml(cii_xml(Sample()))
    assert checks.vat_id(inv) == []
    inv["seller"]["vat_id"] = "DE123456789"  # check digit wrong (…788 is right)
    assert [c.code for c in checks.vat_id(inv)] == ["VAT-ID"]


def test_iban_other_than_master_data_is_flagged():
    inv = readers.read_xml(cii_xml(Sample()))
    assert checks.iban(inv, "DE89370400440532013000") == []
    assert checks.iban(inv, None) == []
    found = checks.iban(inv, "DE02120300000000202051")
    assert [c.code for c in found] == ["IBAN-CHANGED"] and "ACHTUNG" in found[0].message


def test_due_date_in_the_past_and_closed_period():
    inv = readers.read_xml(cii_xml(Sample()))
    assert checks.dates(inv, date(2026, 12, 20), lambda d: False) == []
    assert [c.code for c in checks.dates(inv, date(2026, 12, 21), lambda d: False)] == ["DUE-PAST"]
    assert [c.code for c in checks.dates(inv, date(2026, 12, 1),
                                         lambda d: d.month == 11)] == ["PERIOD-CLOSED"]


def test_skonto_from_the_payment_terms():
    s = parse_skonto("#SKONTO#TAGE=14#PROZENT=2.00#\n#SKONTO#TAGE=30#PROZENT=0.00#",
                     date(2026, 11, 20), D("235.68"))
    assert (s.days, s.percent, s.until, s.amount) == (14, D("2.00"), date(2026, 12, 4), D("4.71"))
    with_base = parse_skonto("#SKONTO#TAGE=7#PROZENT=3.00#BASISBETRAG=100.00#", date(2026, 1, 31), D("1"))
    assert (with_base.until, with_base.amount) == (date(2026, 2, 7), D("3.00"))
    assert parse_skonto("Zahlbar sofort ohne Abzug", date(2026, 1, 1), D("10")) is None
    assert parse_skonto(None, None, None) is None


def test_not_an_invoice_is_refused_with_a_reason():
    with pytest.raises(RuleError, match="Unbekanntes XML-Format"):
        readers.read_xml(b"<order xmlns='urn:x'/>")
    with pytest.raises(RuleError, match="kein lesbares XML"):
        readers.read_xml(b"<unclosed>")
