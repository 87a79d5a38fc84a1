"""Posting: balance, gap-free numbers under concurrency, crash recovery, hash chain."""
import threading
from datetime import date
from decimal import Decimal

import mongoengine as me
import pytest

from models import Account, JournalEntry
from models.ledger import JournalLine, PostedEntryError
from models.posting import FiscalYear
from services.ledger import posting
from services.core.errors import BusinessRuleError
from tests.factories import make_entry
from tests.models.test_ledger_balance import _ledger_books, posting_db  # noqa: F401 (fixtures)

LINES = [{"account": "4930", "debit": Decimal("119.00")},
         {"account": "1000", "credit": Decimal("119.00")}]


def post(day=date(2026, 3, 15), amount="119.00", **kw):
    lines = [{"account": "4930", "debit": Decimal(amount)},
             {"account": "1000", "credit": Decimal(amount)}]
    values = dict(date=day, text="Büromaterial", lines=lines, source="manual",
                  user="fibu@firma.example.com")
    values.update(kw)
    return posting.post_new_entry(**values)


def test_post_entry_numbers_hashes_and_freezes(posting_db):
    entry = make_entry("119.00")
    posted = posting.post_entry(entry, "fibu@firma.example.com")
    assert posted.status == "posted" and posted.number == 1 and posted.fiscal_year == 2026
    assert len(posted.hash) == 64 and posted.prev_hash == "0" * 64
    assert posted.posted_by == "fibu@firma.example.com" and posted.posted_at is not None
    second = post()
    assert second.number == 2 and second.prev_hash == posted.hash
    assert posting.post_entry(posted, "x").number == 1  # repeat-safe
    assert FiscalYear.objects.get(year=2026).last_number == 2


def test_numbers_restart_per_fiscal_year(posting_db):
    assert post(date(2026, 12, 31)).number == 1
    assert post(date(2027, 1, 1)).number == 1
    assert post(date(2026, 6, 1)).number == 2


def test_unbalanced_entry_is_refused_and_not_numbered(posting_db):
    with pytest.raises(BusinessRuleError, match="sind nicht ausgeglichen"):
        posting.post_new_entry(date=date(2026, 3, 1), text="x", source="manual", user="u",
                               lines=[{"account": "1200", "debit": "100.00"},
                                      {"account": "8400", "credit": "99.99"}])
    assert post().number == 1


def test_unknown_and_inactive_accounts_are_refused(posting_db):
    with pytest.raises(BusinessRuleError, match="Unbekannte Konten"):
        post(lines=[{"account": "9999", "debit": "5"}, {"account": "1200", "credit": "5"}])
    Account.objects(number="4930").update(set__active=False)
    with pytest.raises(BusinessRuleError, match="4930 are inactive"):
        post()
    assert JournalEntry.objects(status="posted").count() == 0


def test_posted_entry_refuses_save_and_delete(posting_db):
    entry = post()
    entry.text = "geändert"
    with pytest.raises(PostedEntryError, match="reversal"):
        entry.save()
    with pytest.raises(PostedEntryError):
        entry.delete()
    stale = JournalEntry.objects.get(pk=entry.pk)
    stale.status = "draft"  # a stale or forged copy must not overwrite it either
    stale.lines[0].debit = stale.lines[1].credit = Decimal("1.00")
    with pytest.raises(PostedEntryError):
        stale.save()
    with pytest.raises(PostedEntryError):
        JournalEntry.objects(pk=entry.pk).update(set__text="anders")
    with pytest.raises(PostedEntryError):
        JournalEntry.objects.delete()
    copy = JournalEntry(id=entry.pk, date=entry.date, text="Import", lines=[
        JournalLine(account="4930", debit=Decimal("1")), JournalLine(account="1000",
                                                                     credit=Decimal("1"))])
    with pytest.raises(me.NotUniqueError):
        copy.save()  # an import cannot replace a posted entry by its id
    again = JournalEntry.objects.get(pk=entry.pk)
    assert again.text == "Büromaterial" and again.total_debit == Decimal("119.00")
    assert posting.verify_chain(2026).ok


def test_drafts_stay_editable_and_deletable(posting_db):
    draft = make_entry()
    draft.text = "Korrigiert"
    draft.save()
    assert JournalEntry.objects.get(pk=draft.pk).text == "Korrigiert"
    draft.delete()
    assert JournalEntry.objects.count() == 0


def test_idempotency_key_posts_once(posting_db):
    first = post(idempotency_key="payroll:2026-03")
    again = post(idempotency_key="payroll:2026-03")
    assert again.pk == first.pk and JournalEntry.objects.count() == 1
    assert post(idempotency_key="payroll:2026-04").number == 2


def test_idempotency_key_completes_a_draft_left_by_a_crash(posting_db):
    from bson import ObjectId
    from models.posting import PostingKey

    # Crash after the key was stored, before the draft was saved.
    PostingKey(key="inv:1", entry_id=ObjectId()).save()
    entry = post(idempotency_key="inv:1")
    assert entry.status == "posted" and entry.pk == PostingKey.objects.get(key="inv:1").entry_id
    assert post(idempotency_key="inv:1").pk == entry.pk


def test_concurrent_posting_of_the_same_draft_uses_one_number(posting_db):
    entry = make_entry()
    numbers = []
    threads = [threading.Thread(
        target=lambda: numbers.append(posting.post_entry(
            JournalEntry.objects.get(pk=entry.pk), "u").number)) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
        assert not t.is_alive(), "a thread still runs after 120 s (deadlock?)"
    assert numbers == [1] * 5
    assert post().number == 2 and posting.verify_chain(2026).ok


def _crash_after_claim():
    entry = make_entry("50.00")
    slot = posting._claim_slot(entry.to_mongo().to_dict(), "u")
    return entry, slot


def test_crash_after_claim_is_completed_by_recover(posting_db):
    post()
    entry, slot = _crash_after_claim()
    assert JournalEntry.objects.get(pk=entry.pk).status == "draft"
    result = posting.verify_chain(2026)
    assert not result.ok and result.bad_number == 2 and "interrupted" in result.reason
    assert posting.recover_pending() == 1
    done = JournalEntry.objects.get(pk=entry.pk)
    assert done.status == "posted" and done.number == 2 and done.hash == slot["hash"]
    assert FiscalYear.objects.get(year=2026).last_number == 2
    assert posting.verify_chain(2026).ok
    assert posting.recover_pending() == 0


def test_crash_after_write_is_completed_by_the_next_posting(posting_db):
    entry, slot = _crash_after_claim()
    posting._write_entry(slot)
    assert FiscalYear.objects.get(year=2026).last_number == 0
    nxt = post()
    assert nxt.number == 2
    assert JournalEntry.objects.get(pk=entry.pk).number == 1
    assert FiscalYear.objects.get(year=2026).last_number == 2
    assert posting.verify_chain(2026).ok


def test_crashed_draft_edited_meanwhile_is_posted_as_claimed(posting_db):
    entry, slot = _crash_after_claim()
    JournalEntry.objects(pk=entry.pk).update(set__text="nachträglich geändert")
    posting.recover_pending()
    assert JournalEntry.objects.get(pk=entry.pk).text == "Büromaterial bar"
    assert posting.verify_chain(2026).ok


def test_reversal_mirrors_and_marks_the_original(posting_db):
    original = post(amount="119.00", voucher_ref="BE-17")
    reversal = posting.reverse_entry(original, "chefin", date=date(2026, 3, 20))
    assert reversal.number == 2 and reversal.reversal_of == original.pk
    assert reversal.lines[0].account == "4930" and reversal.lines[0].credit == Decimal("119.00")
    assert reversal.lines[1].debit == Decimal("119.00") and reversal.voucher_ref == "BE-17"
    assert "Storno Nr. 1" in reversal.text
    assert JournalEntry.objects.get(pk=original.pk).reversed_by == reversal.pk
    with pytest.raises(BusinessRuleError, match="already reversed by #2"):
        posting.reverse_entry(original, "chefin", date=date(2026, 3, 21))
    with pytest.raises(BusinessRuleError, match="itself a reversal"):
        posting.reverse_entry(reversal, "chefin", date=date(2026, 3, 21))
    assert JournalEntry.objects.count() == 2 and posting.verify_chain(2026).ok


def test_reversal_of_a_draft_or_before_the_original_is_refused(posting_db):
    with pytest.raises(BusinessRuleError, match="only posted"):
        posting.reverse_entry(make_entry(), "u")
    with pytest.raises(BusinessRuleError, match="before the entry"):
        posting.reverse_entry(post(), "u", date=date(2026, 1, 1))


def test_verify_detects_a_changed_amount(posting_db):
    post()
    second = post(amount="200.00")
    post()
    JournalEntry._get_collection().update_one(
        {"_id": second.pk}, {"$set": {"lines.0.debit": 20100, "lines.1.credit": 20100}})
    result = posting.verify_chain(2026)
    assert not result.ok and result.bad_number == 2 and "changed after posting" in result.reason


def test_verify_detects_a_deleted_entry(posting_db):
    post()
    last = post()
    JournalEntry._get_collection().delete_one({"_id": last.pk})
    result = posting.verify_chain(2026)
    assert not result.ok and "missing" in result.reason


def test_closed_period_refuses_posting(posting_db):
    post(date(2026, 2, 10))
    posting.close_period(2026, 2, user="chefin")
    with pytest.raises(BusinessRuleError, match="02/2026 is closed"):
        post(date(2026, 2, 28))
    assert post(date(2026, 3, 1)).number == 2
    assert posting.is_period_closed(date(2026, 2, 1))
    posting.close_period(2026, user="chefin")
    with pytest.raises(BusinessRuleError, match="closed"):
        post(date(2026, 12, 1))


# ---------------------------------------------------------------- closing while posting

def test_a_posting_past_the_gate_when_its_month_closes_is_completed_by_the_close(posting_db):
    post()
    entry = make_entry("50.00")  # 15.03.2026
    slot, fresh = posting._pass_gate(entry.to_mongo().to_dict(), "u")  # then it stalls
    assert fresh and slot["number"] == 2
    posting.close_period(2026, 3, user="chefin")
    done = JournalEntry.objects.get(pk=entry.pk)
    assert done.status == "posted" and done.number == 2 and done.hash == slot["hash"]
    with pytest.raises(BusinessRuleError, match="03/2026 is closed"):
        post(day=date(2026, 3, 31))
    assert posting.verify_chain(2026).ok


def test_a_posting_that_saw_its_month_open_is_refused_once_it_is_closed(posting_db, monkeypatch):
    """The race: the open-period check passed, then the month was closed before the
    posting took its number. It is refused, and no number is used up."""
    post()
    real = posting._closed_months

    def closed_right_after_the_check(year):
        seen = real(year)  # March is still open when the posting looks
        posting.close_period(2026, 3, user="chefin")
        monkeypatch.setattr(posting, "_closed_months", real)
        return seen

    monkeypatch.setattr(posting, "_closed_months", closed_right_after_the_check)
    with pytest.raises(BusinessRuleError, match="03/2026 is closed"):
        post(day=date(2026, 3, 20))
    assert JournalEntry.objects(status="posted").count() == 1
    assert post(day=date(2026, 4, 2)).number == 2
    assert posting.verify_chain(2026).ok


def test_a_year_begun_before_the_gate_gets_its_gate_at_the_last_slot(posting_db):
    post()
    post()
    FiscalYear._get_collection().update_one({"_id": 2026}, {"$unset": {"gate": ""}})
    assert post().number == 3
    assert FiscalYear.objects.get(year=2026).gate == 3
    assert posting.verify_chain(2026).ok


# ---------------------------------------------------------------- many threads (last:
# the slowest tests; the mutation run stops at the first failure, TESTING.md)

def test_concurrent_posting_gives_consecutive_numbers(posting_db):
    results, errors = [], []

    def worker(n):
        try:
            for i in range(4):
                results.append(post(amount=f"{n}.{i:02d}").number)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(1, 11)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
        assert not t.is_alive(), "a thread still runs after 120 s (deadlock?)"
    assert not errors
    assert sorted(results) == list(range(1, 41))
    assert FiscalYear.objects.get(year=2026).last_number == 40
    assert posting.verify_chain(2026).ok


def test_closing_a_month_while_postings_run_leaves_it_final(posting_db):
    posted, refused, errors = [], [], []
    enough = threading.Event()

    def worker(n):
        for i in range(40):
            try:
                posted.append(post(day=date(2026, 3, 10 + n), amount=f"{n + 1}.{i:02d}").pk)
            except BusinessRuleError as exc:
                refused.append(str(exc))
                return
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
                return
            if len(posted) >= 6:
                enough.set()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    assert enough.wait(60)
    posting.close_period(2026, 3, user="chefin")
    final = set(JournalEntry.objects(status="posted").scalar("id"))
    for t in threads:
        t.join(timeout=120)
        assert not t.is_alive(), "a thread still runs after 120 s (deadlock?)"
    assert not errors
    assert len(refused) == 6 and all("03/2026 is closed" in r for r in refused)
    assert set(JournalEntry.objects(status="posted").scalar("id")) == final == set(posted)
    numbers = sorted(JournalEntry.objects(status="posted").scalar("number"))
    assert numbers == list(range(1, len(final) + 1))
    assert posting.verify_chain(2026).ok
