"""The bank's own charges: GVC 805/808 without a counterparty go to Nebenkosten des Geldverkehrs.

SKR03 4970 / SKR04 6855 ("Nebenkosten des Geldverkehrs" in both charts' seed files).
Proposed at 80 %: booked automatically only where the account's threshold allows it,
otherwise the clerk confirms the proposal.
"""
from datetime import date
from decimal import Decimal as D

from models.bank_statement import BankTransaction
from models.ledger import JournalEntry
from services.banking import reconcile
from services.banking.statements import import_file
from tests.services.banking.files import CUSTOMER_IBAN, camt, tx


def load(*txs):
    import_file(camt(list(txs)), "fees.xml", "fibu")


def fee_proposals(t):
    return [p for p in reconcile.proposals_for(t) if p.reason.startswith("Entgelt der Bank")]


def test_charges_are_proposed_at_80_and_booked_from_that_threshold(app, bank_account):
    load(tx(D("-12.90"), name="", iban="", purpose="Kontoführung 03/2026", gvc="805", ref="F1"),
         tx(D("-2.50"), name="", iban="", purpose="Entgelt Auslandsüberweisung", gvc="808",
            ref="F2"))
    for t in BankTransaction.objects:
        [p] = fee_proposals(t)
        assert p.confidence == 80 and p.parts[0].account == "4970"
    bank_account.update(auto_book_from=81)
    assert reconcile.reconcile_open("auto").booked == 0          # 80 < 81: the clerk confirms
    bank_account.update(auto_book_from=80)
    assert reconcile.reconcile_open("auto").booked == 2
    lines = sorted((ln.account, ln.debit, ln.credit) for e in JournalEntry.objects(source="payment")
                   for ln in e.lines)
    assert lines == [("1200", D("0.00"), D("2.50")), ("1200", D("0.00"), D("12.90")),
                     ("4970", D("2.50"), D("0.00")), ("4970", D("12.90"), D("0.00"))]


def test_not_a_charge_credits_other_codes_or_a_counterparty(app, bank_account):
    load(tx(D("12.90"), name="", iban="", purpose="Erstattung Entgelt", gvc="805", ref="C1"),
         tx(D("-12.90"), name="", iban="", purpose="Überweisung", gvc="116", ref="C2"),
         tx(D("-12.90"), purpose="Kontoführung", iban=CUSTOMER_IBAN, gvc="805", ref="C3"))
    assert all(fee_proposals(t) == [] for t in BankTransaction.objects)
