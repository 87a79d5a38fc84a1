"""Reports of a small company year, every figure computed by hand (SKR03).

Opening balances 1.1.2026: bank 20,000.00, office furniture 5,000.00, share capital
25,000.00. January: sales at 19 % (1,000.00 + 50.50 net, 190.00 + 9.60 VAT) and 7 %
(500.00 + 35.00), an intra-EU supply 2,000.00, a service received from an EU supplier
under reverse charge (1,000.00, 190.00 tax and input tax), a supplier invoice 100.00 +
19.00, payroll (salaries 3,000.00, employer social security 600.00). February: a
customer pays 1,190.00, rent 1,000.00.
"""
import csv
from datetime import date
from decimal import Decimal as D

import pytest

from models.company import Company
from services.ledger import bwa, posting, statements, vat_booking, vat_return, year_end
from services.ledger.balances import account_balances, verify_balances
from services.ledger.hgb_mapping import BALANCE_LINES, MAPPING_FILE, PL_LINES, mapping_for
from tests.conftest import REPO


def entry(day, *lines, text="Buchung"):
    specs = []
    for spec in lines:
        account, side, amount, *key = spec
        specs.append({"account": account, side: D(amount), "tax_key": key[0] if key else None})
    return posting.post_new_entry(date=day, text=text, source="manual", user="u", lines=specs)


@pytest.fixture
def books(app):
    year_end.import_opening_balances(2026, {"1200": D("20000.00"), "0420": D("5000.00"),
                                            "0800": D("-25000.00")}, "u")
    entry(date(2026, 1, 10), ("1400", "debit", "1190.00"), ("8400", "credit", "1000.00", "USt19"),
          ("1776", "credit", "190.00", "USt19"))
    entry(date(2026, 1, 11), ("1400", "debit", "60.10"), ("8400", "credit", "50.50", "USt19"),
          ("1776", "credit", "9.60", "USt19"))
    entry(date(2026, 1, 12), ("1400", "debit", "535.00"), ("8300", "credit", "500.00", "USt7"),
          ("1771", "credit", "35.00", "USt7"))
    entry(date(2026, 1, 20), ("1400", "debit", "2000.00"), ("8125", "credit", "2000.00", "IGL"))
    entry(date(2026, 1, 25), ("4900", "debit", "1000.00", "EU-RC-IN"),
          ("1600", "credit", "1000.00"), ("1576", "debit", "190.00", "EU-RC-IN"),
          ("1776", "credit", "190.00", "EU-RC-IN"))
    entry(date(2026, 1, 28), ("4930", "debit", "100.00"), ("1576", "debit", "19.00", "VSt19"),
          ("1600", "credit", "119.00"))
    entry(date(2026, 1, 31), ("4120", "debit", "3000.00"), ("4130", "debit", "600.00"),
          ("1740", "credit", "2000.00"), ("1741", "credit", "400.00"),
          ("1742", "credit", "1200.00"))
    entry(date(2026, 2, 5), ("1200", "debit", "1190.00"), ("1400", "credit", "1190.00"))
    entry(date(2026, 2, 6), ("4210", "debit", "1000.00"), ("1200", "credit", "1000.00"))


# ---------------------------------------------------------------- the mapping

def _chart(name):
    with (REPO / "seeds" / "data" / f"{name.lower()}.csv").open(encoding="utf-8") as handle:
        return [row["number"] for row in csv.DictReader(handle, delimiter=";")]


@pytest.mark.parametrize("chart", ["SKR03", "SKR04"])
def test_every_account_of_both_charts_is_mapped(chart):
    unmapped = [acc for acc in _chart(chart) if mapping_for(chart, acc) is None]
    assert unmapped == []
    assert mapping_for(chart, "10001").line == "A.B.II"   # a customer's personal account
    assert mapping_for(chart, "70001").line == "P.C"      # a supplier's


def test_mapping_rows_name_known_lines():
    from services.ledger.bwa import LAYOUT

    bwa_codes = {code for code, _, kind in LAYOUT if kind != "="}
    with MAPPING_FILE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            if row["statement"] == "B":
                assert row["line"] in BALANCE_LINES and not row["bwa"], row
            else:
                assert row["line"] in PL_LINES and row["bwa"] in bwa_codes, row


@pytest.mark.parametrize("chart, account, line", [
    ("SKR03", "8400", "1"), ("SKR03", "4120", "6a"), ("SKR03", "4130", "6b"),
    ("SKR03", "4830", "7a"), ("SKR03", "2100", "13"), ("SKR03", "1200", "A.B.IV"),
    ("SKR03", "0860", "P.A.IV"), ("SKR03", "1776", "P.C"), ("SKR03", "1576", "A.B.II"),
    ("SKR04", "4400", "1"), ("SKR04", "6020", "6a"), ("SKR04", "6110", "6b"),
    ("SKR04", "1800", "A.B.IV"), ("SKR04", "2970", "P.A.IV"), ("SKR04", "3806", "P.C"),
    ("SKR04", "7300", "13"), ("SKR04", "6220", "7a"), ("SKR04", "1406", "A.B.II")])
def test_known_accounts_land_on_their_hgb_line(chart, account, line):
    assert mapping_for(chart, account).line == line


# ---------------------------------------------------------------- reports

def test_trial_balance_reads_balances_with_opening_column(books):
    from services.ledger.reports import trial_balance

    report = trial_balance(2026, date(2026, 2, 1), date(2026, 2, 28))
    rows = {row.account: row for row in report.rows}
    assert rows["1200"].opening == D("20000.00")
    assert (rows["1200"].debit, rows["1200"].credit) == (D("1190.00"), D("1000.00"))
    assert rows["1400"].opening == D("3785.10") and rows["1400"].closing == D("2595.10")
    assert rows["0800"].opening == D("-25000.00")
    assert report.balanced
    january = {r.account: r for r in trial_balance(2026, date(2026, 1, 1),
                                                   date(2026, 1, 31)).rows}
    assert january["1200"].opening == D("20000.00") and january["1200"].debit == 0
    # a period not made of whole months is summed from the lines, with the same result
    partial = {r.account: r for r in trial_balance(2026, date(2026, 2, 1),
                                                   date(2026, 2, 5)).rows}
    assert partial["1200"].closing == D("21190.00")


def test_profit_and_loss(books):
    gv = statements.profit_and_loss(2026)
    assert gv.amount("1") == D("3550.50")
    assert gv.amount("6a") == D("3000.00") and gv.amount("6b") == D("600.00")
    assert gv.amount("8") == D("2100.00")
    assert gv.amount("15") == gv.amount("17") == D("-2149.50")
    assert gv.previous("1") == 0
    january = statements.profit_and_loss(2026, 1, 1)
    assert january.amount("8") == D("1100.00") and january.amount("17") == D("-1149.50")


def test_balance_sheet_balances(books):
    bs = statements.balance_sheet(2026)
    assert bs.amount("A.A.II") == D("5000.00")
    # input VAT 1576 (209.00) is netted with output VAT 1776/1771 (389.60 + 35.00): the
    # group owes 215.60, a liability; only the receivables 1400 stay on the asset side
    assert bs.amount("A.B.II") == bs.amount("A.B.II.1") == D("2595.10")
    assert bs.amount("A.B.IV") == D("20190.00")
    assert bs.amount("P.A.I") == D("25000.00")
    assert bs.amount("P.A.V") == D("-2149.50")
    assert bs.amount("P.C.4") == D("1119.00")     # 1600: 1,000.00 + 119.00
    assert bs.amount("P.C.8") == D("3815.60")     # payroll 3,600.00 + VAT 215.60
    assert bs.amount("P.C") == D("4934.60")
    assert bs.amount("A") == bs.amount("P") == D("27785.10")
    codes = [r.code for r in bs.rows]
    assert codes.index("A.B.II.1") == codes.index("A.B.II") + 1  # sub-item below its line
    assert [r.code for r in bs.rows if r.sub] == ["A.B.II.1", "P.C.4", "P.C.8"]


def test_balances_switch_sides_by_their_sign(app):
    """Bank overdrawn, VAT receivable, a supplier paid twice; by hand.

    Opening: bank 1,000.00 against capital. A machine 5,000.00 + 950.00 input VAT paid
    from the bank, a sale 1,000.00 + 190.00 on account, 300.00 cash drawn from the bank,
    50.00 paid to a supplier who was owed nothing. Bank 1200: 1,000 - 5,950 - 300 - 50 =
    5,300.00 credit -> Verbindlichkeiten gegenüber Kreditinstituten; cash 1000 300.00
    stays an asset (no netting between accounts). VAT 950.00 - 190.00 = 760.00 to
    receive and the supplier's 50.00 -> sonstige Vermögensgegenstände 810.00.
    """
    year_end.import_opening_balances(2027, {"1200": D("1000.00"), "0800": D("-1000.00")},
                                     "u")
    entry(date(2027, 1, 5), ("0420", "debit", "5000.00"), ("1576", "debit", "950.00", "VSt19"),
          ("1200", "credit", "5950.00"))
    entry(date(2027, 1, 6), ("1400", "debit", "1190.00"), ("8400", "credit", "1000.00", "USt19"),
          ("1776", "credit", "190.00", "USt19"))
    entry(date(2027, 1, 7), ("1000", "debit", "300.00"), ("1200", "credit", "300.00"))
    entry(date(2027, 1, 8), ("1600", "debit", "50.00"), ("1200", "credit", "50.00"))
    bs = statements.balance_sheet(2027, 1)
    assert bs.amount("A.B.IV") == D("300.00")
    assert bs.amount("P.C.2") == bs.amount("P.C") == D("5300.00")
    assert bs.amount("A.B.II.1") == D("1190.00")
    assert bs.amount("A.B.II.4") == D("810.00")
    assert bs.amount("A.B.II") == D("2000.00")
    assert bs.amount("P.A.V") == D("1000.00")
    assert bs.amount("A") == bs.amount("P") == D("7300.00")  # 5,000 + 2,000 + 300
    # the VAT group on the other side: output VAT above input VAT is a liability
    entry(date(2027, 2, 1), ("1400", "debit", "5950.00"), ("8400", "credit", "5000.00", "USt19"),
          ("1776", "credit", "950.00", "USt19"))
    february = statements.balance_sheet(2027, 2)
    assert february.amount("P.C.8") == D("190.00")            # 1,140.00 - 950.00
    assert february.amount("A.B.II.4") == D("50.00")
    assert february.amount("A") == february.amount("P")


def test_bwa_month_cumulative_and_previous_year(books):
    rows = {r.code: r for r in bwa.bwa(2026, 2)}
    assert rows["UE"].month == 0 and rows["UE"].cumulative == D("3550.50")
    assert rows["RK"].month == D("1000.00") and rows["RK"].cumulative == D("1000.00")
    assert rows["PK"].cumulative == D("3600.00") and rows["SK"].cumulative == D("1100.00")
    assert rows["BE"].month == D("-1000.00")
    assert rows["VE"].cumulative == statements.profit_and_loss(2026, 1, 2).amount("17")
    assert rows["VE"].cumulative_previous_year == 0
    year_end.carry_forward(2026, "u")
    entry(date(2027, 2, 3), ("4210", "debit", "900.00"), ("1200", "credit", "900.00"))
    nxt = {r.code: r for r in bwa.bwa(2027, 2)}
    assert nxt["RK"].month == D("900.00") and nxt["RK"].month_previous_year == D("1000.00")
    assert nxt["VE"].cumulative_previous_year == D("-2149.50")


def test_carry_forward_twice_is_a_no_op(books):
    first = year_end.carry_forward(2026, "u")
    assert first is not None and first.date == date(2027, 1, 1)
    opening = account_balances(2027, 0, 0)
    assert opening["1200"] == (D("20190.00"), D("0.00"))
    assert opening["0868"] == (D("2149.50"), D("0.00"))   # the loss carried forward
    assert opening["0800"] == (D("0.00"), D("25000.00"))
    assert "8400" not in opening and "4120" not in opening  # P&L accounts start at zero
    assert year_end.carry_forward(2026, "u") is None
    assert account_balances(2027, 0, 0) == opening
    bs = statements.balance_sheet(2027, 1)
    assert bs.amount("P.A.IV") == D("-2149.50") and bs.amount("P.A.V") == 0
    assert bs.amount("A") == bs.amount("P") == D("27785.10")  # VAT netted, see above
    assert bs.previous("A") == D("27785.10")
    # a late booking into 2026 is carried as its difference only
    entry(date(2026, 12, 30), ("4210", "debit", "10.00"), ("1200", "credit", "10.00"))
    late = year_end.carry_forward(2026, "u")
    assert {(ln.account, ln.debit, ln.credit) for ln in late.lines} == {
        ("1200", D("0.00"), D("10.00")), ("0868", D("10.00"), D("0.00"))}
    assert year_end.carry_forward(2026, "u") is None
    assert verify_balances(2027).ok and verify_balances(2026).ok


def test_opening_balances_that_do_not_add_up_go_to_9000(app):
    year_end.import_opening_balances(2026, {"1200": D("100.00")}, "u")
    assert account_balances(2026, 0, 0) == {"1200": (D("100.00"), D("0.00")),
                                            "9000": (D("0.00"), D("100.00"))}
    year_end.import_opening_balances(2026, {"1200": D("100.00")}, "u")  # same import again
    assert account_balances(2026, 0, 0)["1200"] == (D("100.00"), D("0.00"))


# ---------------------------------------------------------------- UStVA and ZM

def test_ustva_january_kennzahlen(books):
    r = vat_return.vat_return(2026, "1")
    assert r.bases == {"81": D("1050.50"), "86": D("500.00"), "41": D("2000.00"),
                       "46": D("1000.00")}
    assert r.form_base("81") == D("1050")
    assert r.taxes["81"] == D("199.50")        # 19 % of 1,050 euros, as the form computes
    assert r.book_tax["81"] == D("199.60")     # what the invoices carried
    assert r.taxes["86"] == D("35.00") and r.taxes["47"] == D("190.00")
    assert r.taxes["67"] == D("190.00") and r.taxes["66"] == D("19.00")
    assert r.kz83 == D("215.50")
    assert r.fields() == {"Kz41": D("2000"), "Kz46": D("1000"), "Kz81": D("1050"),
                          "Kz86": D("500"), "Kz47": D("190.00"), "Kz66": D("19.00"),
                          "Kz67": D("190.00"), "Kz83": D("215.50")}
    assert r.due == date(2026, 2, 10)
    assert vat_return.vat_return(2026, "2").kz83 == 0
    assert vat_return.vat_return(2026, "Q1").kz83 == D("215.50")


def test_ustva_drill_down_names_the_lines(books):
    lines = vat_return.lines_for(2026, "1", "81")
    assert sorted((ln["account"], ln["credit"]) for ln in lines) == [
        ("1776", D("9.60")), ("1776", D("190.00")), ("8400", D("50.50")),
        ("8400", D("1000.00"))]
    assert [ln["account"] for ln in vat_return.lines_for(2026, "1", "67")] == ["1576"]
    assert [ln["account"] for ln in vat_return.lines_for(2026, "1", "66")] == ["1576"]
    assert vat_return.lines_for(2026, "2", "81") == []


def test_vat_liability_booking_and_payment(books):
    booked = vat_booking.book_vat_liability(2026, "1", "u")
    assert {(ln.account, ln.debit, ln.credit) for ln in booked.lines} == {
        ("1776", D("389.60"), D("0.00")), ("1771", D("35.00"), D("0.00")),
        ("1576", D("0.00"), D("209.00")), ("1780", D("0.00"), D("215.60"))}
    assert vat_booking.book_vat_liability(2026, "1", "u") is None  # nothing left to book
    entry(date(2026, 1, 30), ("1400", "debit", "119.00"), ("8400", "credit", "100.00", "USt19"),
          ("1776", "credit", "19.00", "USt19"))  # a late invoice: only it is booked
    late = vat_booking.book_vat_liability(2026, "1", "u")
    assert {(ln.account, ln.debit, ln.credit) for ln in late.lines} == {
        ("1776", D("19.00"), D("0.00")), ("1780", D("0.00"), D("19.00"))}
    assert vat_return.vat_return(2026, "1").kz83 == D("234.50")   # 215.50 + 19.00
    vat_booking.pay_vat(2026, "1", D("234.50"), date(2026, 2, 10), "u")
    assert account_balances(2026)["1780"] == (D("234.50"), D("234.60"))


def test_dauerfristverlaengerung_and_special_prepayment(books):
    Company(name="Muster GmbH", street="Weg 1", postal_code="10115", city="Berlin",
            vat_extension=True).save()
    assert vat_return.vat_return(2026, "1").due == date(2026, 3, 10)
    assert vat_return.special_prepayment(2027) == D("19.59")   # 215.50 / 11
    december = vat_return.vat_return(2027, "12")
    assert december.special_prepayment == D("19.59") and december.kz83 == D("-19.59")
    assert december.due == date(2028, 2, 10)
    assert vat_return.vat_return(2027, "11").special_prepayment == 0


def test_ec_sales_list_per_customer_vat_id(app):
    from services.invoicing import issuing as invoicing
    from services.ledger.ec_sales_list import ec_sales_list
    from tests.factories import make_company, make_customer, make_invoice
    from tests.services.test_vat_categories import L

    make_company()
    nl = make_customer(name="Jansen B.V.", street="Keizersgracht 1", postal_code="1015 CJ",
                       city="Amsterdam", country="NL", vat_id="NL004495445B01")
    invoicing.issue_invoice(make_invoice([L("4", "250.00", "K")], customer=nl), "fibu")
    invoicing.issue_invoice(make_invoice([L("1", "300.00", "AE-EU")], customer=nl), "fibu")
    invoicing.issue_invoice(make_invoice([L("1", "300.00", "19")]), "fibu")  # domestic: none
    rows = [(r.vat_id, r.kind, r.amount) for r in ec_sales_list(2026, "Q1")]
    assert rows == [("NL004495445B01", "L", D("1000.00")), ("NL004495445B01", "S", D("300.00"))]
    assert ec_sales_list(2026, "Q2") == []
    assert vat_return.vat_return(2026, "3").bases == {"41": D("1000.00"), "21": D("300.00"),
                                                      "81": D("300.00")}


def test_skr04_year_gewinn_to_2970_and_ustva(app):
    """The same kind of year in SKR04: revenue 4400, VAT 3806, bank 1800, profit to 2970."""
    from models.invoice import VatRate
    from models.ledger import Account
    from seeds.reference import seed_reference

    Account.objects.delete()
    VatRate.objects.delete()
    seed_reference("SKR04")
    year_end.import_opening_balances(2026, {"1800": D("1000.00"), "2900": D("-1000.00")}, "u")
    entry(date(2026, 5, 4), ("1200", "debit", "595.00"), ("4400", "credit", "500.00", "USt19"),
          ("3806", "credit", "95.00", "USt19"))
    entry(date(2026, 5, 8), ("6815", "debit", "100.00"), ("1406", "debit", "19.00", "VSt19"),
          ("1800", "credit", "119.00"))
    assert statements.profit_and_loss(2026).amount("17") == D("400.00")
    bs = statements.balance_sheet(2026)
    # input VAT 1406 (19.00) netted with output VAT 3806 (95.00): 76.00 owed
    assert bs.amount("A.B.II") == D("595.00") and bs.amount("A.B.IV") == D("881.00")
    assert bs.amount("P.C") == bs.amount("P.C.8") == D("76.00")
    assert bs.amount("P.A.V") == D("400.00")
    assert bs.amount("A") == bs.amount("P") == D("1476.00")
    r = vat_return.vat_return(2026, "5")
    assert r.fields() == {"Kz81": D("500"), "Kz66": D("19.00"), "Kz83": D("76.00")}
    booked = vat_booking.book_vat_liability(2026, "5", "u")
    assert ("3820", D("0.00"), D("76.00")) in {(ln.account, ln.debit, ln.credit)
                                               for ln in booked.lines}
    year_end.carry_forward(2026, "u")
    assert account_balances(2027, 0, 0)["2970"] == (D("0.00"), D("400.00"))
    assert year_end.carry_forward(2026, "u") is None
