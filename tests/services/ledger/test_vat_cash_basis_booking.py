"""Ist-Versteuerung: the Kz 81/86 drill-down and the VAT booking follow the payments.

The books of tests/services/ledger/test_vat_cash_basis.py (hand figures there): RE-1 of
15.03.2026, 285.00 at 19 % (54.15 VAT) and 49.80 at 7 % (3.49 VAT), paid 100.00 on
20.03., 192.44 on 10.04. and 100.00 on 05.05.; RE-2 of 16.03., 300.00 at 19 % (57.00
VAT), never paid; a cash sale 100.00 + 19.00 and input tax 19.00 posted by hand in March.
Payment shares (cumulative): March 72.62 / 13.80 / 12.69 / 0.89 (8400 / 1776 / 8300 /
1771), April 139.76 / 26.55 / 24.42 / 1.71, May 72.62 / 13.80 / 12.69 / 0.89.
"""
from datetime import date
from decimal import Decimal as D

from models.ledger import JournalEntry
from services.ledger import vat_booking, vat_return
from tests.services.ledger.test_vat_cash_basis import books  # noqa: F401 (fixture)


def _rows(year, period, kz):
    return sorted((r["account"], r["credit"] - r["debit"], r["date"])
                  for r in vat_return.lines_for(year, period, kz))


def _lines(entry):
    return sorted((ln.account, ln.debit, ln.credit) for ln in entry.lines)


def test_ist_drill_down_lists_the_payment_shares_not_the_invoices(app, books):  # noqa: F811
    paid = books("ist")
    march = _rows(2026, "3", "81")
    assert march == [("1776", D("13.80"), date(2026, 3, 20)),
                     ("1776", D("19.00"), date(2026, 3, 21)),      # cash sale by hand
                     ("8400", D("72.62"), date(2026, 3, 20)),
                     ("8400", D("100.00"), date(2026, 3, 21))]
    report = vat_return.vat_return(2026, "3")
    assert sum(v for a, v, _ in march if a == "8400") == report.bases["81"] == D("172.62")
    assert sum(v for a, v, _ in march if a == "1776") == report.book_tax["81"] == D("32.80")
    assert _rows(2026, "4", "86") == [("1771", D("1.71"), date(2026, 4, 10)),
                                      ("8300", D("24.42"), date(2026, 4, 10))]
    share = next(r for r in vat_return.lines_for(2026, "4", "81") if r["account"] == "8400")
    payment_entry = JournalEntry.objects.get(number=share["number"], fiscal_year=2026)
    assert payment_entry.source == "payment" and paid.number in payment_entry.text
    assert share["share_of"] == paid.number
    assert _rows(2026, "6", "81") == []   # nothing paid in June, RE-2 is not listed


def test_soll_drill_down_lists_the_invoice_lines(app, books):  # noqa: F811
    books("soll")
    rows = _rows(2026, "3", "81")
    assert [(a, v) for a, v, _ in rows if a == "8400"] == \
        [("8400", D("100.00")), ("8400", D("285.00")), ("8400", D("300.00"))]
    assert sum(v for a, v, _ in rows if a == "1776") == D("130.15")   # 54.15 + 57.00 + 19
    assert _rows(2026, "4", "81") == []   # a payment is no sale under Soll
    assert not any("share_of" in r for r in vat_return.lines_for(2026, "3", "81"))


def test_ist_vat_booking_transfers_the_paid_tax_and_keeps_the_unpaid(app, books):  # noqa: F811
    books("ist")
    march = vat_booking.book_vat_liability(2026, "3", "u")
    # 13.80 + 19.00 output 19 %, 0.89 output 7 %, less 19.00 input: 14.69 owed
    assert _lines(march) == [("1576", D("0.00"), D("19.00")), ("1771", D("0.89"), D("0.00")),
                             ("1776", D("32.80"), D("0.00")), ("1780", D("0.00"), D("14.69"))]
    assert vat_booking.book_vat_liability(2026, "3", "u") is None     # nothing left
    april = vat_booking.book_vat_liability(2026, "4", "u")
    assert _lines(april) == [("1771", D("1.71"), D("0.00")), ("1776", D("26.55"), D("0.00")),
                             ("1780", D("0.00"), D("28.26"))]
    may = vat_booking.book_vat_liability(2026, "5", "u")
    assert _lines(may) == [("1771", D("0.89"), D("0.00")), ("1776", D("13.80"), D("0.00")),
                           ("1780", D("0.00"), D("14.69"))]
    assert vat_booking.book_vat_liability(2026, "6", "u") is None
    # what stays on the VAT accounts is exactly the tax of the unpaid RE-2
    left = {}
    for entry in JournalEntry.objects(status="posted"):
        for ln in entry.lines:
            left[ln.account] = left.get(ln.account, D(0)) + ln.credit - ln.debit
    assert (left["1776"], left["1771"], left["1780"]) == \
        (D("57.00"), D("0.00"), D("14.69") + D("28.26") + D("14.69"))


def test_soll_vat_booking_transfers_the_booked_tax(app, books):  # noqa: F811
    books("soll")
    march = vat_booking.book_vat_liability(2026, "3", "u")
    # 54.15 + 57.00 + 19.00 = 130.15 and 3.49 output, 19.00 input: 114.64 owed
    assert _lines(march) == [("1576", D("0.00"), D("19.00")), ("1771", D("3.49"), D("0.00")),
                             ("1776", D("130.15"), D("0.00")), ("1780", D("0.00"), D("114.64"))]
    assert vat_booking.book_vat_liability(2026, "4", "u") is None     # payments: nothing
