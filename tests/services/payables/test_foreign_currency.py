"""Supplier invoices in USD/CHF/GBP: EUR rate by § 16 Abs. 6 UStG, booking, Kursdifferenzen.

Rates are quoted 1 EUR = rate units (ECB, BMF), so EUR = amount / rate, rounded
half-up to the cent per journal line. Every expected line is worked out by hand in the
comment next to it (SKR03: 1576 input VAT 19 %, 1600 payables, 1200 bank, 2150
Aufwendungen aus Kursdifferenzen, 2660 Erträge aus Kursdifferenzen).
"""
from datetime import date
from decimal import Decimal as D

import pytest

from models.exchange_rate import ExchangeRate
from models.ledger import Account, JournalEntry
from services.core.messages import RuleError
from services.ledger.posting import verify_chain
from services.payables import approval, fx, intake
from services.payables.payments import record_supplier_payment
from tests.factories import make_supplier, make_user
from tests.services.payables.samples import Line, Sample, cii_xml, ubl_xml

TODAY = date(2026, 11, 25)
# Sample(): 10 × 12.50 = 125.00 net, 19 % = 23.75, gross 148.75; invoice 20.11.2026,
# delivered 18.11.2026.
USD = Sample(currency="USD")


@pytest.fixture
def people(app):
    make_supplier(default_account="4980")
    return make_user("finance"), make_user("finance")


def rate(currency, day, value, kind="ecb_day"):
    ExchangeRate(currency=currency, kind=kind, day=day, rate=D(value)).save()


def capture(data, capturer, name="re.xml"):
    result = intake.import_invoice_file(data, name, user=capturer.email, today=TODAY)
    assert result.status == "draft", result.errors
    return result.invoice


def book(data, people):
    capturer, approver = people
    inv = approval.check_invoice(capture(data, capturer), capturer)
    return approval.approve_invoice(inv, approver, today=TODAY)


@pytest.fixture
def booked_usd(people):
    """The USD sample booked at the ECB rate 1.05 of its invoice date: payable 141.67 EUR."""
    rate("USD", date(2026, 11, 20), "1.05")
    return book(cii_xml(USD), people)


def pay_in_full(inv, reference):
    """The whole 148.75 USD paid on 10.12.2026 with 143.00 EUR from the bank."""
    return record_supplier_payment(inv.pk, D("148.75"), date(2026, 12, 10), "bank", reference,
                                   amount_eur=D("143.00"))


def lines_of(entry_id):
    entry = JournalEntry.objects.get(pk=entry_id)
    assert entry.status == "posted"
    return sorted((ln.account, ln.debit, ln.credit) for ln in entry.lines)


def test_usd_invoice_is_booked_in_eur_at_the_ecb_rate_of_the_invoice_date(booked_usd):
    inv = booked_usd
    assert inv.status == "posted"
    assert (inv.exchange_rate, inv.rate_kind, inv.rate_day) == (D("1.05"), "ecb_day",
                                                                date(2026, 11, 20))
    # 125.00 / 1.05 = 119.0476 → 119.05; 23.75 / 1.05 = 22.619 → 22.62; payable 141.67
    assert lines_of(inv.journal_entry) == [("1576", D("22.62"), D("0.00")),
                                           ("1600", D("0.00"), D("141.67")),
                                           ("4980", D("119.05"), D("0.00"))]
    assert inv.payable_eur == D("141.67")
    assert inv.amount_due == D("148.75") and inv.currency == "USD"  # as invoiced
    assert verify_chain(2026).ok


def test_the_bmf_monthly_rate_of_the_supply_month_comes_first(people):
    rate("USD", date(2026, 11, 20), "1.05")
    rate("USD", date(2026, 11, 1), "1.06", kind="bmf_month")
    rate("USD", date(2026, 10, 1), "1.20", kind="bmf_month")  # another month: not used
    inv = book(cii_xml(USD), people)
    assert (inv.exchange_rate, inv.rate_kind) == (D("1.06"), "bmf_month")
    # 125.00 / 1.06 = 117.9245 → 117.92; 23.75 / 1.06 = 22.4057 → 22.41; payable 140.33
    assert lines_of(inv.journal_entry) == [("1576", D("22.41"), D("0.00")),
                                           ("1600", D("0.00"), D("140.33")),
                                           ("4980", D("117.92"), D("0.00"))]


def test_the_vat_in_eur_stated_by_the_invoice_is_the_input_vat(people):
    # UBL in CHF with BT-6 = EUR and BT-111 = 25.10 EUR (the supplier's own conversion).
    rate("CHF", date(2026, 11, 20), "0.94")
    sample = Sample(currency="CHF", tax_currency="EUR", vat_total_tax_currency=D("25.10"))
    inv = book(ubl_xml(sample), people)
    assert (inv.tax_currency, inv.vat_total_tax_currency) == ("EUR", D("25.10"))
    # net 125.00 / 0.94 = 132.9787 → 132.98; VAT 25.10 as stated (not 23.75 / 0.94 = 25.27);
    # payable 132.98 + 25.10 = 158.08
    assert lines_of(inv.journal_entry) == [("1576", D("25.10"), D("0.00")),
                                           ("1600", D("0.00"), D("158.08")),
                                           ("4980", D("132.98"), D("0.00"))]


def test_cii_with_tax_currency_eur_is_read_and_used(people):
    rate("GBP", date(2026, 11, 20), "0.85")
    sample = Sample(currency="GBP", tax_currency="EUR", vat_total_tax_currency=D("27.94"))
    inv = book(cii_xml(sample), people)
    # 125.00 / 0.85 = 147.0588 → 147.06; VAT 27.94 as stated; payable 175.00
    assert lines_of(inv.journal_entry) == [("1576", D("27.94"), D("0.00")),
                                           ("1600", D("0.00"), D("175.00")),
                                           ("4980", D("147.06"), D("0.00"))]


def test_reverse_charge_in_usd_computes_the_german_vat_on_the_eur_base(people):
    capturer, approver = people
    rate("USD", date(2026, 11, 20), "1.05")
    make_supplier(name="Cloud Inc.", vat_id=None, country="US", postal_code="94105",
                  iban="DE02120300000000202051", default_account="4900")
    sample = Sample(currency="USD", seller_name="Cloud Inc.", seller_vat=None,
                    seller_tax_number="94-1234567", seller_country="US", seller_postal="94105",
                    seller_iban="DE02120300000000202051",
                    lines=[Line("Hosting", D("1"), D("1000.00"), category="AE", rate=D("0"))])
    inv = capture(cii_xml(sample), capturer)
    if inv.errors:  # a US seller has no EU VAT ID (BR-AE-02): finance confirms it
        inv = approval.confirm_findings(inv, capturer)
    inv = approval.check_invoice(inv, capturer)
    inv = approval.approve_invoice(inv, approver, today=TODAY)
    # base 1000.00 / 1.05 = 952.38; § 13b VAT 19 % of 952.38 = 180.95 both ways (1577/1787)
    lines = lines_of(inv.journal_entry)
    assert ("1600", D("0.00"), D("952.38")) in lines and ("4900", D("952.38"), D("0.00")) in lines
    vat = [ln for ln in lines if ln[0] not in ("1600", "4900")]
    assert sorted(ln[1] + ln[2] for ln in vat) == [D("180.95"), D("180.95")]


def test_no_rate_is_refused_with_what_to_enter_and_nothing_is_booked(people):
    capturer, _approver = people
    inv = capture(cii_xml(USD), capturer)
    assert any(f.code == "FX" and "kein Umrechnungskurs" in f.message for f in inv.findings)
    with pytest.raises(RuleError, match="Kein Umrechnungskurs für USD.*11/2026.*20.11.2026"):
        approval.check_invoice(inv, capturer)
    assert inv.reload().status == "draft" and inv.exchange_rate is None
    assert JournalEntry.objects.count() == 0


@pytest.mark.parametrize("days_before, found", [(0, True), (3, True), (7, True), (8, False)])
def test_the_ecb_rate_may_be_the_last_one_published_within_a_week(app, days_before, found):
    from datetime import timedelta

    rate("USD", date(2026, 11, 20) - timedelta(days=days_before), "1.05")
    rate("USD", date(2026, 11, 21), "1.99")  # after the invoice date: never used
    got = fx.find_rate("USD", date(2026, 11, 20))
    assert (got is not None) == found
    if found:
        assert got.rate == D("1.05")


def test_paying_more_eur_than_booked_is_an_exchange_loss(booked_usd):
    paid = pay_in_full(booked_usd, "FX1")
    # the dollar rose: 143.00 EUR left the bank for a payable of 141.67: loss 1.33
    assert lines_of(paid.payments[0].entry_id) == [("1200", D("0.00"), D("143.00")),
                                                   ("1600", D("141.67"), D("0.00")),
                                                   ("2150", D("1.33"), D("0.00"))]
    assert paid.open_amount == D("0.00")


def test_part_payments_clear_the_eur_payable_exactly_with_a_gain_and_a_loss(booked_usd):
    inv = booked_usd
    first = record_supplier_payment(inv.pk, D("100.00"), date(2026, 12, 1), "bank", "P1",
                                    amount_eur=D("95.00"))
    # 100.00 USD / 1.05 = 95.24 booked; 95.00 paid: gain 0.24
    assert lines_of(first.payments[0].entry_id) == [("1200", D("0.00"), D("95.00")),
                                                    ("1600", D("95.24"), D("0.00")),
                                                    ("2660", D("0.00"), D("0.24"))]
    last = record_supplier_payment(inv.pk, D("48.75"), date(2026, 12, 15), "bank", "P2",
                                   amount_eur=D("47.00"))
    # the rest of the payable: 141.67 − 95.24 = 46.43; 47.00 paid: loss 0.57
    assert lines_of(last.payments[1].entry_id) == [("1200", D("0.00"), D("47.00")),
                                                   ("1600", D("46.43"), D("0.00")),
                                                   ("2150", D("0.57"), D("0.00"))]
    assert last.open_amount == D("0.00")
    payable = sum((ln.credit - ln.debit for e in JournalEntry.objects(status="posted")
                   for ln in e.lines if ln.account == "1600"), D("0"))
    assert payable == D("0.00")


def test_the_last_payment_takes_the_rounding_remainder(people):
    rate("USD", date(2026, 11, 20), "1.07")
    inv = book(cii_xml(USD), people)
    # 125 / 1.07 = 116.8224 → 116.82; 23.75 / 1.07 = 22.1963 → 22.20; payable 139.02
    assert inv.payable_eur == D("139.02")
    a = record_supplier_payment(inv.pk, D("74.37"), date(2026, 12, 1), "bank", "R1",
                                amount_eur=D("69.51"))
    # 74.37 / 1.07 = 69.5047 → 69.50 booked; paid 69.51: loss 0.01
    assert a.payments[0].booked_eur == D("69.50")
    b = record_supplier_payment(inv.pk, D("74.38"), date(2026, 12, 2), "bank", "R2",
                                amount_eur=D("69.52"))
    # 74.38 / 1.07 = 69.5140 → 69.51 would leave 0.01 open; the rest 139.02 − 69.50 = 69.52
    assert b.payments[1].booked_eur == D("69.52")
    assert lines_of(b.payments[1].entry_id) == [("1200", D("0.00"), D("69.52")),
                                                ("1600", D("69.52"), D("0.00"))]


def test_a_foreign_payment_needs_its_eur_amount_and_takes_no_skonto(booked_usd):
    inv = booked_usd
    with pytest.raises(RuleError, match="Betrag in EUR"):
        record_supplier_payment(inv.pk, D("148.75"), date(2026, 12, 1), "bank", "N1")
    with pytest.raises(RuleError, match="Skonto"):
        record_supplier_payment(inv.pk, D("145.00"), date(2026, 12, 1), "bank", "N2",
                                discount=D("3.75"), amount_eur=D("138.00"))
    assert inv.reload().payments == [] and inv.paid_total == D("0.00")


def test_a_returned_foreign_payment_reverses_its_own_lines(booked_usd):
    from services.payables.payments import return_supplier_payment

    paid = pay_in_full(booked_usd, "RT")
    back = return_supplier_payment(booked_usd.pk, "RT", date(2026, 12, 12), "bank", "RT-back")
    entry = JournalEntry.objects.get(pk=back.payments[0].return_entry_id)
    assert sorted((ln.account, ln.debit, ln.credit) for ln in entry.lines) == [
        ("1200", D("143.00"), D("0.00")), ("1600", D("0.00"), D("141.67")),
        ("2150", D("0.00"), D("1.33"))]
    assert back.open_amount == D("148.75") and paid.payable_eur == D("141.67")


def test_exchange_difference_accounts_exist_in_both_charts(app):
    import csv
    from pathlib import Path

    data = Path(__file__).resolve().parents[3] / "seeds" / "data"
    for chart, loss, gain in (("skr03", "2150", "2660"), ("skr04", "6880", "4840")):
        rows = {r["number"]: r for r in csv.DictReader(
            (data / f"{chart}.csv").open(encoding="utf-8"), delimiter=";")}
        assert rows[loss]["type"] == "expense" and "Kursdifferenzen" in rows[loss]["name"]
        assert rows[gain]["type"] == "revenue" and "Kursdifferenzen" in rows[gain]["name"]
    assert Account.objects(number__in=["2150", "2660"]).count() == 2  # seeded SKR03


# ------------------------------------------------------------------- CSV import

def test_rates_csv_in_the_panels_format(app):
    data = ("Währung;Art;Datum;Kurs\nUSD;EZB;20.11.2026;1,0523\nCHF;BMF;11/2026;0,9361\n"
            "usd;ezb;2026-11-23;1.0498\n").encode("cp1252")
    assert fx.import_rates_csv(data, "tester", "kurse.csv") == 3
    assert ExchangeRate.objects.get(currency="USD", day=date(2026, 11, 20)).rate == D("1.0523")
    chf = ExchangeRate.objects.get(currency="CHF")
    assert (chf.kind, chf.day, chf.rate) == ("bmf_month", date(2026, 11, 1), D("0.9361"))
    # a corrected file replaces the rate, it does not add a second one
    fx.import_rates_csv(b"W\xc3\xa4hrung;Art;Datum;Kurs\nUSD;EZB;20.11.2026;1,0600\n", "t")
    assert ExchangeRate.objects(currency="USD", day=date(2026, 11, 20)).count() == 1
    assert ExchangeRate.objects.get(currency="USD", day=date(2026, 11, 20)).rate == D("1.06")


def test_rates_csv_as_downloaded_from_the_ecb(app):
    data = b"Date,USD,JPY,CHF,\n2026-11-20,1.0523,162.34,0.9361,\n2026-11-19,1.0511,N/A,0.9350,\n"
    assert fx.import_rates_csv(data, "tester") == 5
    assert ExchangeRate.objects.get(currency="JPY").rate == D("162.34")


@pytest.mark.parametrize("body, message", [
    ("USD;EZB;20.11.2026;0", "Zeile 2: Kurs „0“ ist keine positive Zahl"),
    ("USD;XYZ;20.11.2026;1,05", "Zeile 2: Art „XYZ“ unbekannt"),
    ("US;EZB;20.11.2026;1,05", "Zeile 2: „US“ ist kein Währungscode"),
    ("EUR;EZB;20.11.2026;1", "für EUR gibt es keinen"),
    ("USD;EZB;31.11.2026;1,05", "Zeile 2: „31.11.2026“ ist kein Datum"),
])
def test_a_bad_row_stores_nothing_and_names_what_to_fix(app, body, message):
    data = f"Währung;Art;Datum;Kurs\n{body}\nGBP;EZB;20.11.2026;0,85\n".encode()
    with pytest.raises(RuleError, match=message):
        fx.import_rates_csv(data, "tester")
    assert ExchangeRate.objects.count() == 0


def test_cli_import_rates(app, tmp_path):
    path = tmp_path / "kurse.csv"
    path.write_text("Währung;Art;Datum;Kurs\nUSD;EZB;20.11.2026;1,05\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["payables", "import-rates", str(path)])
    assert result.exit_code == 0 and "1 Kurse gespeichert" in result.output
    path.write_text("Währung;Art;Datum;Kurs\nUSD;EZB;20.11.2026;abc\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["payables", "import-rates", str(path)])
    assert result.exit_code == 1 and "Zeile 2" in result.output
