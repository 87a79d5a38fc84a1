"""`backoffice bank import | reconcile | recover`: JSON keys, exit codes, kill -9 and re-run."""
import json
import os
import signal
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import mongoengine as me

from models.bank_account import BankAccount
from models.bank_statement import BankStatement, BankTransaction
from models.invoice import Invoice
from models.ledger import JournalEntry
from tests.services.banking.files import ACCOUNT_IBAN, camt, details_86, mt940, tx

REPO = Path(__file__).resolve().parent.parent.parent


def account():
    return BankAccount(name="Giro", iban=ACCOUNT_IBAN, ledger_account="1200").save()


def test_json_has_exactly_the_issue_keys_and_a_rerun_adds_nothing(runner, tmp_path):
    account()
    camt_file, sta_file = tmp_path / "a.xml", tmp_path / "b.sta"
    camt_file.write_bytes(camt([tx("10.00", ref="A"), tx("-2.50", ref="B")], statement_id="3"))
    sta_file.write_bytes(mt940([dict(number="4", opening="1007.50", day=date(2026, 3, 21), lines=[
        ("5.00", date(2026, 3, 21), details_86(purpose=("SVWZ+x",)))])]))
    result = runner.invoke(args=["bank", "import", str(camt_file), str(sta_file), "--json"])
    assert result.exit_code == 0, result.output
    objects = [json.loads(line) for line in result.output.splitlines()]
    assert objects == [
        {"account_iban": ACCOUNT_IBAN, "statement_id": "3", "opening_balance": "1000.00",
         "closing_balance": "1007.50", "transactions": 2, "credit_sum": "10.00",
         "debit_sum": "2.50", "new": 2, "duplicates": 0},
        {"account_iban": ACCOUNT_IBAN, "statement_id": "4/1", "opening_balance": "1007.50",
         "closing_balance": "1012.50", "transactions": 1, "credit_sum": "5.00",
         "debit_sum": "0.00", "new": 1, "duplicates": 0}]
    again = runner.invoke(args=["bank", "import", str(camt_file), "--json"])
    assert again.exit_code == 0 and json.loads(again.output)["duplicates"] == 2
    assert json.loads(again.output)["new"] == 0


def test_unknown_account_or_unreadable_file_exit_1_and_usage_exit_2(runner, tmp_path):
    foreign = tmp_path / "x.xml"
    foreign.write_bytes(camt([tx("1.00", ref="A")]))
    result = runner.invoke(args=["bank", "import", str(foreign)])
    assert result.exit_code == 1 and "kein angelegtes Bankkonto" in result.output
    broken = tmp_path / "y.csv"
    broken.write_bytes(b"foo;bar\r\n1;2\r\n")
    assert runner.invoke(args=["bank", "import", str(broken)]).exit_code == 1
    assert runner.invoke(args=["bank", "import"]).exit_code == 2
    assert runner.invoke(args=["bank", "import", str(tmp_path / "missing.xml")]).exit_code == 2
    assert BankTransaction.objects.count() == 0


def test_a_csv_without_its_account_is_imported_with_account(runner, tmp_path):
    from tests.services.banking.test_csv_profiles import DEUTSCHE_BANK

    account()
    export = tmp_path / "db.csv"
    export.write_bytes(DEUTSCHE_BANK.encode("cp1252"))
    refused = runner.invoke(args=["bank", "import", str(export), "--no-match"])
    assert refused.exit_code == 1 and "--account" in refused.output
    spaced = "DE89 3704 0044 0532 0130 00"
    result = runner.invoke(args=["bank", "import", str(export), "--json", "--no-match", "--account", spaced])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["account_iban"] == ACCOUNT_IBAN
    assert (json.loads(result.output)["new"], BankTransaction.objects.count()) == (2, 2)


IMPORT_KILL = """
import os, signal, sys
from services.banking import statements
statements.BATCH = 20
original, calls = statements._insert, []
def insert(docs):
    n = original(docs)
    calls.append(n)
    if len(calls) == 2:
        os.kill(os.getpid(), signal.SIGKILL)
    return n
statements._insert = insert
from flask.cli import main
sys.argv = ["flask", "--app", "app", "bank", "import", sys.argv[1], "--no-match"]
main()
"""

RECONCILE_KILL = """
import os, signal, sys
from services.banking import reconcile
original = reconcile.settle
def settle(*args, **kwargs):
    entry = original(*args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)  # posted, but the transaction does not know yet
reconcile.settle = settle
from flask.cli import main
sys.argv = ["flask", "--app", "app", "bank", "reconcile"]
main()
"""


def _child(app, tmp_path, code, *args):
    env = {**os.environ, "BACKOFFICE_ENV": "development", "SECRET_KEY": "x" * 32,
           "MONGODB_URI": app.config["MONGODB_EFFECTIVE_URI"], "MONGODB_DB": me.get_db().name,
           "BACKOFFICE_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-c", code, *args], cwd=REPO, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=240)


def test_import_killed_half_way_is_completed_by_a_rerun(app, runner, tmp_path):
    account()
    data = tmp_path / "big.xml"
    data.write_bytes(camt([tx(f"{i}.00", purpose=f"Zahlung {i}") for i in range(1, 101)]))
    child = _child(app, tmp_path, IMPORT_KILL, str(data))
    assert child.returncode == -signal.SIGKILL, child.stderr[-2000:]
    assert BankTransaction.objects.count() == 40  # two batches of 20, then the kill
    assert not BankStatement.objects.get().complete
    result = runner.invoke(args=["bank", "import", str(data), "--json", "--no-match"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["new"] == 60 and json.loads(result.output)["duplicates"] == 40
    assert BankTransaction.objects.count() == 100 and BankStatement.objects.get().complete


def test_reconcile_killed_after_posting_is_finished_once_by_the_next_run(app, runner, tmp_path):
    from services.invoicing import issuing
    from tests.factories import make_company, make_invoice

    make_company()
    inv = issuing.issue_invoice(make_invoice(), "fibu")
    account().update(auto_book_from=95)
    data = tmp_path / "a.xml"
    data.write_bytes(camt([tx(inv.gross_total, purpose=inv.number, ref="A")]))
    assert runner.invoke(args=["bank", "import", str(data), "--no-match"]).exit_code == 0
    child = _child(app, tmp_path, RECONCILE_KILL)
    assert child.returncode == -signal.SIGKILL, child.stderr[-2000:]
    assert BankTransaction.objects.get().status == "booking"
    assert Invoice.objects.get(pk=inv.pk).paid_total == inv.gross_total  # posted before the kill
    result = runner.invoke(args=["bank", "reconcile"])
    assert result.exit_code == 0, result.output
    t = BankTransaction.objects.get()
    assert t.status == "booked" and t.allocations[0].entry_id is not None
    assert len(Invoice.objects.get(pk=inv.pk).payments) == 1
    assert JournalEntry.objects(source="payment").count() == 1
