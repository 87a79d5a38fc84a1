"""Paying supplier invoices: Skonto with its input VAT correction, races, personal accounts.

Expected journal lines are computed by hand (SKR03) in each test's comment. The Skonto
split follows § 17 UStG: the discount is split over the VAT rows by their gross amounts
(the base where the buyer owes the VAT) and each part into net and VAT at its rate.
"""
import threading
from datetime import date
from decimal import Decimal as D

import pytest

from models.cost_center import CostCenter
from models.ledger import Account, JournalEntry
from models.supplier_invoice import SupplierInvoice, SupplierPayment
from services.core.messages import RuleError
from services.ledger.posting import verify_chain
from services.payables import approval, intake, payments
from services.payables.payments import open_supplier_invoices, record_supplier_payment
from tests.factories import make_company, make_supplier, make_user
from tests.services.payables.samples import Line, Sample, cii_xml

TODAY = date(2026, 11, 25)
SKONTO = "#SKONTO#TAGE=14#PROZENT=2.00#"  # invoice of 20.11.2026: Skonto until 04.12.2026


@pytest.fixture
def people(app):
    return make_user("finance"), make_user("finance")


def posted(people, sample=None, **supplier):
    capturer, approver = people
    supplier.setdefault("default_account", "4980")
    make_supplier(**supplier)
    result = intake.import_invoice_file(cii_xml(sample or Sample(terms=SKONTO)), "re.xml",
                                        user=capturer.email, today=TODAY)
    assert result.status == "draft", result.errors
    inv = approval.check_invoice(result.invoice, capturer)
    return approval.approve_invoice(inv, approver, today=TODAY)


def lines_of(entry_id):
    entry = JournalEntry.objects.get(pk=entry_id)
    assert entry.status == "posted"
    return sorted((ln.account, ln.debit, ln.credit) for ln in entry.lines)


def test_skonto_on_one_rate_books_the_discount_and_corrects_the_input_vat(people):
    inv = posted(people)
    # 10 × 12.50 = 125.00 + 19 % 23.75 = 148.75; 2 % Skonto = 2.975 → 2.98; paid 145.77.
    # VAT part of 2.98: 2.98 × 19/119 = 0.4758 → 0.48; net 2.50 to 3736.
    paid = record_supplier_payment(inv.pk, D("145.77"), date(2026, 12, 4), "bank", "K1",
                                   discount=D("2.98"))
    assert paid.open_amount == D("0.00") and paid.paid_total == D("148.75")
    assert (paid.payments[0].amount, paid.payments[0].discount) == (D("145.77"), D("2.98"))
    assert lines_of(paid.payments[0].entry_id) == [
        ("1200", D("0.00"), D("145.77")), ("1576", D("0.00"), D("0.48")),
        ("1600", D("148.75"), D("0.00")), ("3736", D("0.00"), D("2.50"))]
    assert open_supplier_invoices() == []
    assert verify_chain(2026).ok


def test_skonto_over_two_rates_is_split_by_their_gross_amounts(people):
    sample = Sample(terms=SKONTO, lines=[Line("Kabelbinder", D("10"), D("12.50")),
                                         Line("Fachbuch", D("3"), D("4.99"), rate=D("7"))])
    inv = posted(people, sample)
    # 19 %: 125.00 + 23.75 = 148.75; 7 %: 14.97 + 1.05 (1.0479) = 16.02; gross 164.77.
    # Skonto 2 % = 3.2954 → 3.30; paid 161.47. Share 19 %: 3.30 × 148.75/164.77 = 2.979 → 2.98,
    # share 7 %: 3.30 − 2.98 = 0.32. 2.98: VAT 0.48 (0.4758), net 2.50; 0.32: VAT 0.02
    # (0.32 × 7/107 = 0.0209), net 0.30.
    assert inv.skonto_amount == D("3.30")
    paid = record_supplier_payment(inv.pk, D("161.47"), date(2026, 12, 1), "bank", "K1",
                                   discount=D("3.30"))
    assert lines_of(paid.payments[0].entry_id) == [
        ("1200", D("0.00"), D("161.47")), ("1571", D("0.00"), D("0.02")),
        ("1576", D("0.00"), D("0.48")), ("1600", D("164.77"), D("0.00")),
        ("3731", D("0.00"), D("0.30")), ("3736", D("0.00"), D("2.50"))]


def test_skonto_on_reverse_charge_shrinks_both_self_assessed_taxes(people):
    sample = Sample(terms=SKONTO, seller_vat="ATU13585627", seller_country="AT",
                    seller_postal="1010", lines=[Line("Montage", D("8"), D("95.00"),
                                                      category="AE", rate=D("0"))])
    inv = posted(people, sample, vat_id="ATU13585627", country="AT", postal_code="1010")
    # 8 × 95.00 = 760.00, no VAT charged; 2 % Skonto = 15.20, paid 744.80 (3730, no input VAT).
    # § 13b at 19 %: 15.20 × 19 % = 2.888 → 2.89 less output VAT (1787 debit) and less input
    # VAT (1577 credit).
    paid = record_supplier_payment(inv.pk, D("744.80"), date(2026, 12, 4), "bank", "K1",
                                   discount=D("15.20"))
    assert lines_of(paid.payments[0].entry_id) == [
        ("1200", D("0.00"), D("744.80")), ("1577", D("0.00"), D("2.89")),
        ("1600", D("760.00"), D("0.00")), ("1787", D("2.89"), D("0.00")),
        ("3730", D("0.00"), D("15.20"))]


def test_skonto_only_within_its_period_for_its_amount_and_settling_the_rest(people):
    inv = posted(people)
    with pytest.raises(RuleError, match="endete am 04.12.2026"):  # one day late
        record_supplier_payment(inv.pk, D("145.77"), date(2026, 12, 5), "bank", "K1",
                                discount=D("2.98"))
    with pytest.raises(RuleError, match="höchstens 2.98"):  # more than the terms allow
        record_supplier_payment(inv.pk, D("145.75"), date(2026, 12, 4), "bank", "K1",
                                discount=D("3.00"))
    with pytest.raises(RuleError, match="in einer Summe"):  # would leave 1.00 open
        record_supplier_payment(inv.pk, D("144.77"), date(2026, 12, 4), "bank", "K1",
                                discount=D("2.98"))
    assert SupplierInvoice.objects.get(pk=inv.pk).payments == []
    record_supplier_payment(inv.pk, D("100.00"), date(2026, 12, 1), "bank", "K2")
    assert open_supplier_invoices()[0]["skonto_amount"] is None  # after a part payment
    with pytest.raises(RuleError, match="kein Skonto"):
        record_supplier_payment(inv.pk, D("45.77"), date(2026, 12, 2), "bank", "K3",
                                discount=D("2.98"))
    rest = record_supplier_payment(inv.pk, D("48.75"), date(2026, 12, 2), "bank", "K3")
    assert rest.open_amount == D("0.00") and [p.discount for p in rest.payments] == [D("0")] * 2


def test_a_skonto_account_missing_in_the_chart_refuses_before_anything_is_written(people):
    inv = posted(people)
    Account.objects(number="3736").delete()
    with pytest.raises(RuleError, match="3736"):
        record_supplier_payment(inv.pk, D("145.77"), date(2026, 12, 4), "bank", "K1",
                                discount=D("2.98"))
    stored = SupplierInvoice.objects.get(pk=inv.pk)
    assert stored.payments == [] and stored.paid_total == D("0.00")
    assert JournalEntry.objects(source="payables").count() == 1  # the invoice only


def _race(inv_id, amounts):
    """Pay each amount under its own key in its own thread, all released at once."""
    barrier = threading.Barrier(len(amounts))
    outcome = {}

    def pay(i, amount):
        barrier.wait(timeout=30)
        try:
            record_supplier_payment(inv_id, amount, date(2026, 12, 1), "bank", f"R{i}")
            outcome[i] = "paid"
        except RuleError as exc:
            outcome[i] = str(exc)

    threads = [threading.Thread(target=pay, args=(i, a)) for i, a in enumerate(amounts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    return outcome


def test_parallel_payments_under_different_keys_never_overpay(people):
    inv = posted(people)  # 148.75 open
    outcome = _race(inv.pk, [D("60.00")] * 4)
    # at most two payments of 60.00 fit into 148.75; the others are refused with the rest
    paid = [k for k, v in outcome.items() if v == "paid"]
    assert len(paid) == 2, outcome
    assert all("höchstens" in v or "gerade mehrere" in v
               for k, v in outcome.items() if v != "paid")
    stored = SupplierInvoice.objects.get(pk=inv.pk)
    assert stored.paid_total == D("120.00") and len(stored.payments) == 2
    entries = JournalEntry.objects(source="payables", status="posted").count()
    assert entries == 3  # the invoice and two payments, no reversal needed
    assert verify_chain(2026).ok


def test_a_payment_read_before_another_is_checked_again_against_what_is_left(people,
                                                                             monkeypatch):
    """The interleaving forced: another key pays between our read and our write."""
    inv = posted(people)
    real_check, done = payments._check, []

    def check_then_let_another_pay(stale, amount, discount, day):
        real_check(stale, amount, discount, day)
        if not done:
            done.append(1)
            record_supplier_payment(inv.pk, D("100.00"), day, "bank", "OTHER")

    monkeypatch.setattr(payments, "_check", check_then_let_another_pay)
    with pytest.raises(RuleError, match="höchstens der offene Betrag 48.75"):
        record_supplier_payment(inv.pk, D("100.00"), date(2026, 12, 1), "bank", "MINE")
    stored = SupplierInvoice.objects.get(pk=inv.pk)
    assert [p.key for p in stored.payments] == ["OTHER"] and stored.paid_total == D("100.00")


def test_a_repeat_of_the_key_posts_the_entry_a_crash_left_out(people):
    inv = posted(people)
    payment = SupplierPayment(key="K1", date=date(2026, 12, 1), amount=D("48.75"),
                              discount=D("0.00"), bank_account="1200", recorded_by="bank",
                              entry_id=payments._claim_entry_id("K1"))
    assert payments._reserve(inv, payment)  # crash here: reserved, not posted
    assert JournalEntry.objects(pk=payment.entry_id).first() is None
    again = record_supplier_payment(inv.pk, D("48.75"), date(2026, 12, 1), "bank", "K1")
    assert lines_of(again.payments[0].entry_id) == [("1200", D("0.00"), D("48.75")),
                                                    ("1600", D("48.75"), D("0.00"))]
    record_supplier_payment(inv.pk, D("48.75"), date(2026, 12, 1), "bank", "K1")
    assert JournalEntry.objects(source="payables").count() == 2


def test_personal_creditor_account_from_the_cut_over_on(people):
    make_company(personal_accounts_from=date(2026, 1, 1))
    inv = posted(people)
    # the supplier gets the first creditor number; invoice and payment use it, not 1600
    assert inv.supplier.reload().account_no == "70000" and inv.payable_account == "70000"
    assert lines_of(inv.journal_entry) == [("1576", D("23.75"), D("0.00")),
                                           ("4980", D("125.00"), D("0.00")),
                                           ("70000", D("0.00"), D("148.75"))]
    paid = record_supplier_payment(inv.pk, D("145.77"), date(2026, 12, 2), "bank", "K1",
                                   discount=D("2.98"))
    assert ("70000", D("148.75"), D("0.00")) in lines_of(paid.payments[0].entry_id)


def test_invoices_before_the_cut_over_stay_on_the_collective_account(people):
    make_company(personal_accounts_from=date(2027, 1, 1))
    inv = posted(people)
    assert inv.payable_account == "1600" and inv.supplier.reload().account_no is None
    assert ("1600", D("0.00"), D("148.75")) in lines_of(inv.journal_entry)


def test_cost_centres_go_onto_the_expense_lines(people):
    capturer, approver = people
    CostCenter(code="VERTRIEB", name="Vertrieb").save()
    make_supplier(default_account="4980")
    sample = Sample(lines=[Line("Kabelbinder", D("10"), D("12.50")),
                           Line("Koffer", D("1"), D("100.00"))])
    inv = intake.import_invoice_file(cii_xml(sample), "re.xml", user=capturer.email,
                                     today=TODAY).invoice
    inv.lines[0].cost_center = "GIBTSNICHT"
    inv.save()
    with pytest.raises(RuleError, match="GIBTSNICHT"):
        approval.check_invoice(inv, capturer)
    Account.objects(number="4980").update(set__cost_center_required=True)
    inv = SupplierInvoice.objects.get(pk=inv.pk)
    inv.lines[0].cost_center = "VERTRIEB"
    inv.save()
    with pytest.raises(RuleError, match="4980 verlangt eine Kostenstelle"):  # line 2 has none
        approval.check_invoice(inv, capturer)
    inv = SupplierInvoice.objects.get(pk=inv.pk)
    inv.lines[1].cost_center = "VERTRIEB"
    inv.lines[1].account = "3400"
    inv.save()
    inv = approval.approve_invoice(approval.check_invoice(inv, capturer), approver, today=TODAY)
    entry = JournalEntry.objects.get(pk=inv.journal_entry)
    # 125.00 on 4980 and 100.00 on 3400, both for VERTRIEB; VAT and payable without
    assert sorted((ln.account, ln.debit, ln.cost_center) for ln in entry.lines) == [
        ("1576", D("42.75"), None), ("1600", D("0.00"), None),
        ("3400", D("100.00"), "VERTRIEB"), ("4980", D("125.00"), "VERTRIEB")]


def test_skonto_in_skr04_uses_its_own_accounts(people):
    from models.invoice import VatRate
    from seeds.reference import seed_reference

    Account.objects.delete()
    VatRate.objects.delete()
    seed_reference("SKR04")
    inv = posted(people, default_account="6815")
    # the invoice: 6815 125.00 + 1406 23.75 / 3300 148.75; Skonto 2.98 as in SKR03:
    # 5736 (Erhaltene Skonti 19 % Vorsteuer) 2.50 and 1406 0.48 credited, bank 1800.
    assert lines_of(inv.journal_entry) == [("1406", D("23.75"), D("0.00")),
                                           ("3300", D("0.00"), D("148.75")),
                                           ("6815", D("125.00"), D("0.00"))]
    paid = record_supplier_payment(inv.pk, D("145.77"), date(2026, 12, 4), "bank", "K1",
                                   discount=D("2.98"))
    assert lines_of(paid.payments[0].entry_id) == [
        ("1406", D("0.00"), D("0.48")), ("1800", D("0.00"), D("145.77")),
        ("3300", D("148.75"), D("0.00")), ("5736", D("0.00"), D("2.50"))]


def test_an_advance_paid_before_is_cleared_by_the_final_invoice(people):
    from services.ledger.posting import post_new_entry

    # the advance invoice of 119.00 (100.00 + 19 %), paid and booked by hand in October
    post_new_entry(date=date(2026, 10, 5), text="Anzahlung Schäfer", source="manual",
                   user="fibu", lines=[{"account": "1518", "debit": D("100.00")},
                                       {"account": "1576", "debit": D("19.00")},
                                       {"account": "1200", "credit": D("119.00")}])
    sample = Sample(lines=[Line("Regal", D("10"), D("100.00"))], prepaid=D("119.00"))
    inv = posted(people, sample)
    # final invoice: 1,000.00 + 190.00 VAT = 1,190.00, less 119.00 paid: 1,071.00 due.
    # The advance's 100.00 leaves 1518 and its 19.00 VAT leaves 1576 (deducted in October).
    assert inv.open_amount == D("1071.00")
    assert lines_of(inv.journal_entry) == [
        ("1518", D("0.00"), D("100.00")), ("1576", D("0.00"), D("19.00")),
        ("1576", D("190.00"), D("0.00")), ("1600", D("0.00"), D("1071.00")),
        ("4980", D("1000.00"), D("0.00"))]
    paid = record_supplier_payment(inv.pk, D("1071.00"), date(2026, 12, 1), "bank", "K1")
    assert paid.open_amount == D("0.00")
    balance = {}
    for entry in JournalEntry.objects(status="posted"):
        for ln in entry.lines:
            balance[ln.account] = balance.get(ln.account, D(0)) + ln.debit - ln.credit
    # advance and payable cleared to zero; input VAT is the final invoice's 190.00 once
    assert (balance["1518"], balance["1600"], balance["1576"]) == (D("0"), D("0"), D("190.00"))
    assert balance["1200"] == D("-1190.00")


def test_a_returned_skonto_payment_on_a_personal_account_is_taken_back_whole(people):
    make_company(personal_accounts_from=date(2026, 1, 1))
    inv = posted(people)
    paid = record_supplier_payment(inv.pk, D("145.77"), date(2026, 12, 2), "bank", "K1",
                                   discount=D("2.98"))
    assert paid.open_amount == D("0.00")
    back = payments.return_supplier_payment(inv.pk, "K1", date(2026, 12, 7), "bank", "R1")
    # the payment's lines swapped (by hand): 70000 credit 148.75, bank debit 145.77,
    # input VAT 1576 debit 0.48 and Erhaltene Skonti 3736 debit 2.50 again
    assert lines_of(back.payments[0].return_entry_id) == [
        ("1200", D("145.77"), D("0.00")), ("1576", D("0.48"), D("0.00")),
        ("3736", D("2.50"), D("0.00")), ("70000", D("0.00"), D("148.75"))]
    assert back.open_amount == D("148.75") and back.paid_total == D("0.00")
    # a repeat under the same key changes nothing; another return of it is refused
    again = payments.return_supplier_payment(inv.pk, "K1", date(2026, 12, 7), "bank", "R1")
    assert again.paid_total == D("0.00")
    with pytest.raises(RuleError, match="schon zurückgebucht"):
        payments.return_supplier_payment(inv.pk, "K1", date(2026, 12, 8), "bank", "R2")
    assert verify_chain(2026).ok
