"""Period balances: exactly once per posted entry, through crashes, repeats and parallel posters.

The expected balances are stated by hand for the small cases and, after crashes, taken
from `recompute` (the sum of the journal lines) -- the balances must equal it at every step.
"""
import textwrap
import threading
from datetime import date
from decimal import Decimal as D

import pytest

from models.balance import BalanceHead, PeriodBalance
from models.ledger import JournalEntry
from services.ledger import balances, posting
from tests.kill9 import run_and_kill


def post(day, debit_acc, credit_acc, amount, **kw):
    lines = [{"account": debit_acc, "debit": D(amount)},
             {"account": credit_acc, "credit": D(amount)}]
    return posting.post_new_entry(date=day, text="Buchung", source=kw.pop("source", "manual"),
                                  user="u", lines=lines, **kw)


def stored(year):
    return {doc["_id"]: (doc["debit"], doc["credit"])
            for doc in PeriodBalance._get_collection().find({"year": year})}


def test_balances_by_hand_per_month_and_opening(app):
    post(date(2026, 1, 1), "1200", "0800", "10000.00", source="opening")
    post(date(2026, 1, 15), "4930", "1200", "119.00")
    post(date(2026, 3, 5), "1200", "8400", "500.00")
    post(date(2026, 3, 9), "4210", "1200", "1500.00")
    assert balances.account_balances(2026, 1, 12)["1200"] == (D("500.00"), D("1619.00"))
    assert balances.account_balances(2026, 0, 12)["1200"] == (D("10500.00"), D("1619.00"))
    assert balances.account_balances(2026, 0, 0) == {"0800": (D("0.00"), D("10000.00")),
                                                     "1200": (D("10000.00"), D("0.00"))}
    assert balances.account_balances(2026, 2, 2) == {}
    assert balances.account_balances(2026, 3, 3)["4210"] == (D("1500.00"), D("0.00"))
    by_month = balances.balances_by_month(2026, ["1200"])
    assert by_month == {"1200": {0: (D("10000.00"), D("0.00")), 1: (D("0.00"), D("119.00")),
                                 3: (D("500.00"), D("1500.00"))}}
    assert BalanceHead.objects.get(year=2026).applied == 4
    assert balances.verify_balances(2026).ok


def test_two_lines_on_one_account_and_cost_centres_split(app):
    from models.cost_center import CostCenter

    CostCenter(code="100", name="Vertrieb").save()
    CostCenter(code="200", name="Verwaltung").save()
    posting.post_new_entry(date=date(2026, 2, 1), text="Miete", source="manual", user="u", lines=[
        {"account": "4210", "debit": D("600.00"), "cost_center": "100"},
        {"account": "4210", "debit": D("400.00"), "cost_center": "200"},
        {"account": "4210", "debit": D("50.00"), "cost_center": "200"},
        {"account": "1200", "credit": D("1050.00")}])
    assert balances.account_balances(2026, 2, 2)["4210"] == (D("1050.00"), D("0.00"))
    assert balances.account_balances(2026, 1, 12, cost_center="200") == \
        {"4210": (D("450.00"), D("0.00"))}
    assert balances.account_balances(2026, 1, 12, cost_center="") == \
        {"1200": (D("0.00"), D("1050.00"))}
    assert balances.verify_balances(2026).ok


def test_reversal_adds_the_mirror_and_nets_to_zero(app):
    entry = post(date(2026, 4, 2), "4930", "1200", "80.00")
    posting.reverse_entry(entry, "u", date=date(2026, 4, 3))
    debit, credit = balances.account_balances(2026, 4, 4)["4930"]
    assert (debit, credit) == (D("80.00"), D("80.00"))
    assert balances.verify_balances(2026).ok


def test_repeating_an_apply_never_counts_twice(app):
    entry = post(date(2026, 5, 2), "4930", "1200", "10.00")
    slot = posting._slots().find_one({"entry_id": entry.pk})
    before = stored(2026)
    balances.apply_entry(2026, 1, slot["doc"])       # a crashed completer repeats it
    balances.apply_through(2026, 1, slot)
    posting.recover_pending()
    assert stored(2026) == before
    assert balances.verify_balances(2026).ok


def test_verify_names_the_account_month_that_differs(app):
    post(date(2026, 6, 2), "4930", "1200", "10.00")
    post(date(2026, 7, 2), "4930", "1200", "20.00")
    PeriodBalance._get_collection().update_one({"_id": "2026:07:4930::"},
                                               {"$inc": {"debit": 1}})
    check = balances.verify_balances(2026)
    assert not check.ok and len(check.differences) == 1
    assert "account 4930 month 07/2026" in check.message
    assert "stored S 20.01 H 0.00, lines S 20.00 H 0.00" in check.message


def test_books_from_before_the_balances_are_filled_by_recover(app):
    post(date(2026, 1, 2), "4930", "1200", "10.00")
    post(date(2026, 2, 2), "4930", "1200", "20.00")
    PeriodBalance.drop_collection()
    BalanceHead.drop_collection()  # as if posted by a release without balances
    assert not balances.verify_balances(2026).ok
    posting.recover_pending()
    assert balances.verify_balances(2026).ok
    assert balances.account_balances(2026)["4930"] == (D("30.00"), D("0.00"))


def test_next_posting_fills_balances_a_crash_left_behind(app):
    post(date(2026, 1, 2), "4930", "1200", "10.00")
    PeriodBalance.drop_collection()
    BalanceHead.drop_collection()
    post(date(2026, 1, 3), "4930", "1200", "5.00")  # applies 1 first, then 2, in order
    assert balances.account_balances(2026)["4930"] == (D("15.00"), D("0.00"))
    assert balances.verify_balances(2026).ok


def test_two_concurrent_posters_keep_balances_exact(app):
    errors = []

    def worker(n):
        try:
            for i in range(5):
                post(date(2026, 1 + (n + i) % 12, 1), "4930", "1200", f"{n}.{i:02d}")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
        assert not t.is_alive()
    assert not errors
    expected = sum(D(f"{n}.{i:02d}") for n in (1, 2) for i in range(5))
    assert balances.account_balances(2026)["4930"] == (expected, D("0.00"))
    assert BalanceHead.objects.get(year=2026).applied == 10
    assert balances.verify_balances(2026).ok


# ---------------------------------------------------------------- kill -9 between steps

# The action of the child: one posting of three lines (killed somewhere inside).
ACTION = textwrap.dedent("""
    from datetime import date
    from decimal import Decimal
    from services.ledger import posting
    posting.post_new_entry(date=date(2026, 3, 4), text="Miete", source="manual", user="k",
        idempotency_key="kill-me", lines=[
            {"account": "4210", "debit": Decimal("1000.00")},
            {"account": "1576", "debit": Decimal("190.00"), "tax_key": "VSt19"},
            {"account": "1200", "credit": Decimal("1190.00")}])
""")

# After: the entry written; each of its three balance documents; the balance head moved;
# the chain hint moved (the whole posting done, process killed before returning).
KILL_POINTS = [("services.ledger.posting", "_write_entry", 1),
               ("services.ledger.balances", "_add", 1),
               ("services.ledger.balances", "_add", 2),
               ("services.ledger.balances", "_add", 3),
               ("services.ledger.balances", "_advance", 1),
               ("services.ledger.posting", "_complete", 1)]




def expected_after_both():
    return {"4210": (D("1000.00"), D("0.00")), "1576": (D("190.00"), D("0.00")),
            "1200": (D("0.00"), D("1190.00")), "4930": (D("7.00"), D("0.00")),
            "1000": (D("0.00"), D("7.00"))}


@pytest.mark.parametrize("module,name,nth", KILL_POINTS)
@pytest.mark.parametrize("finish", ["recover", "next_posting", "repeat"])
def test_killed_between_steps_then_balances_equal_the_lines(app, module, name, nth, finish):
    post(date(2026, 1, 5), "4930", "1000", "7.00")
    run_and_kill(app, module, name, ACTION, nth, timeout=120)
    # Killed before its last balance document: the balances visibly lack the entry.
    complete = (name, nth) not in {("_write_entry", 1), ("_add", 1), ("_add", 2)}
    assert balances.verify_balances(2026).ok == complete
    if finish == "recover":
        posting.recover_pending()
        posting.recover_pending()  # twice: nothing more
    elif finish == "next_posting":
        post(date(2026, 3, 6), "4930", "1000", "3.00")
    else:  # the clerk repeats the same request
        from services.ledger.posting import PostingKey
        entry = JournalEntry.objects.get(pk=PostingKey.objects.get(key="kill-me").entry_id)
        posting.post_entry(entry, "k")
    check = balances.verify_balances(2026)
    assert check.ok, check.message
    expected = expected_after_both()
    if finish == "next_posting":
        expected["4930"], expected["1000"] = (D("10.00"), D("0.00")), (D("0.00"), D("10.00"))
    assert balances.account_balances(2026) == dict(sorted(expected.items()))
    assert posting.verify_chain(2026).ok
