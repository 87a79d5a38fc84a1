"""Importing statements: once per transaction, balances and gaps shown, batches, returns."""
import subprocess
import sys
import threading
from datetime import date
from decimal import Decimal

import mongoengine as me
import pytest

from models.bank_account import BankAccount
from models.bank_statement import BankStatement, BankTransaction
from services.banking.statements import import_file
from tests.services.banking.files import ACCOUNT_IBAN, OTHER_IBAN, camt, details_86, mt940, tx

D = Decimal


def test_bank_account_validates_iban_and_derives_the_bic(app):
    account = BankAccount(name="Giro", iban="de89 3704 0044 0532 0130 00", ledger_account="1200").save()
    assert account.iban == ACCOUNT_IBAN and account.bic == "COBADEFFXXX"
    with pytest.raises(me.ValidationError, match="IBAN"):
        BankAccount(name="X", iban="DE89370400440532013001", ledger_account="1200").save()
    with pytest.raises(me.ValidationError, match="BIC"):
        BankAccount(name="Y", iban=OTHER_IBAN, bic="NOTABIC", ledger_account="1200").save()
    with pytest.raises(me.ValidationError, match="9999"):
        BankAccount(name="Z", iban=OTHER_IBAN, ledger_account="9999").save()


def test_reimport_and_overlapping_statement_add_nothing(app, bank_account):
    first = camt([tx("10.00", ref="A"), tx("20.00", purpose="ohne Referenz")], statement_id="1")
    [r] = import_file(first, "a.xml", "fibu")
    assert (r.transactions, r.new, r.duplicates) == (2, 2, 0)
    assert r.as_json() == {"account_iban": ACCOUNT_IBAN, "statement_id": "1",
                           "opening_balance": "1000.00", "closing_balance": "1030.00",
                           "transactions": 2, "credit_sum": "30.00", "debit_sum": "0.00",
                           "new": 2, "duplicates": 0}
    [again] = import_file(first, "a.xml", "fibu")
    assert (again.new, again.duplicates) == (0, 2)
    # an intraday report that overlaps: the same two plus one new
    overlap = camt([tx("10.00", ref="A"), tx("20.00", purpose="ohne Referenz"),
                    tx("5.00", ref="C")], kind="052", statement_id="9")
    [r3] = import_file(overlap, "b.xml", "fibu")
    assert (r3.new, r3.duplicates) == (1, 2)
    assert BankTransaction.objects.count() == 3 and BankStatement.objects.count() == 2


def test_two_genuine_look_alikes_stay_two_but_once_each(app, bank_account):
    same = [tx("50.00", purpose="Miete"), tx("50.00", purpose="Miete")]
    [r] = import_file(camt(same), "a.xml", "fibu")
    assert r.new == 2
    [r] = import_file(camt(same), "a.xml", "fibu")
    assert r.new == 0 and BankTransaction.objects.count() == 2
    # a later statement with one more such payment on the same day adds exactly one
    [r] = import_file(camt(same + [tx("50.00", purpose="Miete")], statement_id="2",
                           kind="052"), "b.xml", "fibu")
    assert (r.new, r.duplicates) == (1, 2)


def test_balance_mismatch_and_gap_are_reported(app, bank_account):
    [r1] = import_file(camt([tx("10.00", ref="A")], statement_id="1", opening="100.00",
                            start=date(2026, 3, 19), end=date(2026, 3, 19)), "1.xml", "fibu")
    assert r1.problems == []
    [r2] = import_file(camt([tx("5.00", ref="B")], statement_id="3", opening="150.00",
                            start=date(2026, 3, 21), end=date(2026, 3, 21)), "3.xml", "fibu")
    assert r2.problems == ["Lücke vor Auszug 3: der vorige Auszug 1 vom 19.03.2026 endet mit "
                           "110,00 €, dieser beginnt mit 150,00 €"]
    [r3] = import_file(camt([tx("5.00", ref="C")], statement_id="4", opening="155.00",
                            closing="161.00", start=date(2026, 3, 22), end=date(2026, 3, 22)),
                       "4.xml", "fibu")
    assert any("Differenz 1,00 €" in p for p in r3.problems)
    stored = BankStatement.objects.get(statement_id="4")
    assert not stored.balance_ok and stored.problems == r3.problems
    assert BankStatement.objects.get(statement_id="1").balance_ok


def test_unknown_account_is_rejected_and_nothing_stored(app):
    [r] = import_file(camt([tx("10.00", ref="A")]), "a.xml", "fibu")
    assert "kein angelegtes Bankkonto" in r.rejected
    assert BankTransaction.objects.count() == 0 and BankStatement.objects.count() == 0


def test_batch_without_details_is_settled_by_its_camt054_details(app, bank_account):
    [r] = import_file(camt([tx("-50.00", ref="PAY-1", batch_count=2)]), "053.xml", "fibu")
    parent = BankTransaction.objects.get()
    assert parent.batch_count == 2 and parent.status == "open"
    details = camt([tx("-50.00", ref="PAY-1", batch=[tx("-20.00"), tx("-30.00")])], kind="054")
    [r054] = import_file(details, "054.xml", "fibu")
    assert r054.new == 2
    assert sorted(t.amount for t in BankTransaction.objects(batch_count=None)) == [
        D("-30.00"), D("-20.00")]
    parent.reload()
    assert parent.status == "ignored" and "aufgeteilt" in parent.proposal
    # the other order: details first, then the statement with the batch entry
    import_file(camt([tx("-9.00", ref="PAY-2", batch=[tx("-4.00"), tx("-5.00")])], kind="054"),
                "054b.xml", "fibu")
    import_file(camt([tx("-9.00", ref="PAY-2", batch_count=2)], statement_id="2"), "b.xml", "fibu")
    assert BankTransaction.objects.get(batch_count=2, batch_reference="PAY-2").status == "ignored"


def test_mt940_import_and_returns_are_marked(app, bank_account):
    data = mt940([dict(number="1", lines=[
        ("-119.00", date(2026, 3, 20), details_86("109", posting="RUECKLASTSCHRIFT",
                                                  purpose=("SVWZ+RE-2026-00001",))),
        ("-119.00", date(2026, 3, 20), details_86("109", posting="RUECKLASTSCHRIFT",
                                                  purpose=("SVWZ+RE-2026-00001",)))])])
    [r] = import_file(data, "a.sta", "fibu")
    assert r.new == 2 and all(t.is_return for t in BankTransaction.objects)
    assert import_file(data, "a.sta", "fibu")[0].new == 0


def test_two_concurrent_imports_of_one_file_store_it_once(app, bank_account):
    data = camt([tx(f"{i}.00", purpose=f"Zahlung {i}") for i in range(1, 41)])
    errors = []

    def run():
        try:
            import_file(data, "a.xml", "fibu")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors and not any(t.is_alive() for t in threads)
    assert BankTransaction.objects.count() == 40 and BankStatement.objects.count() == 1
