"""Returns and chargebacks reopen what the payment had settled, with the bank's fee.

A direct debit comes back (Rücklastschrift, camt with RtrInf AC04 and GVC 109) for the
collected amount plus the bank's fee: the invoice is open again, the fee is booked to
Nebenkosten des Geldverkehrs (SKR03 4970), the collection may be made again (as FRST
again when the first one came back). A returned supplier transfer reopens the payable.
"""
from datetime import date
from decimal import Decimal as D

import pytest

from models.bank_statement import BankTransaction
from models.invoice import Invoice
from models.ledger import JournalEntry
from models.payment_run import PaymentClaim
from models.sepa_mandate import SepaMandate
from services.banking import direct_debit, reconcile
from services.banking.reconcile_items import returnable_items, settle
from services.banking.statements import import_file
from services.core.errors import BusinessRuleError
from tests.services.banking.files import CUSTOMER_IBAN, OTHER_IBAN, camt, tx
from tests.services.banking.test_direct_debit import (CREDITOR_ID, GROSS, MONDAY, issued,
                                                      mandate)
from tests.factories import make_company, make_customer

FEE = D("3.00")


def lines(entry):
    return sorted((ln.account, ln.debit, ln.credit) for ln in entry.lines)


def load(*txs, statement_id="1", opening="1000.00"):
    [r] = import_file(camt(list(txs), statement_id=statement_id, opening=opening),
                      f"{statement_id}.xml", "fibu")
    return r


@pytest.fixture
def collected(app, bank_account):
    """An invoice collected by direct debit and paid by the bank's credit (auto-booked)."""
    make_company()
    bank_account.update(creditor_id=CREDITOR_ID, auto_book_from=95)
    customer = make_customer()
    mandate(customer)
    inv = issued(customer)
    run = direct_debit.create_run(MONDAY, bank_account.pk, "clerk", today=date(2026, 3, 26))
    direct_debit.release_run(run.pk, "boss", run.version, today=date(2026, 3, 26))
    load(tx(GROSS, day=MONDAY, e2e=inv.number, mandate="M-0001", purpose=f"Rechnung {inv.number}",
            ref="DD1"))
    assert reconcile.reconcile_open("auto").booked == 1
    assert Invoice.objects.get(pk=inv.pk).status == "paid"
    assert PaymentClaim.objects.get(id=f"direct-debit:{inv.pk}").status == "paid"
    return inv


def test_a_returned_direct_debit_reopens_the_invoice_and_books_the_fee(collected):
    inv = collected
    load(tx(-(GROSS + FEE), day=date(2026, 4, 2), e2e=inv.number, mandate="M-0001",
            purpose="RUECKLASTSCHRIFT", ref="RL1", gvc="109", returned=True),
         statement_id="2", opening=f"{D('1000.00') + GROSS:.2f}")
    back = BankTransaction.objects(is_return=True).get()
    assert back.is_return
    # 90 is below the account's 95: a person books it
    assert reconcile.reconcile_open("auto").booked == 0
    best = reconcile.proposals_for(back)[0]
    assert best.confidence == 90
    assert [(p.item.kind if p.item else p.account, p.amount) for p in best.parts] == \
        [("return", GROSS), ("4970", FEE)]
    reconcile.book(back.pk, reconcile.parts_to_allocations(best.parts), "fibu")
    reopened = Invoice.objects.get(pk=inv.pk)
    assert reopened.status == "issued" and reopened.paid_total == D("0.00")
    assert reopened.payments[0].returned_on == date(2026, 4, 2)
    booked = BankTransaction.objects.get(pk=back.pk)
    entries = [JournalEntry.objects.get(pk=a.entry_id) for a in booked.allocations]
    assert lines(entries[0]) == [("1200", D("0.00"), GROSS), ("1400", GROSS, D("0.00"))]
    assert lines(entries[1]) == [("1200", D("0.00"), FEE), ("4970", FEE, D("0.00"))]
    assert entries[0].date == date(2026, 4, 2)
    # the first collection came back: the invoice can be collected again, again as FRST
    assert SepaMandate.objects.get().first_collected_on is None
    [again] = direct_debit.proposals(date(2026, 4, 30))
    assert again.invoice_number == inv.number and again.item.sequence == "FRST"
    # the payment is taken back once: it is no longer offered to a return
    assert returnable_items(date(2026, 4, 3)) == []


def test_taking_back_is_repeat_safe_and_a_second_return_is_refused(collected):
    inv = collected
    original = BankTransaction.objects.get(status="booked")
    key = f"return:{original.pk}:0"
    for _ in range(2):  # a crash after posting: the same key finishes, posts nothing twice
        settle(key, amount=GROSS, day=date(2026, 4, 2), user="fibu", key="bank:x:0",
               bank_account="1200", reference="Auszug 2")
    assert JournalEntry.objects(text__startswith="Rücklastschrift").count() == 1
    assert Invoice.objects.get(pk=inv.pk).paid_total == D("0.00")
    with pytest.raises(BusinessRuleError, match="schon zurückgebucht"):
        settle(key, amount=GROSS, day=date(2026, 4, 3), user="fibu", key="bank:y:0",
               bank_account="1200", reference="Auszug 3")
    with pytest.raises(BusinessRuleError, match="passt nicht"):
        settle(key, amount=GROSS - D("0.01"), day=date(2026, 4, 3), user="fibu",
               key="bank:z:0", bank_account="1200", reference="Auszug 3")
    assert JournalEntry.objects(text__startswith="Rücklastschrift").count() == 1


def test_only_a_return_takes_back_and_only_up_to_the_paid_amount(collected):
    inv = collected
    # an ordinary debit quoting the same reference is not a return
    load(tx(-GROSS, day=date(2026, 4, 2), e2e=inv.number, purpose="Gutschrift", ref="X1"),
         statement_id="2", opening=f"{D('1000.00') + GROSS:.2f}")
    plain = BankTransaction.objects.get(amount=-GROSS)
    assert all(p.reason != "Rückbuchung der Zahlung mit gleicher Referenz"
               for p in reconcile.proposals_for(plain))
    # a return smaller than the payment does not take the payment back
    load(tx(-(GROSS - D("0.01")), day=date(2026, 4, 3), e2e=inv.number, ref="RL2", gvc="109",
            returned=True), statement_id="3", opening="1000.00")
    small = BankTransaction.objects.get(is_return=True)
    assert all(p.parts[0].item is None or p.parts[0].item.kind != "return"
               for p in reconcile.proposals_for(small))


def _paid_supplier_invoice():
    """The sample supplier invoice (10 × 12.50 + 19 % = 148.75) paid by a bank transfer."""
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
    assert inv.gross_total == D("148.75")
    load(tx(-inv.gross_total, day=date(2026, 12, 1), name="Großhandel Schäfer GmbH", iban=OTHER_IBAN,
            purpose=f"Rechnung {inv.number}", e2e="ZL-2026-00001-1", ref="S"))
    out = BankTransaction.objects.get()
    reconcile.book(out.pk, reconcile.parts_to_allocations(reconcile.proposals_for(out)[0].parts),
                   "fibu")
    assert SupplierInvoice.objects.get(pk=inv.pk).open_amount == D("0.00")
    return inv


def test_a_returned_supplier_transfer_reopens_the_payable(app, bank_account):
    from models.supplier_invoice import SupplierInvoice

    inv = _paid_supplier_invoice()
    amount = inv.gross_total
    # the payee's bank sends it back (account closed): a credit with the same reference
    load(tx(amount, day=date(2026, 12, 3), name="Großhandel Schäfer GmbH", iban=OTHER_IBAN,
            purpose="RETOURE AC04", e2e="ZL-2026-00001-1", ref="R", gvc="159", returned=True),
         statement_id="2", opening=f"{D('1000.00') - amount:.2f}")
    back = BankTransaction.objects.get(is_return=True)
    best = reconcile.proposals_for(back)[0]
    assert best.parts[0].item.kind == "return" and len(best.parts) == 1
    reconcile.book(back.pk, reconcile.parts_to_allocations(best.parts), "fibu")
    reopened = SupplierInvoice.objects.get(pk=inv.pk)
    assert reopened.open_amount == amount
    entry = JournalEntry.objects.get(pk=reopened.payments[0].return_entry_id)
    assert lines(entry) == [("1200", amount, D("0.00")), ("1600", D("0.00"), amount)]
    from services.banking.reconcile_items import all_open_items
    assert any(i.key == f"supplier_invoice:{inv.pk}" for i in all_open_items())


def test_a_returned_supplier_transfer_less_the_banks_fee_splits_the_fee_off(app, bank_account):
    """148.75 paid, 136.25 back (12.50 withheld): bank 136.25 + fees 12.50 = payable 148.75."""
    from models.supplier_invoice import SupplierInvoice

    inv = _paid_supplier_invoice()
    load(tx(D("136.25"), day=date(2026, 12, 3), name="Großhandel Schäfer GmbH", iban=OTHER_IBAN,
            purpose="RETOURE AC04 ENTGELT 12,50", e2e="ZL-2026-00001-1", ref="R", gvc="159",
            returned=True), statement_id="2", opening="851.25")
    back = BankTransaction.objects.get(is_return=True)
    best = reconcile.proposals_for(back)[0]
    assert best.text.startswith("Rückbuchung der Zahlung mit gleicher Referenz, abzüglich "
                                "Entgelt 12,50 €: Rückbuchung ")
    [part] = best.parts
    assert (part.item.kind, part.amount, part.discount) == ("return", D("136.25"), D("12.50"))
    reconcile.book(back.pk, reconcile.parts_to_allocations(best.parts), "fibu")
    reopened = SupplierInvoice.objects.get(pk=inv.pk)
    assert reopened.open_amount == D("148.75")          # the supplier is owed the whole amount
    entry = JournalEntry.objects.get(pk=reopened.payments[0].return_entry_id)
    assert lines(entry) == [("1200", D("136.25"), D("0.00")), ("1600", D("0.00"), D("148.75")),
                            ("4970", D("12.50"), D("0.00"))]
    assert BankTransaction.objects.get(pk=back.pk).status == "booked"


def test_a_fee_is_split_off_only_up_to_its_limit_and_only_from_a_returned_transfer(app, bank_account):
    _paid_supplier_invoice()
    # 50.01 less than the payment: no return of it (the limit is 50.00)
    load(tx(D("98.74"), day=date(2026, 12, 3), name="Großhandel Schäfer GmbH", iban=OTHER_IBAN,
            purpose="RETOURE", e2e="ZL-2026-00001-1", ref="R1", gvc="159", returned=True),
         statement_id="2", opening="851.25")
    far = BankTransaction.objects.get(is_return=True)
    assert all(p.parts[0].item is None or p.parts[0].item.kind != "return"
               for p in reconcile.proposals_for(far))
    # exactly 50.00 less: still the return, with the fee split off
    load(tx(D("98.75"), day=date(2026, 12, 4), name="Großhandel Schäfer GmbH", iban=OTHER_IBAN,
            purpose="RETOURE", e2e="ZL-2026-00001-1", ref="R2", gvc="159", returned=True),
         statement_id="3", opening="949.99")
    edge = BankTransaction.objects.get(bank_reference="R2")
    [part] = reconcile.proposals_for(edge)[0].parts
    assert (part.item.kind, part.discount) == ("return", D("50.00"))


def test_a_customer_payment_return_cannot_carry_a_withheld_fee(collected):
    inv = collected
    [item] = [i for i in returnable_items(today=date(2026, 4, 3)) if inv.number in i.references]
    with pytest.raises(BusinessRuleError, match="einbehaltenes Entgelt"):
        settle(item.key, amount=GROSS - FEE, discount=FEE, day=date(2026, 4, 3), user="fibu",
               key="bank:y:0", bank_account="1200", reference="Auszug 3")
    assert Invoice.objects.get(pk=inv.pk).status == "paid"
