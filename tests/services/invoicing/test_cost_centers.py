"""Cost centres of customer invoices: per line, else the invoice's, onto the revenue lines.

Hand figures: 3 × 95.00 (19 %, line centre 100) = 285.00; 1 × 33.33 (19 %, no line
centre: the invoice's 200) = 33.33; 3 × 3.335 (19 %, centre 200) = 10.005 -> 10.01;
2 × 24.90 (7 %, centre 100) = 49.80. 19 %: net 328.34, VAT 62.3846 -> 62.38, of which
centre 100 takes 285.00 and centre 200 43.34; 7 %: 49.80 net, 3.486 -> 3.49 VAT.
Gross 328.34 + 62.38 + 49.80 + 3.49 = 444.01.
"""
from datetime import date
from decimal import Decimal as D

import pytest

from models.cost_center import CostCenter
from models.invoice import Invoice
from models.ledger import Account, JournalEntry
from services.core.errors import BusinessRuleError
from services.invoicing import issuing as invoicing
from services.ledger.balances import account_balances
from tests.factories import make_company, make_invoice
from tests.services.test_vat_categories import L


@pytest.fixture
def centres(app):
    make_company()
    CostCenter(code="100", name="Vertrieb").save()
    CostCenter(code="200", name="Service").save()
    CostCenter(code="900", name="Alt", active=False).save()


def _mixed(**kw):
    return make_invoice([L("3", "95.00", "19", cost_center="100"), L("1", "33.33", "19"),
                         L("3", "3.335", "19", cost_center="200"),
                         L("2", "24.90", "7", cost_center="100")], cost_center="200", **kw)


def _lines(entry):
    return sorted((ln.account, ln.debit, ln.credit, ln.cost_center or "")
                  for ln in entry.lines)


def test_revenue_lines_carry_the_line_or_the_invoice_cost_center(centres):
    inv = invoicing.issue_invoice(_mixed(), "fibu")
    entry = JournalEntry.objects.get(pk=inv.journal_entry)
    receivable = [ln for ln in entry.lines if ln.debit]
    assert len(receivable) == 1 and receivable[0].debit == D("444.01") == inv.gross_total
    assert not receivable[0].cost_center
    assert [ln for ln in _lines(entry) if ln[2]] == [
        ("1771", D("0.00"), D("3.49"), ""), ("1776", D("0.00"), D("62.38"), ""),
        ("8300", D("0.00"), D("49.80"), "100"),
        ("8400", D("0.00"), D("43.34"), "200"), ("8400", D("0.00"), D("285.00"), "100")]
    # the period balances per cost centre see the split (budgets read them)
    assert account_balances(2026, 3, 3, cost_center="100")["8400"] == (D("0.00"), D("285.00"))
    assert account_balances(2026, 3, 3, cost_center="200")["8400"] == (D("0.00"), D("43.34"))
    assert account_balances(2026, 3, 3)["8400"] == (D("0.00"), D("328.34"))


def test_without_cost_centers_one_revenue_line_per_rate_as_before(centres):
    inv = invoicing.issue_invoice(make_invoice(), "fibu")
    entry = JournalEntry.objects.get(pk=inv.journal_entry)
    assert [ln for ln in _lines(entry) if ln[2]] == [
        ("1771", D("0.00"), D("3.49"), ""), ("1776", D("0.00"), D("54.15"), ""),
        ("8300", D("0.00"), D("49.80"), ""), ("8400", D("0.00"), D("285.00"), "")]


def test_cancellation_reverses_with_the_cost_centers(centres):
    inv = invoicing.issue_invoice(_mixed(), "fibu")
    invoicing.cancel_invoice(inv, "fibu", today=date(2026, 3, 20))
    original = JournalEntry.objects.get(pk=inv.journal_entry)
    reversal = JournalEntry.objects.get(pk=original.reversed_by)
    assert _lines(reversal) == sorted((a, c, d, cc) for a, d, c, cc in _lines(original))
    assert account_balances(2026, 3, 3, cost_center="100")["8400"] == \
        (D("285.00"), D("285.00"))


@pytest.mark.parametrize("line_centre, invoice_centre, code", [
    ("777", None, "777"), (None, "777", "777"), ("900", "100", "900"), (None, "900", "900")])
def test_unknown_or_inactive_cost_center_is_refused_before_a_number(
        centres, line_centre, invoice_centre, code):
    inv = make_invoice([L("1", "10.00", "19", cost_center=line_centre)],
                       cost_center=invoice_centre)
    with pytest.raises(BusinessRuleError, match=f"Kostenstelle {code} gibt es nicht"):
        invoicing.issue_invoice(inv, "fibu")
    stored = Invoice.objects.get(pk=inv.pk)
    assert (stored.status, stored.number) == ("draft", None)
    assert JournalEntry.objects.count() == 0


def test_revenue_account_that_requires_a_cost_center(centres):
    Account.objects(number="8400").update(set__cost_center_required=True)
    bare = make_invoice([L("1", "10.00", "19", cost_center="100"), L("1", "5.00", "19"),
                         L("1", "7.00", "7")])
    with pytest.raises(BusinessRuleError, match="Erlöskonto 8400 verlangt eine Kostenstelle"):
        invoicing.issue_invoice(bare, "fibu")
    assert Invoice.objects.get(pk=bare.pk).number is None
    # the 7 % line's account 8300 does not require one: the invoice's centre is enough
    Invoice.objects(pk=bare.pk).update(set__cost_center="200")
    done = invoicing.issue_invoice(Invoice.objects.get(pk=bare.pk), "fibu")
    entry = JournalEntry.objects.get(pk=done.journal_entry)
    assert [ln for ln in _lines(entry) if ln[0] in ("8300", "8400")] == [
        ("8300", D("0.00"), D("7.00"), "200"),
        ("8400", D("0.00"), D("5.00"), "200"), ("8400", D("0.00"), D("10.00"), "100")]
