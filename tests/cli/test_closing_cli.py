"""`ledger import-opening | carry-forward | report | ustva | book-vat` and balances in verify."""
from datetime import date
from decimal import Decimal

from models.balance import PeriodBalance
from services.ledger import posting
from services.ledger.balances import account_balances


def test_opening_csv_carry_forward_report_and_vat(runner, tmp_path):
    csv_file = tmp_path / "eb.csv"
    csv_file.write_bytes("Konto;Saldo\r\n1200;5.000,00\r\n0800;-5.000,00\r\n"
                         .encode("cp1252"))
    result = runner.invoke(args=["ledger", "import-opening", "2026", str(csv_file)])
    assert result.exit_code == 0 and "posted as #1" in result.output, result.output
    assert account_balances(2026, 0, 0) == {"0800": (Decimal("0.00"), Decimal("5000.00")),
                                            "1200": (Decimal("5000.00"), Decimal("0.00"))}
    posting.post_new_entry(date=date(2026, 2, 3), text="Erlös", source="manual", user="u",
                           lines=[{"account": "1200", "debit": Decimal("119.00")},
                                  {"account": "8400", "credit": Decimal("100.00"),
                                   "tax_key": "USt19"},
                                  {"account": "1776", "credit": Decimal("19.00"),
                                   "tax_key": "USt19"}])
    result = runner.invoke(args=["ledger", "ustva", "2026", "2"])
    assert "Kz81" in result.output and "Kz83           19.00" in result.output, result.output
    result = runner.invoke(args=["ledger", "report", "guv", "2026"])
    assert "Umsatzerlöse" in result.output and "100.00" in result.output
    assert runner.invoke(args=["ledger", "report", "bwa", "2026", "2"]).exit_code == 0
    result = runner.invoke(args=["ledger", "book-vat", "2026", "2"])
    assert "booked as #3" in result.output, result.output
    assert "nothing left" in runner.invoke(args=["ledger", "book-vat", "2026", "2"]).output
    result = runner.invoke(args=["ledger", "carry-forward", "2026"])
    assert "carried forward as #1 in 2027" in result.output, result.output
    assert "nothing to post" in runner.invoke(args=["ledger", "carry-forward", "2026"]).output
    assert runner.invoke(args=["ledger", "ustva", "2026", "Q9"]).exit_code == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("1200;viel\n")
    result = runner.invoke(args=["ledger", "import-opening", "2026", str(bad)])
    assert result.exit_code == 1 and "1200" in result.output


def test_verify_names_a_balance_that_differs(runner):
    posting.post_new_entry(date=date(2026, 4, 1), text="Kasse", source="manual", user="u",
                           lines=[{"account": "1000", "debit": Decimal("10.00")},
                                  {"account": "8400", "credit": Decimal("10.00")}])
    assert runner.invoke(args=["ledger", "verify"]).exit_code == 0
    PeriodBalance._get_collection().update_one({"_id": "2026:04:1000::"},
                                               {"$inc": {"debit": 5}})
    result = runner.invoke(args=["ledger", "verify", "2026"])
    assert result.exit_code == 1
    assert "BROKEN 2026: account 1000 month 04/2026: stored S 10.05" in result.output
