"""Ist-Versteuerung (§ 20 UStG): the taxed sales of the UStVA follow the payments received.

Hand figures. Invoice RE-1 of 15.03.2026 (the factory's lines): 3 × 95.00 at 19 % =
285.00 net + 54.15 VAT, 2 × 24.90 at 7 % = 49.80 net + 3.49 VAT (3.486), gross 392.44.
Paid 100.00 on 20.03., 192.44 on 10.04., 100.00 on 05.05. Each payment's share is
cumulative: after 100.00, 100/392.44 = 0.254816...: 285.00 -> 72.62, 54.15 -> 13.80,
49.80 -> 12.69, 3.49 -> 0.89; after 292.44 (0.745183...): 212.38, 40.35, 37.11, 2.60,
so April takes 139.76, 26.55, 24.42, 1.71; May the rest: 72.62, 13.80, 12.69, 0.89.
An unpaid invoice RE-2 (300.00 at 19 %) counts under Soll only. A cash sale posted by
hand (100.00 + 19.00) and input tax of 19.00 count under both.
"""
from datetime import date
from decimal import Decimal as D

import pytest

from services.invoicing import issuing as invoicing
from services.invoicing.settlement import settle_payment
from services.ledger import posting, vat_return
from tests.factories import make_company, make_invoice
from tests.services.test_vat_categories import L


def _manual(day, *lines):
    posting.post_new_entry(date=day, text="Buchung", source="manual", user="u", lines=[
        {"account": a, side: D(amount), "tax_key": key} for a, side, amount, key in lines])


@pytest.fixture
def books(app):
    def setup(accounting):
        make_company(vat_accounting=accounting)
        paid = invoicing.issue_invoice(make_invoice(issue_date=date(2026, 3, 15)), "fibu")
        invoicing.issue_invoice(make_invoice([L("1", "300.00", "19")],
                                             issue_date=date(2026, 3, 16)), "fibu")
        for day, amount in ((date(2026, 3, 20), "100.00"), (date(2026, 4, 10), "192.44"),
                            (date(2026, 5, 5), "100.00")):
            invoicing.record_payment(paid, amount=D(amount), day=day, user="u",
                                     key=f"bank-{day}")
        _manual(date(2026, 3, 21), ("1200", "debit", "119.00", None),
                ("8400", "credit", "100.00", "USt19"), ("1776", "credit", "19.00", "USt19"))
        _manual(date(2026, 3, 22), ("4930", "debit", "100.00", None),
                ("1576", "debit", "19.00", "VSt19"), ("1600", "credit", "119.00", None))
        return paid
    return setup


def test_invoice_figures_under_soll(app, books):
    paid = books("soll")
    assert paid.gross_total == D("392.44")
    march = vat_return.vat_return(2026, "3")
    assert march.bases == {"81": D("685.00"), "86": D("49.80")}   # 285 + 300 + 100
    assert (march.taxes["81"], march.taxes["86"], march.taxes["66"]) == \
        (D("130.15"), D("3.43"), D("19.00"))                      # 685 × 19 %, 49 × 7 %
    assert march.kz83 == D("114.58")
    assert vat_return.vat_return(2026, "4").kz83 == 0             # payments change nothing


def test_partial_payments_across_periods_under_ist(app, books):
    books("ist")
    march = vat_return.vat_return(2026, "3")
    assert march.accounting == "ist"
    assert march.bases == {"81": D("172.62"), "86": D("12.69")}   # 72.62 + cash sale 100
    assert march.book_tax == {"81": D("32.80"), "86": D("0.89")}  # 13.80 + 19.00
    assert (march.taxes["81"], march.taxes["86"], march.taxes["66"]) == \
        (D("32.68"), D("0.84"), D("19.00"))                       # 172 × 19 %, 12 × 7 %
    assert march.kz83 == D("14.52")
    april = vat_return.vat_return(2026, "4")
    assert april.bases == {"81": D("139.76"), "86": D("24.42")}
    assert april.book_tax == {"81": D("26.55"), "86": D("1.71")}
    assert (april.taxes["81"], april.taxes["86"], april.kz83) == \
        (D("26.41"), D("1.68"), D("28.09"))                       # 139 × 19 %, 24 × 7 %
    may = vat_return.vat_return(2026, "5")
    assert may.bases == {"81": D("72.62"), "86": D("12.69")}
    assert may.book_tax == {"81": D("13.80"), "86": D("0.89")}
    assert may.kz83 == D("14.52")
    # paid in full: the three months add up to the invoice's tax lines exactly
    assert D("72.62") + D("139.76") + D("72.62") == D("285.00")
    assert D("13.80") + D("26.55") + D("13.80") == D("54.15")
    q2 = vat_return.vat_return(2026, "Q2")
    assert q2.bases == {"81": D("212.38"), "86": D("37.11")}
    assert (q2.taxes["81"], q2.taxes["86"]) == (D("40.28"), D("2.59"))  # 212, 37
    assert vat_return.vat_return(2026, "6").fields() == {"Kz83": D("0.00")}


def test_skonto_under_ist_is_simply_money_not_received(app):
    """1,000.00 + 190.00 issued 25.03., 2 % Skonto taken on 02.04.: 1,166.20 received.

    Under Ist nothing in March; April 1,000 × 1,166.20 / 1,190 = 980.00 and 186.20, the
    Skonto correction the payment posted (-20.00 / -3.80) is not taken a second time.
    """
    make_company(vat_accounting="ist")
    invoice = invoicing.issue_invoice(make_invoice(
        [L("1", "1000.00", "19")], issue_date=date(2026, 3, 25), skonto_days=10,
        skonto_percent=D("2.00"), payment_days=14), "fibu")
    settled = settle_payment(invoice, amount=D("1166.20"), day=date(2026, 4, 2), user="u",
                             key="bank-1")
    assert settled.payments[0].discount == D("23.80")
    assert vat_return.vat_return(2026, "3").bases == {}
    april = vat_return.vat_return(2026, "4")
    assert april.bases == {"81": D("980.00")} and april.book_tax == {"81": D("186.20")}
    assert april.kz83 == D("186.20")                              # 980 × 19 %


def test_overpayment_beyond_the_invoice_is_no_receipt(app):
    make_company(vat_accounting="ist")
    invoice = invoicing.issue_invoice(make_invoice(
        [L("1", "100.00", "19")], issue_date=date(2026, 3, 2)), "fibu")
    settle_payment(invoice, amount=D("150.00"), day=date(2026, 3, 9), user="u", key="b1")
    march = vat_return.vat_return(2026, "3")
    assert march.bases == {"81": D("100.00")} and march.book_tax == {"81": D("19.00")}


def test_a_returned_payment_takes_its_tax_back_in_the_month_of_the_return(app):
    """1,000.00 + 190.00 issued 02.03., paid in full 09.03., the bank returns the payment on
    07.04. (a chargeback), paid again 12.05. Under Ist: March 1,000.00 / 190.00, April
    -1,000.00 / -190.00 (money taken back), May 1,000.00 / 190.00 again. Under Soll the
    invoice counts in March only and the return changes nothing."""
    make_company(vat_accounting="ist")
    invoice = invoicing.issue_invoice(make_invoice(
        [L("1", "1000.00", "19")], issue_date=date(2026, 3, 2)), "fibu")
    invoicing.record_payment(invoice, amount=D("1190.00"), day=date(2026, 3, 9), user="u",
                             key="bank-1")
    invoicing.return_payment(invoice.pk, payment_key="bank-1", day=date(2026, 4, 7),
                             user="u", key="ret-1")
    march = vat_return.vat_return(2026, "3")
    assert march.bases == {"81": D("1000.00")} and march.book_tax == {"81": D("190.00")}
    april = vat_return.vat_return(2026, "4")
    assert april.bases == {"81": D("-1000.00")} and april.book_tax == {"81": D("-190.00")}
    assert vat_return.vat_return(2026, "Q2").bases == {"81": D("-1000.00")}
    # the drill-down of April's Kz 81: the two taken-back shares, as debits on the return day
    rows = vat_return.lines_for(2026, "4", "81")
    assert sorted((r["account"], r["date"], r["debit"], r["credit"]) for r in rows) == [
        ("1776", date(2026, 4, 7), D("190.00"), D("0")),
        ("8400", date(2026, 4, 7), D("1000.00"), D("0"))]
    assert all(r["text"].startswith("Rückbuchung") for r in rows)
    invoicing.record_payment(invoice, amount=D("1190.00"), day=date(2026, 5, 12), user="u",
                             key="bank-2")
    may = vat_return.vat_return(2026, "5")
    assert may.bases == {"81": D("1000.00")} and may.book_tax == {"81": D("190.00")}
    # the year: received once in the end, so exactly the invoice
    year = vat_return.vat_return(2026, "Q1"), vat_return.vat_return(2026, "Q2")
    assert sum((r.bases.get("81", 0) for r in year), D(0)) == D("1000.00")


def test_a_return_in_the_same_month_leaves_nothing_under_ist(app):
    make_company(vat_accounting="ist")
    invoice = invoicing.issue_invoice(make_invoice(
        [L("1", "100.00", "19")], issue_date=date(2026, 3, 2)), "fibu")
    invoicing.record_payment(invoice, amount=D("119.00"), day=date(2026, 3, 9), user="u",
                             key="b1")
    invoicing.return_payment(invoice.pk, payment_key="b1", day=date(2026, 3, 31), user="u",
                             key="r1")
    assert vat_return.vat_return(2026, "3").bases == {}
