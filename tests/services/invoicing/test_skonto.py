"""Skonto, small differences and over-payments on outgoing invoices (issue 14, Payments).

The invoice of tests.factories.make_invoice, by hand:
  3 x 95.00 = 285.00 net at 19 % -> VAT 54.15, gross 339.15
  2 x 24.90 =  49.80 net at  7 % -> VAT  3.486 -> 3.49, gross 53.29
  gross 392.44; issued 15.03.2026 with 10 days 2 % Skonto -> until 25.03.2026.
  2 % of 392.44 = 7.8488 -> 7.85, so 384.59 settles it within the period.
  7.85 over the rates by gross share: 19 %: 7.85 x 339.15 / 392.44 = 6.784 -> 6.78,
  7 %: the rest 1.07. VAT in them: 6.78 x 19/119 = 1.0825 -> 1.08 (net 5.70);
  1.07 x 7/107 = 0.0700 -> 0.07 (net 1.00).
"""
from datetime import date
from decimal import Decimal as D

import pytest
from lxml import etree

from models.invoice import Invoice
from models.ledger import JournalEntry
from services.archive.store import read_file
from services.core.errors import BusinessRuleError
from services.invoicing import issuing
from services.invoicing.settlement import plan_settlement, settle_payment
from services.invoicing.skonto import cii_terms, skonto_text, split_over_rates
from tests.factories import make_company, make_customer, make_invoice

NS = {"ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"}


def issued(**kw):
    make_company(**kw.pop("company", {}))
    inv = make_invoice(skonto_days=10, skonto_percent=D("2.00"), payment_days=30, **kw)
    return issuing.issue_invoice(inv, "fibu")


def lines_of(inv, key):
    pay = next(p for p in Invoice.objects.get(pk=inv.pk).payments if p.key == key)
    entry = JournalEntry.objects.get(pk=pay.entry_id)
    assert entry.status == "posted"
    return sorted((ln.account, ln.debit, ln.credit) for ln in entry.lines)


def test_the_wording_and_the_cii_line():
    assert skonto_text(date(2026, 3, 25), D("2.00"), D("392.44")) == (
        "Bei Zahlung bis zum 25.03.2026 abzüglich 2 % Skonto (7,85 €), Zahlbetrag 384,59 €.")
    assert skonto_text(date(2026, 3, 25), D("2.50"), D("100.00")).startswith(
        "Bei Zahlung bis zum 25.03.2026 abzüglich 2,5 % Skonto (2,50 €)")
    assert cii_terms(10, D("2")) == "#SKONTO#TAGE=10#PROZENT=2.00#"


def test_the_split_adds_up_and_follows_the_hand_figures():
    class T:
        def __init__(self, code, rate, net, vat):
            self.rate_code, self.rate, self.net, self.vat = code, D(rate), D(net), D(vat)
    parts = split_over_rates(D("7.85"), [T("19", "19.00", "285.00", "54.15"),
                                         T("7", "7.00", "49.80", "3.49")])
    assert [(p.rate_code, p.gross, p.net, p.vat) for p in parts] == [
        ("19", D("6.78"), D("5.70"), D("1.08")), ("7", D("1.07"), D("1.00"), D("0.07"))]


@pytest.mark.parametrize("amount, day, expected", [
    ("384.59", date(2026, 3, 25), ("7.85", "0", "0")),      # last Skonto day
    ("384.59", date(2026, 3, 26), ("0", "0", "0")),         # next day: short 7.85, partial
    ("390.00", date(2026, 3, 26), ("0", "2.44", "0")),      # within the write-off limit
    ("387.44", date(2026, 4, 30), ("0", "5.00", "0")),      # exactly the limit
    ("387.43", date(2026, 4, 30), ("0", "0", "0")),         # one cent beyond: partial
    ("384.00", date(2026, 3, 20), ("7.85", "0.59", "0")),   # Skonto and a small rest
    ("388.00", date(2026, 3, 20), ("4.44", "0", "0")),      # less discount than allowed
    ("400.00", date(2026, 3, 20), ("0", "0", "7.56")),      # over-payment
    ("392.44", date(2026, 3, 20), ("0", "0", "0")),         # exact
])
def test_the_plan_of_a_payment(amount, day, expected):
    plan = plan_settlement(open_amount=D("392.44"), amount=D(amount), day=day,
                           skonto_percent=D("2.00"), skonto_until=date(2026, 3, 25),
                           write_off_limit=D("5.00"))
    assert (plan.discount, plan.write_off, plan.overpaid) == tuple(D(x) for x in expected)


def test_skonto_on_the_last_day_closes_and_corrects_vat_per_rate(app):
    inv = issued()
    assert inv.skonto_until == date(2026, 3, 25)
    inv = settle_payment(inv, amount=D("384.59"), day=date(2026, 3, 25), user="fibu", key="k1")
    assert inv.status == "paid" and inv.paid_total == D("392.44")
    assert lines_of(inv, "k1") == sorted([
        ("1200", D("384.59"), D(0)), ("8736", D("5.70"), D(0)), ("1776", D("1.08"), D(0)),
        ("8731", D("1.00"), D(0)), ("1771", D("0.07"), D(0)), ("1400", D(0), D("392.44"))])
    # the same payment again (double submit) books nothing more
    again = settle_payment(inv, amount=D("384.59"), day=date(2026, 3, 25), user="fibu", key="k1")
    assert len(again.payments) == 1


def test_the_day_after_the_skonto_period_the_deduction_stays_open(app):
    inv = issued()
    inv = settle_payment(inv, amount=D("384.59"), day=date(2026, 3, 26), user="fibu", key="k")
    assert inv.status == "issued" and inv.gross_total - inv.paid_total == D("7.85")
    assert lines_of(inv, "k") == sorted([("1200", D("384.59"), D(0)),
                                         ("1400", D(0), D("384.59"))])


def test_a_small_difference_is_written_off_with_vat_correction(app):
    # 2.44 short: 19 %: 2.44 x 339.15 / 392.44 = 2.109 -> 2.11 (VAT 2.11 x 19/119 = 0.337
    # -> 0.34, net 1.77); 7 %: 0.33 (VAT 0.33 x 7/107 = 0.0216 -> 0.02, net 0.31).
    inv = issued()
    inv = settle_payment(inv, amount=D("390.00"), day=date(2026, 4, 20), user="fibu", key="k")
    assert inv.status == "paid"
    assert lines_of(inv, "k") == sorted([
        ("1200", D("390.00"), D(0)), ("2406", D("1.77"), D(0)), ("1776", D("0.34"), D(0)),
        ("2401", D("0.31"), D(0)), ("1771", D("0.02"), D(0)), ("1400", D(0), D("392.44"))])


def test_the_write_off_limit_is_a_setting(app):
    inv = issued(company={"write_off_limit": D("1.00")})
    inv = settle_payment(inv, amount=D("390.00"), day=date(2026, 4, 20), user="fibu", key="k")
    assert inv.status == "issued"  # 2.44 is above the limit of 1.00


def test_an_over_payment_closes_the_invoice_and_stays_as_credit(app):
    inv = issued()
    inv = settle_payment(inv, amount=D("400.00"), day=date(2026, 3, 20), user="fibu", key="k")
    assert inv.status == "paid" and inv.paid_total == D("392.44")
    assert inv.payments[0].overpaid == D("7.56")
    assert lines_of(inv, "k") == sorted([("1200", D("400.00"), D(0)),
                                         ("1400", D(0), D("392.44")),
                                         ("1400", D(0), D("7.56"))])
    with pytest.raises(BusinessRuleError):
        settle_payment(inv, amount=D("1.00"), day=date(2026, 3, 21), user="fibu", key="k2")


def test_skr04_uses_its_own_accounts(app):
    from models.invoice import VatRate
    from models.ledger import Account
    from seeds.reference import seed_chart_of_accounts, seed_vat_rates
    Account.objects.delete()
    VatRate.objects.delete()
    seed_chart_of_accounts("SKR04")
    seed_vat_rates("SKR04")
    inv = issued()
    inv = settle_payment(inv, amount=D("384.59"), day=date(2026, 3, 25), user="fibu", key="k")
    assert lines_of(inv, "k") == sorted([
        ("1800", D("384.59"), D(0)), ("4736", D("5.70"), D(0)), ("3806", D("1.08"), D(0)),
        ("4731", D("1.00"), D(0)), ("3801", D("0.07"), D(0)), ("1200", D(0), D("392.44"))])


def test_skonto_terms_need_days_and_percent_within_the_payment_term(app):
    make_company()
    with pytest.raises(Exception, match="Skonto braucht"):
        make_invoice(skonto_days=10)
    with pytest.raises(Exception, match="Skontofrist"):
        make_invoice(skonto_days=20, skonto_percent=D("2"), payment_days=14)


def test_the_terms_are_printed_and_in_the_xml(app):
    inv = issued()
    root = etree.fromstring(read_file(inv.xml_file))
    text = root.xpath("//ram:SpecifiedTradePaymentTerms/ram:Description/text()",
                      namespaces=NS)[0]
    assert text.endswith("\n#SKONTO#TAGE=10#PROZENT=2.00#\n")
    assert "Bei Zahlung bis zum 25.03.2026 abzüglich 2 % Skonto (7,85 €)" in text
    from services.invoicing.pdf import invoice_html
    rates = issuing.rate_table()
    page = invoice_html(inv, issuing.totals_for(inv.lines, rates), rates)
    assert ("Bei Zahlung bis zum 25.03.2026 abzüglich 2 % Skonto (7,85 €), "
            "Zahlbetrag 384,59 €.") in page


def test_skonto_invoices_pass_mustang(app, tmp_path):
    from tests.mustang import validate
    inv = issued(company={"phone": "+49 89 123456-0"})
    city = make_customer(name="Stadt Musterhausen, Bauamt", street="Rathausplatz 1",
                         postal_code="50667", city="Köln", vat_id="",
                         leitweg_id="05315000-ABC123-41",
                         electronic_address="e-rechnung@musterhausen.example.org")
    xr = issuing.issue_invoice(make_invoice(customer=city, skonto_days=7,
                                            skonto_percent=D("3.00"), payment_days=30), "fibu")
    files = {tmp_path / "skonto.pdf": read_file(inv.pdf_file),
             tmp_path / "xrechnung_skonto.xml": read_file(xr.xml_file)}
    for path, data in files.items():
        path.write_bytes(data)
    errors = validate(list(files))
    assert {p: e for p, e in errors.items() if e} == {}
    assert b"#SKONTO#TAGE=7#PROZENT=3.00#" in read_file(xr.xml_file)
