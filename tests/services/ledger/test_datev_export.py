"""The DATEV files re-read by a parser written here from DATEV's published format description.

Nothing of services.ledger.datev is used to read the files back: the header fields, the
column names, the encoding, the DDMM dates and the BU keys' tax rates and accounts are
typed out below from the description (and SKR03), and the amounts are summed back per
account and compared with the trial balance.
"""
import csv
import io
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

from models.archive import ArchivedFile
from models.datev_export import DatevExport
from services.invoicing.issuing import issue_invoice, record_payment
from services.ledger.datev_export import export_bookings, export_master_data, export_period
from services.ledger.posting import post_new_entry
from services.ledger.reports import trial_balance
from tests.factories import make_company, make_customer, make_invoice, make_supplier

# DATEV-Format, Buchungsstapel: the first 20 of its 125 columns, by hand.
FIRST_COLUMNS = [
    "Umsatz (ohne Soll/Haben-Kz)", "Soll/Haben-Kennzeichen", "WKZ Umsatz", "Kurs",
    "Basis-Umsatz", "WKZ Basis-Umsatz", "Konto", "Gegenkonto (ohne BU-Schlüssel)",
    "BU-Schlüssel", "Belegdatum", "Belegfeld 1", "Belegfeld 2", "Skonto", "Buchungstext",
    "Postensperre", "Diverse Adressnummer", "Geschäftspartnerbank", "Sachverhalt",
    "Zinssperre", "Beleglink"]
LAST_COLUMN = "Abw. Skontokonto"
# SKR03 BU-Schlüssel: rate and the VAT account DATEV books the tax to.
BU = {"3": (Decimal(19), "1776"), "2": (Decimal(7), "1771"),
      "9": (Decimal(19), "1576"), "8": (Decimal(7), "1571")}


def read_datev(path):
    """Header fields, column names and rows of an EXTF file, checked against the format."""
    raw = path.read_bytes()
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    text = raw.decode("cp1252")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";", quotechar='"'))
    return rows[0], rows[1], rows[2:]


def sums_from_file(rows, columns):
    at = {name: columns.index(name) for name in FIRST_COLUMNS}
    sums: dict[str, int] = {}
    for row in rows:
        assert len(row) == 125
        amount = row[at["Umsatz (ohne Soll/Haben-Kz)"]]
        assert re.fullmatch(r"\d+,\d\d", amount), amount
        cents = int(amount.replace(",", ""))
        side = row[at["Soll/Haben-Kennzeichen"]]
        assert side in ("S", "H")
        day = row[at["Belegdatum"]]
        assert re.fullmatch(r"\d{4}", day) and date(2026, int(day[2:]), int(day[:2]))
        assert len(row[at["Buchungstext"]]) <= 60
        konto, gegen = row[at["Konto"]], row[at["Gegenkonto (ohne BU-Schlüssel)"]]
        assert konto != gegen and konto.isdigit() and gegen.isdigit()
        signed = cents if side == "S" else -cents
        sums[konto] = sums.get(konto, 0) + signed
        key = row[at["BU-Schlüssel"]]
        if key:
            rate, vat_account = BU[key]
            tax = int((Decimal(cents) * rate / (100 + rate)).quantize(0, ROUND_HALF_UP))
            sums[vat_account] = sums.get(vat_account, 0) - (tax if side == "S" else -tax)
            signed = (cents - tax) if side == "S" else -(cents - tax)
        sums[gegen] = sums.get(gegen, 0) - signed
    return {k: v for k, v in sums.items() if v}


def book_closing_cents(year):
    return {r.account: int(r.closing * 100) for r in trial_balance(year).rows if r.closing}


@pytest.fixture
def books(app):
    with app.app_context():
        make_company(datev_consultant_no=29098, datev_client_no=55003,
                     personal_accounts_from=date(2026, 1, 1))
        invoice = issue_invoice(make_invoice(), "finance@firma.example.com",
                                today=date(2026, 3, 15))
        record_payment(invoice, amount=Decimal("100.00"), day=date(2026, 4, 2),
                       user="finance", key="bank-1")
        post = dict(source="manual", user="finance")
        post_new_entry(date=date(2026, 5, 6), text='Büromaterial "Papier" Müller', lines=[
            {"account": "4930", "debit": "100.00", "tax_key": "VSt19"},
            {"account": "1576", "debit": "19.00", "tax_key": "VSt19"},
            {"account": "1200", "credit": "119.00"}], voucher_ref="ER-2026/17", **post)
        post_new_entry(date=date(2026, 5, 31), text="Gehälter Mai", lines=[
            {"account": "4120", "debit": "3000.00"}, {"account": "1740", "credit": "2000.00"},
            {"account": "1741", "credit": "600.00"}, {"account": "1742", "credit": "400.00"}],
            **post)
        # 1.91 € tax on 10.00 € is not what DATEV takes out of 11.91 € (1.90 €): no BU key
        post_new_entry(date=date(2026, 6, 1), text="Kleinverkauf", lines=[
            {"account": "1200", "debit": "11.91"},
            {"account": "8400", "credit": "10.00", "tax_key": "USt19"},
            {"account": "1776", "credit": "1.91", "tax_key": "USt19"}], **post)
        make_supplier(name="Großhandel Schäfer GmbH")
        yield invoice


def test_the_booking_file_follows_the_format_and_sums_back_to_the_trial_balance(app, books,
                                                                                 tmp_path):
    with app.app_context():
        result = export_bookings(date(2026, 1, 1), date(2026, 12, 31), tmp_path, "finance")
        header, columns, rows = read_datev(result.path)
        assert header[:5] == ["EXTF", "700", "21", "Buchungsstapel", "13"]
        assert len(header) == 31 and re.fullmatch(r"\d{17}", header[5])
        assert header[10:16] == ["29098", "55003", "20260101", "4", "20260101", "20261231"]
        assert header[21] == "EUR" and header[26] == "03"
        assert len(columns) == 125 and columns[:20] == FIRST_COLUMNS
        assert columns[-1] == LAST_COLUMN
        assert len(rows) == result.rows
        assert sums_from_file(rows, columns) == book_closing_cents(2026)


def test_lines_keys_dates_and_text_of_the_bookings(app, books, tmp_path):
    with app.app_context():
        path = export_bookings(date(2026, 1, 1), date(2026, 12, 31), tmp_path, "finance").path
        _, columns, rows = read_datev(path)
        raw = path.read_bytes()
    konto, gegen, bu = (columns.index(n) for n in (
        "Konto", "Gegenkonto (ohne BU-Schlüssel)", "BU-Schlüssel"))
    by_voucher = {}
    for row in rows:
        by_voucher.setdefault(row[10], []).append(
            (row[0], row[1], row[konto], row[gegen], row[bu], row[9], row[13], row[19]))
    invoice_rows = sorted(by_voucher[books.number])
    # 3 × 95.00 at 19 % = 285.00 + 54.15; 2 × 24.90 at 7 % = 49.80 + 3.49 (by hand);
    # the receivable is the customer's personal account 10000 (first of the range)
    sale = [r for r in invoice_rows if r[5] == "1503"]
    assert sorted((r[0], r[1], r[2], r[3], r[4]) for r in sale) == [
        ("339,15", "S", "10000", "8400", "3"), ("53,29", "S", "10000", "8300", "2")]
    pay = [r for r in invoice_rows if r[5] == "0204"]
    assert [(r[0], r[1], r[2], r[3], r[4]) for r in pay] == [("100,00", "S", "1200", "10000", "")]
    link = sale[0][7]
    assert link.startswith("/archive/") and ArchivedFile.objects(
        pk=link.split("/")[2]).first() is not None
    purchase = by_voucher["ER-2026/17"]
    assert [(r[0], r[1], r[2], r[3], r[4], r[5]) for r in purchase] == [
        ("119,00", "H", "1200", "4930", "9", "0605")]
    assert purchase[0][6] == 'Büromaterial "Papier" Müller'
    assert b"B\xfcromaterial \"\"Papier\"\" M\xfcller" in raw  # Windows-1252, quotes doubled
    salaries = sorted((r[0], r[1], r[konto], r[gegen]) for r in rows if r[13] == "Gehälter Mai")
    assert salaries == [("2000,00", "S", "4120", "1740"), ("400,00", "S", "4120", "1742"),
                        ("600,00", "S", "4120", "1741")]
    small = sorted((r[0], r[1], r[konto], r[gegen], r[bu]) for r in rows
                   if r[13] == "Kleinverkauf")
    assert small == [("1,91", "S", "1200", "1776", ""), ("10,00", "S", "1200", "8400", "")]


def test_a_period_outside_leaves_entries_out_and_a_repeat_is_marked(app, books, tmp_path):
    with app.app_context():
        first = export_bookings(date(2026, 5, 1), date(2026, 5, 31), tmp_path / "a", "finance")
        header, _, rows = read_datev(first.path)
        assert not first.re_export and header[14:17] == ["20260501", "20260531",
                                                         "Buchungen 01.05.-31.05.2026"]
        assert {r[9][2:] for r in rows} == {"05"} and len(rows) == 4
        other = export_bookings(date(2026, 6, 1), date(2026, 6, 30), tmp_path / "b", "finance")
        assert not other.re_export
        again = export_bookings(date(2026, 5, 31), date(2026, 6, 5), tmp_path / "c", "finance")
        assert again.re_export and read_datev(again.path)[0][16].startswith("Wiederholung")
        assert [e.re_export for e in DatevExport.objects.order_by("created_at")] == \
            [False, False, True]


def test_a_period_across_fiscal_years_is_refused(app, books, tmp_path):
    from services.core.errors import BusinessRuleError

    with app.app_context():
        with pytest.raises(BusinessRuleError, match="Wirtschaftsjahr"):
            export_bookings(date(2026, 12, 1), date(2027, 1, 31), tmp_path, "finance")
        assert DatevExport.objects.count() == 0


def test_export_needs_consultant_and_client_number(app, tmp_path):
    from models.company import Company
    from services.core.errors import BusinessRuleError

    with app.app_context():
        make_company()
        with pytest.raises(BusinessRuleError, match="Berater- und Mandantennummer"):
            export_period(date(2026, 1, 1), date(2026, 1, 31), tmp_path, "finance")
        Company.objects(key="company").update_one(set__datev_consultant_no=1001,
                                                  set__datev_client_no=1)
        assert [r.rows for r in export_period(date(2026, 1, 1), date(2026, 1, 31), tmp_path,
                                              "finance")] == [0, 0]


def test_master_data_file_lists_debtors_and_creditors(app, books, tmp_path):
    with app.app_context():
        result = export_master_data(tmp_path, "finance")
        header, columns, rows = read_datev(result.path)
    assert header[:5] == ["EXTF", "700", "16", "Debitoren/Kreditoren", "5"]
    assert header[10:14] == ["29098", "55003", "20260101", "4"]
    assert columns[:2] == ["Konto", "Name (Adressattyp Unternehmen)"]
    assert columns[15:20] == ["Straße", "Postfach", "Postleitzahl", "Ort", "Land"]
    by_account = {row[0]: row for row in rows}
    assert set(by_account) == {"10000", "70000"}
    assert by_account["10000"][1] == "Bäckerei Größer KG"
    assert by_account["10000"][8:10] == ["DE", "136695976"]
    assert by_account["70000"][1] == "Großhandel Schäfer GmbH"
    assert all(len(row) == len(columns) for row in rows)


def test_cli_exports_both_files(app, books, runner, tmp_path):
    result = runner.invoke(args=["datev", "export", "--from", "01.01.2026", "--to",
                                 "31.12.2026", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "EXTF_Buchungsstapel_20260101_20261231.csv", "EXTF_Debitoren_Kreditoren.csv"]
    again = runner.invoke(args=["datev", "export", "--from", "2026-03-01", "--to",
                                "2026-03-31", str(tmp_path)])
    assert "re-export" in again.output
    wrong = runner.invoke(args=["datev", "export", "--from", "1.1.2026", "--to", "31.1.2027",
                                str(tmp_path)])
    assert wrong.exit_code == 1 and "Wirtschaftsjahr" in wrong.output
