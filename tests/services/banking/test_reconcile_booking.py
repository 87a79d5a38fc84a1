"""Booking bank transactions: invoices, payroll, rules, splits; once under concurrency and crashes."""
import threading
from datetime import date
from decimal import Decimal

import mongoengine as me
import pytest

from models.bank_rule import BankRule
from models.bank_statement import BankCounterparty, BankTransaction
from models.invoice import Invoice
from models.ledger import JournalEntry
from services.banking import reconcile
from services.banking.reconcile_items import settle
from services.banking.statements import import_file
from services.core.errors import BusinessRuleError
from services.invoicing import issuing
from tests.factories import make_company, make_invoice
from tests.services.banking.files import CUSTOMER_IBAN, OTHER_IBAN, camt, tx

D = Decimal
GROSS = D("392.44")  # the factory invoice: 3 × 95.00 at 19 % + 2 × 24.90 at 7 %


@pytest.fixture
def invoice(app):
    make_company()
    return issuing.issue_invoice(make_invoice(), "fibu")


def bank_lines(entry):
    return sorted((ln.account, ln.debit, ln.credit) for ln in entry.lines)


def load(*txs, **kw):
    [r] = import_file(camt(list(txs), **kw), "a.xml", "fibu")
    return r


def test_auto_booking_above_the_threshold_pays_the_invoice_once(app, bank_account, invoice):
    bank_account.update(auto_book_from=95)
    load(tx(GROSS, purpose=f"Rechnung {invoice.number}", iban=CUSTOMER_IBAN, ref="A"))
    run = reconcile.reconcile_open("auto")
    assert (run.proposed, run.booked) == (1, 1)
    t = BankTransaction.objects.get()
    assert t.status == "booked" and t.confidence == 98
    inv = Invoice.objects.get(pk=invoice.pk)
    assert inv.status == "paid" and inv.paid_total == GROSS
    entry = JournalEntry.objects.get(pk=t.allocations[0].entry_id)
    assert entry.status == "posted"
    assert bank_lines(entry) == [("1200", GROSS, D("0.00")), ("1400", D("0.00"), GROSS)]
    # the payer's IBAN is learned for the next payment without a number
    assert BankCounterparty.objects.get(iban=CUSTOMER_IBAN).party == f"customer:{invoice.customer.pk}"
    assert reconcile.reconcile_open("auto").booked == 0
    assert JournalEntry.objects(source="payment").count() == 1


def test_below_the_threshold_or_without_one_it_waits_with_its_proposal(app, bank_account, invoice):
    load(tx(GROSS, purpose=f"Rechnung {invoice.number}", ref="A"))
    reconcile.reconcile_open("auto")  # no threshold: never automatic
    t = BankTransaction.objects.get()
    assert t.status == "open" and t.confidence == 98 and invoice.number in t.proposal
    bank_account.update(auto_book_from=99)
    assert reconcile.reconcile_open("auto").booked == 0


def test_manual_split_over_an_invoice_and_bank_fees(app, bank_account, invoice):
    load(tx(D("100.00"), purpose="Teilzahlung", ref="A"))
    t = BankTransaction.objects.get()
    with pytest.raises(BusinessRuleError, match="ergibt 99.00"):
        reconcile.book(t.pk, [{"kind": "invoice", "ref": f"invoice:{invoice.pk}", "amount": "90.00"},
                              {"kind": "account", "account": "4970", "amount": "9.00"}], "fibu")
    assert BankTransaction.objects.get().status == "open"
    reconcile.book(t.pk, [{"kind": "invoice", "ref": f"invoice:{invoice.pk}", "amount": "90.00"},
                          {"kind": "account", "account": "8400", "amount": "10.00"}], "fibu")
    inv = Invoice.objects.get(pk=invoice.pk)
    assert inv.status == "issued" and inv.paid_total == D("90.00")
    t.reload()
    second = JournalEntry.objects.get(pk=t.allocations[1].entry_id)
    assert bank_lines(second) == [("1200", D("10.00"), D("0.00")), ("8400", D("0.00"), D("10.00"))]
    with pytest.raises(BusinessRuleError, match="schon zugeordnet"):
        reconcile.book(t.pk, [{"kind": "account", "account": "4970", "amount": "100.00"}], "fibu")


def test_outgoing_by_rule_posts_expense_against_bank(app, bank_account):
    BankRule(name="Miete", counterparty_iban=OTHER_IBAN, purpose_pattern="miete",
             account="4210", direction="out").save()
    bank_account.update(auto_book_from=90)
    load(tx("-800.00", name="Vermieter", iban=OTHER_IBAN, purpose="Miete März", ref="M"))
    assert reconcile.reconcile_open("auto").booked == 1
    t = BankTransaction.objects.get()
    entry = JournalEntry.objects.get(pk=t.allocations[0].entry_id)
    assert bank_lines(entry) == [("1200", D("0.00"), D("800.00")), ("4210", D("800.00"), D("0.00"))]


def test_a_rule_with_a_cost_center_puts_it_on_the_expense_line(app, bank_account):
    from models.cost_center import CostCenter
    from services.budgets.plan import _actuals

    CostCenter(code="KST7", name="Lager").save()
    with pytest.raises(me.ValidationError, match="Kostenstelle KST9"):
        BankRule(name="Miete", counterparty_iban=OTHER_IBAN, account="4210",
                 cost_center="KST9").save()
    BankRule(name="Miete", counterparty_iban=OTHER_IBAN, purpose_pattern="miete",
             account="4210", direction="out", cost_center="KST7").save()
    bank_account.update(auto_book_from=90)
    load(tx("-800.00", name="Vermieter", iban=OTHER_IBAN, purpose="Miete März", ref="M"))
    assert reconcile.reconcile_open("auto").booked == 1
    t = BankTransaction.objects.get()
    entry = JournalEntry.objects.get(pk=t.allocations[0].entry_id)
    assert [(ln.account, ln.cost_center or "") for ln in entry.lines] == [("1200", ""),
                                                                        ("4210", "KST7")]
    month = entry.date.month
    assert _actuals(entry.date.year, "KST7")["4210"][month - 1] == D("800.00")
    assert "4210" not in _actuals(entry.date.year, "KST8")


def test_overpayment_above_the_open_amount_is_refused_on_the_invoice(app, bank_account, invoice):
    load(tx(GROSS + 1, purpose="x", ref="A"))
    t = BankTransaction.objects.get()
    with pytest.raises(BusinessRuleError, match="exceeds the open amount"):
        reconcile.book(t.pk, [{"kind": "invoice", "ref": f"invoice:{invoice.pk}",
                               "amount": str(GROSS + 1)}], "fibu")
    assert BankTransaction.objects.get().status == "open"
    reconcile.book(t.pk, [{"kind": "invoice", "ref": f"invoice:{invoice.pk}", "amount": str(GROSS)},
                          {"kind": "account", "amount": "1.00"}], "fibu")  # rest: receivables
    t.reload()
    assert t.allocations[1].account == "1400" and Invoice.objects.get(pk=invoice.pk).status == "paid"


def test_two_clerks_at_once_book_one_transaction_once(app, bank_account, invoice):
    load(tx(GROSS, purpose="x", ref="A"))
    t = BankTransaction.objects.get()
    barrier, outcomes = threading.Barrier(2, timeout=30), []

    def clerk(account):
        barrier.wait()
        try:
            if account:
                reconcile.book(t.pk, [{"kind": "account", "account": account,
                                       "amount": str(GROSS)}], "b")
            else:
                reconcile.book(t.pk, [{"kind": "invoice", "ref": f"invoice:{invoice.pk}",
                                       "amount": str(GROSS)}], "a")
            outcomes.append("booked")
        except BusinessRuleError:
            outcomes.append("refused")

    threads = [threading.Thread(target=clerk, args=(a,)) for a in (None, "4900")]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert sorted(outcomes) == ["booked", "refused"]
    t.reload()
    assert t.status == "booked" and len(t.allocations) == 1
    posted = JournalEntry.objects(source="payment", status="posted").count()
    assert posted == 1


def test_a_crash_after_the_claim_is_finished_by_recovery_once(app, bank_account, invoice):
    load(tx(GROSS, purpose="x", ref="A"), tx("-5.00", purpose="Entgelt", ref="B"))
    paid, fee = BankTransaction.objects.order_by("position")
    # the state a kill -9 leaves right after the compare-and-set claim ...
    BankTransaction._get_collection().update_one({"_id": paid.pk}, {"$set": {
        "status": "booking", "claim": "dead", "allocations": [
            {"kind": "invoice", "ref": f"invoice:{invoice.pk}", "amount": int(GROSS * 100)}]}})
    # ... and after the first posting but before its entry id was noted
    BankTransaction._get_collection().update_one({"_id": fee.pk}, {"$set": {
        "status": "booking", "claim": "dead", "allocations": [
            {"kind": "account", "account": "4970", "amount": 500}]}})
    reconcile._post_to_account(fee, BankTransaction.objects.get(pk=fee.pk).allocations[0],
                               "1200", "Kontoauszug", "fibu", f"bank:{fee.pk}:0")
    assert reconcile.recover_bookings() == 2
    assert reconcile.recover_bookings() == 0
    assert [t.status for t in BankTransaction.objects.order_by("position")] == ["booked", "booked"]
    assert Invoice.objects.get(pk=invoice.pk).paid_total == GROSS
    assert JournalEntry.objects(source="payment").count() == 2


def test_payroll_net_pay_is_matched_by_amount_and_cleared(app, bank_account):
    from models.payroll import PayrollRun
    from services.payroll import posting
    from services.payroll.payments import open_liabilities
    from tests.views.test_payroll_posting import approved_run

    run = posting.post_run(approved_run().pk, "hr")
    net = open_liabilities(run)["net"]
    load(tx(-net, name="Sammler Gehälter", iban=OTHER_IBAN, purpose="Gehälter 03/2026", ref="G"))
    t = BankTransaction.objects.get()
    best = reconcile.proposals_for(t)[0]
    assert best.parts[0].item.key == f"payroll:{run.pk}:net"
    reconcile.book(t.pk, reconcile.parts_to_allocations(best.parts), "fibu")
    run = PayrollRun.objects.get(pk=run.pk)
    assert "net" in run.payments
    entry = JournalEntry.objects.get(pk=run.payments["net"])
    assert ("1740", net, D("0.00")) in bank_lines(entry) and ("1200", D("0.00"), net) in bank_lines(entry)
    with pytest.raises(BusinessRuleError, match="im Ganzen"):
        settle(f"payroll:{run.pk}:tax", amount=D("1.00"), day=date(2026, 4, 1), user="x",
               key="k", bank_account="1200", reference="r")


def test_a_supplier_invoice_is_paid_from_the_statement_by_its_number(app, bank_account):
    """Wiring payables into reconciliation: the debit quoting the number clears the payable."""
    from models.supplier_invoice import SupplierInvoice
    from services.payables import approval, intake
    from tests.factories import make_supplier, make_user
    from tests.services.payables.samples import Sample, cii_xml

    capturer, approver = make_user("finance"), make_user("finance")
    make_supplier(default_account="4980")
    result = intake.import_invoice_file(cii_xml(Sample()), "re.xml", user=capturer.email,
                                        today=date(2026, 11, 25))
    inv = approval.approve_invoice(approval.check_invoice(result.invoice, capturer), approver,
                                   today=date(2026, 11, 25))
    assert inv.status == "posted" and inv.gross_total == D("148.75")
    load(tx(D("-148.75"), day=date(2026, 12, 1), name="Großhandel Schäfer GmbH", iban=OTHER_IBAN,
            purpose=f"Rechnung {inv.number} Kd 4711", ref="S"))
    t = BankTransaction.objects.get()
    best = reconcile.proposals_for(t)[0]
    assert best.parts[0].item.key == f"supplier_invoice:{inv.pk}"
    reconcile.book(t.pk, reconcile.parts_to_allocations(best.parts), "fibu")
    paid = SupplierInvoice.objects.get(pk=inv.pk)
    assert paid.open_amount == D("0.00") and len(paid.payments) == 1
    entry = JournalEntry.objects.get(pk=paid.payments[0].entry_id)
    # payable 1600 debited, the bank account's own ledger account credited
    assert bank_lines(entry) == [("1200", D("0.00"), D("148.75")), ("1600", D("148.75"), D("0.00"))]
    # a second run proposes nothing for it any more
    from services.banking.reconcile_items import all_open_items
    assert all(i.key != f"supplier_invoice:{inv.pk}" for i in all_open_items())


def test_a_supplier_invoice_paid_less_skonto_in_time_is_booked_with_the_discount(app,
                                                                                bank_account):
    """The statement's debit of the discounted amount is matched with the Skonto and booked."""
    from models.supplier_invoice import SupplierInvoice
    from services.payables import approval, intake
    from tests.factories import make_supplier, make_user
    from tests.services.payables.samples import Sample, cii_xml

    capturer, approver = make_user("finance"), make_user("finance")
    make_supplier(default_account="4980")
    sample = Sample(terms="#SKONTO#TAGE=14#PROZENT=2.00#")  # 20.11. + 14 days = 04.12.2026
    result = intake.import_invoice_file(cii_xml(sample), "re.xml", user=capturer.email,
                                        today=date(2026, 11, 25))
    inv = approval.approve_invoice(approval.check_invoice(result.invoice, capturer), approver,
                                   today=date(2026, 11, 25))
    # 148.75 less 2 % (2.975 → 2.98) = 145.77, debited on 04.12., the last day
    load(tx(D("-145.77"), day=date(2026, 12, 4), name="Großhandel Schäfer GmbH", iban=OTHER_IBAN,
            purpose=f"Rechnung {inv.number}", ref="S"))
    t = BankTransaction.objects.get()
    best = reconcile.proposals_for(t)[0]
    assert best.parts[0].item.key == f"supplier_invoice:{inv.pk}"
    assert best.parts[0].discount == D("2.98")
    reconcile.book(t.pk, reconcile.parts_to_allocations(best.parts), "fibu")
    paid = SupplierInvoice.objects.get(pk=inv.pk)
    assert paid.open_amount == D("0.00") and paid.payments[0].discount == D("2.98")
    entry = JournalEntry.objects.get(pk=paid.payments[0].entry_id)
    # input VAT back: 2.98 × 19/119 = 0.4758 → 0.48; Erhaltene Skonti 19 % (3736): 2.50
    assert bank_lines(entry) == [("1200", D("0.00"), D("145.77")), ("1576", D("0.00"), D("0.48")),
                                 ("1600", D("148.75"), D("0.00")), ("3736", D("0.00"), D("2.50"))]


def test_transactions_without_a_proposal_are_marked_together_and_a_lapsed_proposal_is_cleared(
        app, bank_account, monkeypatch):
    monkeypatch.setattr(reconcile, "NO_PROPOSAL_BATCH", 2)   # 3 without proposal: 2 batches
    rule = BankRule(name="Telekom", counterparty_iban=OTHER_IBAN, direction="out", account="4920",
                    confidence=70).save()
    import_file(camt([tx("-39.95", iban=OTHER_IBAN, purpose="Telefon", ref="T"),
                      tx("-1.00", iban=CUSTOMER_IBAN, purpose="a", ref="A"),
                      tx("-2.00", iban=CUSTOMER_IBAN, purpose="b", ref="B"),
                      tx("-3.00", iban=CUSTOMER_IBAN, purpose="c", ref="C")]), "a.xml", "fibu")
    assert reconcile.reconcile_open("auto").proposed == 4
    marks = {t.bank_reference: (t.confidence, t.proposal) for t in BankTransaction.objects}
    assert marks == {"T": (70, "Regel „Telekom“: Konto 4920"), "A": (0, ""), "B": (0, ""),
                     "C": (0, "")}
    rule.update(set__active=False)
    reconcile.reconcile_open("auto")
    telekom = BankTransaction.objects.get(bank_reference="T")
    assert (telekom.confidence, telekom.proposal, telekom.proposal_msg) == (0, "", {})
