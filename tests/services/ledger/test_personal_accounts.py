"""Personal accounts: numbering (also under concurrency), range, cut-over, collective sums."""
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import pytest

from models.company import Company
from models.customer import Customer
from models.ledger import Account, JournalEntry
from services.core.errors import BusinessRuleError
from services.invoicing.issuing import issue_invoice, record_payment
from services.ledger.personal_accounts import (assign_personal_account, collective_of,
                                               fold_into_collectives)
from tests.factories import make_company, make_customer, make_invoice, make_supplier


def test_numbers_start_at_the_range_and_a_repeat_keeps_the_number(app):
    with app.app_context():
        first, second = make_customer(), make_customer()
        supplier = make_supplier()
        assert assign_personal_account(first) == "10000"
        assert assign_personal_account(second) == "10001"
        assert assign_personal_account(Customer.objects.get(pk=first.pk)) == "10000"
        assert assign_personal_account(supplier) == "70000"
        assert Account.objects.get(number="10000").name == first.name
        assert Account.objects.get(number="70000").type == "liability"


def test_parallel_assignment_gives_each_party_one_number_without_gaps(app):
    with app.app_context():
        parties = [make_customer(name=f"Kunde {i}") for i in range(12)]
        ids = [p.pk for p in parties] * 2  # every party claimed twice at the same time

        def claim(pk):
            return pk, assign_personal_account(Customer.objects.get(pk=pk))

        with ThreadPoolExecutor(max_workers=6) as pool:
            results = list(pool.map(claim, ids, timeout=120))
        by_party = {}
        for pk, number in results:
            by_party.setdefault(pk, set()).add(number)
        assert all(len(numbers) == 1 for numbers in by_party.values())
        numbers = sorted(int(n.pop()) for n in by_party.values())
        assert numbers == list(range(10000, 10012))
        stored = sorted(int(c.account_no) for c in Customer.objects(account_no__ne=None))
        assert stored == numbers
        assert Account.objects(number__in=[str(n) for n in numbers]).count() == 12


def test_configured_range_and_its_end(app):
    with app.app_context():
        make_company(debtor_from=20000, debtor_to=20001)
        a, b, c = make_customer(), make_customer(), make_customer()
        assert [assign_personal_account(x) for x in (a, b)] == ["20000", "20001"]
        with pytest.raises(BusinessRuleError, match="ausgeschöpft"):
            assign_personal_account(c)
        assert Customer.objects.get(pk=c.pk).account_no is None


def test_overlapping_ranges_are_refused(app):
    import mongoengine as me

    with app.app_context():
        with pytest.raises(me.ValidationError):
            make_company(debtor_from=10000, debtor_to=70000)
        make_company(debtor_from=10000, debtor_to=69999, creditor_from=70000)


def _receivable_lines(entry_id):
    entry = JournalEntry.objects.get(pk=entry_id)
    return [(ln.account, ln.debit, ln.credit) for ln in entry.lines
            if ln.account in ("1400",) or ln.account.startswith("1000")]


def test_invoices_before_the_cut_over_stay_on_1400_with_their_payments(app):
    with app.app_context():
        make_company(personal_accounts_from=date(2026, 4, 1))
        customer = make_customer()
        old = issue_invoice(make_invoice(customer=customer, issue_date=date(2026, 3, 31)),
                            "finance", today=date(2026, 3, 31))
        new = issue_invoice(make_invoice(customer=customer, issue_date=date(2026, 4, 1)),
                            "finance", today=date(2026, 4, 1))
        assert _receivable_lines(old.journal_entry) == [("1400", Decimal("392.44"), 0)]
        assert _receivable_lines(new.journal_entry) == [("10000", Decimal("392.44"), 0)]
        # a payment after the cut-over of the old invoice still credits 1400
        paid_old = record_payment(old, amount=Decimal("392.44"), day=date(2026, 4, 10),
                                  user="finance", key="b1")
        paid_new = record_payment(new, amount=Decimal("92.44"), day=date(2026, 4, 10),
                                  user="finance", key="b2")
        assert _receivable_lines(paid_old.payments[0].entry_id) == [
            ("1400", 0, Decimal("392.44"))]
        assert _receivable_lines(paid_new.payments[0].entry_id) == [
            ("10000", 0, Decimal("92.44"))]


def test_without_a_cut_over_date_everything_stays_on_the_collective_account(app):
    with app.app_context():
        make_company()
        inv = issue_invoice(make_invoice(), "finance", today=date(2026, 3, 15))
        assert _receivable_lines(inv.journal_entry) == [("1400", Decimal("392.44"), 0)]
        assert Customer.objects.get(pk=inv.customer.pk).account_no is None


def test_personal_accounts_fold_into_their_collective_accounts(app):
    with app.app_context():
        make_company(creditor_from=80000, creditor_to=89999)
        assert [collective_of(n) for n in ("10000", "69999", "70000", "80000", "89999",
                                           "90000", "1400", "8400")] == \
            ["1400", "1400", None, "1600", "1600", None, None, None]
        assert fold_into_collectives({"10000": 5, "1400": 3, "10001": 2, "80000": -4,
                                      "8400": -6}) == {"1400": 10, "1600": -4, "8400": -6}
        Company.objects(key="company").update_one(set__debtor_to=10000)
        assert collective_of("10001") is None
