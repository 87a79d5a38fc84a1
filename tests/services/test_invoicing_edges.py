"""Invoicing at its edges: a payment's amount from both sides, payments and cancellations
only of issued invoices, a returned payment, the live totals of a draft.

The default invoice of tests.factories: 3 × 95.00 € at 19 % and 2 × 24.90 € at 7 %:
net 285.00 + 49.80 = 334.80 €, VAT 54.15 + 3.49 (3.486) = 57.64 €, gross 392.44 €.
SKR03: bank 1200, receivables 1400.
"""
from datetime import date
from decimal import Decimal

import pytest

from models import JournalEntry
from models.invoice import Invoice
from services.core.errors import BusinessRuleError
from services.invoicing import issuing as invoicing
from tests.factories import make_company, make_invoice


@pytest.fixture
def app(reused_app):
    """One app per module, emptied to the seeded state before each test (conftest)."""
    return reused_app


@pytest.fixture
def issued(app):
    make_company()
    return invoicing.issue_invoice(make_invoice(), "fibu")


def pay(inv, amount, key="k1", day=date(2026, 3, 20)):
    return invoicing.record_payment(inv, amount=Decimal(amount), day=day, user="fibu", key=key)


def test_the_totals_of_a_draft(app):
    totals = invoicing.totals_of(make_invoice())
    assert (totals.net, totals.vat, totals.gross) == (
        Decimal("334.80"), Decimal("57.64"), Decimal("392.44"))


def test_a_draft_takes_no_payment_and_is_not_cancelled(app):
    make_company()
    draft = make_invoice()
    with pytest.raises(BusinessRuleError, match="nur zu ausgestellten Rechnungen"):
        pay(draft, "10.00")
    with pytest.raises(BusinessRuleError, match="only issued invoices can be cancelled"):
        invoicing.cancel_invoice(draft, "fibu")
    assert Invoice.objects.get(pk=draft.pk).status == "draft"
    assert JournalEntry.objects.count() == 0


@pytest.mark.parametrize("amount", ["0", "0.00", "-0.01", "-392.44"])
def test_a_payment_is_over_zero(issued, amount):
    with pytest.raises(BusinessRuleError, match="Zahlbetrag muss über null liegen"):
        pay(issued, amount)
    assert Invoice.objects.get(pk=issued.pk).payments == []


def test_the_smallest_and_the_largest_payment(issued):
    assert pay(issued, "0.01").status == "issued"
    with pytest.raises(BusinessRuleError,
                       match=r"payment of 392.44 € exceeds the open amount of 392.43 €"):
        pay(issued, "392.44", key="k2")
    done = pay(issued, "392.43", key="k3")
    assert done.status == "paid" and done.paid_total == Decimal("392.44")
    entry = JournalEntry.objects.get(pk=done.payments[1].entry_id)
    assert [(ln.account, ln.debit, ln.credit) for ln in entry.lines] == [
        ("1200", Decimal("392.43"), Decimal("0.00")), ("1400", Decimal("0.00"), Decimal("392.43"))]
    assert entry.text == f"Zahlung {done.number} Bäckerei Größer KG"
    assert entry.voucher_ref == done.number and entry.source == "payment"


def test_a_paid_invoice_is_not_cancelled(issued):
    pay(issued, "100.00")
    with pytest.raises(BusinessRuleError, match="payments are recorded; refund them"):
        invoicing.cancel_invoice(issued, "fibu")
    assert Invoice.objects.get(pk=issued.pk).status == "issued"


def test_a_credit_note_is_neither_paid_nor_cancelled(issued):
    note = invoicing.cancel_invoice(issued, "fibu", today=date(2026, 3, 16))
    with pytest.raises(BusinessRuleError, match="nur zu ausgestellten Rechnungen"):
        pay(note, "1.00")
    with pytest.raises(BusinessRuleError, match="only issued invoices can be cancelled"):
        invoicing.cancel_invoice(note, "fibu")
    with pytest.raises(BusinessRuleError, match="nur zu ausgestellten Rechnungen"):
        pay(Invoice.objects.get(pk=issued.pk), "1.00")  # cancelled


def test_a_returned_payment_opens_the_invoice_again(issued):
    paid = pay(issued, "392.44")
    assert paid.status == "paid"
    back = invoicing.return_payment(issued.pk, payment_key="k1", day=date(2026, 3, 25),
                                    user="fibu", key="r1", reference="RL-7")
    assert back.status == "issued" and back.paid_total == Decimal("0.00")
    payment = back.payments[0]
    assert payment.returned_on == date(2026, 3, 25) and payment.return_key == "r1"
    entry = JournalEntry.objects.get(pk=payment.return_entry_id)
    assert [(ln.account, ln.debit, ln.credit) for ln in entry.lines] == [
        ("1400", Decimal("392.44"), Decimal("0.00")), ("1200", Decimal("0.00"), Decimal("392.44"))]
    assert entry.text == f"Rücklastschrift {back.number} Bäckerei Größer KG"
    assert entry.voucher_ref == "RL-7" and entry.date == date(2026, 3, 25)
    # the same return again (a retry) changes nothing; another return of it is refused
    again = invoicing.return_payment(issued.pk, payment_key="k1", day=date(2026, 3, 25),
                                     user="fibu", key="r1")
    assert again.payments[0].return_entry_id == entry.pk
    assert JournalEntry.objects(source="payment").count() == 2
    with pytest.raises(BusinessRuleError, match="vom 20.03.2026 wurde schon zurückgebucht"):
        invoicing.return_payment(issued.pk, payment_key="k1", day=date(2026, 3, 26),
                                 user="fibu", key="r2")
    with pytest.raises(BusinessRuleError, match="ist an der Rechnung nicht erfasst"):
        invoicing.return_payment(issued.pk, payment_key="k9", day=date(2026, 3, 26),
                                 user="fibu", key="r3")
    assert JournalEntry.objects(source="payment").count() == 2
    assert pay(back, "392.44", key="k2").status == "paid"  # paid again after the return


def test_only_an_invoice_held_up_while_issuing_is_finished_later(issued):
    with pytest.raises(BusinessRuleError, match="only an invoice held up while being issued"):
        invoicing.finish_issue_in_open_period(issued, "fibu", date(2026, 4, 1))
    draft = make_invoice()
    with pytest.raises(BusinessRuleError, match="only an invoice held up while being issued"):
        invoicing.finish_issue_in_open_period(draft, "fibu", date(2026, 4, 1))


def test_a_crash_right_after_a_payment_was_attached_is_finished_by_the_retry(issued,
                                                                            monkeypatch):
    """The paid total is written with the payment (compare-and-set), the status after it.
    A crash in between: the total is already right (1.00 + 3.00 = 4.00 €; mutation
    survivor `paid + cents` as `paid | cents`, 100 | 300 = 364), and the retry of the
    same payment sets the status (it returned the invoice unchanged: a paid invoice
    stayed "issued", open for dunning)."""
    pay(issued, "1.00")

    def crash(pk):
        raise RuntimeError("killed")

    real = invoicing._update_paid_status
    monkeypatch.setattr(invoicing, "_update_paid_status", crash)
    with pytest.raises(RuntimeError):
        pay(issued, "3.00", key="k2")
    assert Invoice._get_collection().find_one({"_id": issued.pk})["paid_total"] == 400
    with pytest.raises(RuntimeError):
        pay(issued, "388.44", key="k3")  # the rest: paid in full, then the crash
    stored = Invoice._get_collection().find_one({"_id": issued.pk})
    assert stored["paid_total"] == 39244 and stored["status"] == "issued"
    monkeypatch.setattr(invoicing, "_update_paid_status", real)
    again = pay(issued, "388.44", key="k3")
    assert again.status == "paid" and again.paid_total == Decimal("392.44")
    assert [p.key for p in again.payments] == ["k1", "k2", "k3"]
    assert JournalEntry.objects(source="payment").count() == 3


def test_an_issued_invoice_rendered_again_gives_its_archived_xml(issued):
    """render_documents with its defaults reads the rates itself (mutation survivor:
    `rates or rate_table()` as `and`: None without them)."""
    from services.archive.store import read_file

    stored = Invoice.objects.get(pk=issued.pk)
    docs = invoicing.render_documents(stored)
    assert docs.xml == read_file(stored.xml_file)
    assert b"<ram:ID>RE-2026-00001</ram:ID>" in docs.xml
    assert b"<ram:GrandTotalAmount>392.44</ram:GrandTotalAmount>" in docs.xml
    assert docs.pdf.startswith(b"%PDF-")


def test_an_invoice_without_a_date_is_dated_the_day_it_is_issued(app):
    """(mutation survivor: `today or date.today()` as `and`)"""
    make_company()
    inv = invoicing.issue_invoice(make_invoice(issue_date=None), "fibu", today=date(2026, 3, 20))
    assert inv.issue_date == date(2026, 3, 20) and inv.number == "RE-2026-00001"
    assert JournalEntry.objects.get(pk=inv.journal_entry).date == date(2026, 3, 20)
