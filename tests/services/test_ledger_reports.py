"""Trial balance and account ledger from posted entries."""
from datetime import date
from decimal import Decimal

import pytest

from services.ledger import posting
from services.ledger.reports import account_ledger, trial_balance
from tests.factories import make_entry


def _post(day, debit_acc, credit_acc, amount, text="Buchung"):
    return posting.post_new_entry(date=day, text=text, source="manual", user="u", lines=[
        {"account": debit_acc, "debit": Decimal(amount)},
        {"account": credit_acc, "credit": Decimal(amount)}])


@pytest.fixture
def books(app):
    _post(date(2026, 1, 1), "1200", "0800", "10000.00", "Eröffnung")
    _post(date(2026, 2, 3), "4930", "1200", "119.00", "Büromaterial")
    _post(date(2026, 3, 5), "1200", "8400", "500.00", "Erlös")
    _post(date(2026, 3, 9), "4210", "1200", "1500.00", "Miete")
    _post(date(2027, 1, 2), "4210", "1200", "1.00")
    make_entry("999.00", date=date(2026, 3, 10))  # a draft never counts


def test_trial_balance_balances_and_splits_opening_from_period(books):
    report = trial_balance(2026, date(2026, 3, 1), date(2026, 3, 31))
    rows = {row.account: row for row in report.rows}
    assert rows["1200"].opening == Decimal("9881.00")
    assert rows["1200"].debit == Decimal("500.00") and rows["1200"].credit == Decimal("1500.00")
    assert rows["1200"].closing == Decimal("8881.00")
    assert rows["0800"].opening == Decimal("-10000.00") and rows["0800"].debit == 0
    assert rows["4210"].closing == Decimal("1500.00") and rows["4210"].name == "Miete"
    assert "4930" in rows and rows["4930"].debit == 0
    assert report.total("debit") == report.total("credit") == Decimal("2000.00")
    assert report.balanced


def test_whole_year_trial_balance(books):
    report = trial_balance(2026)
    assert report.total("debit") == Decimal("12119.00") and report.balanced
    assert all(row.opening == 0 for row in report.rows)


def test_account_ledger_has_a_running_balance(books):
    ledger = account_ledger("1200", 2026, date(2026, 2, 1), date(2026, 12, 31))
    assert ledger.opening == Decimal("10000.00")
    assert [(r.number, r.debit, r.credit, r.balance) for r in ledger.rows] == [
        (2, 0, Decimal("119.00"), Decimal("9881.00")),
        (3, Decimal("500.00"), 0, Decimal("10381.00")),
        (4, 0, Decimal("1500.00"), Decimal("8881.00"))]
    assert ledger.rows[0].contra == "4930" and ledger.closing == Decimal("8881.00")


def test_period_outside_the_year_is_refused(app):
    with pytest.raises(ValueError, match="within 2026"):
        trial_balance(2026, date(2025, 12, 1), date(2026, 1, 31))
