"""Posting at its edges, on a bare ledger database: what a line spec may hold, a month's
bounds, a year begun before the gate with a claimed slot, a number held twice, the
messages of the chain check, the correction draft and a poster that loses a race.

Every expected value is written out by hand (numbers, texts, the months that are closed).
"""
from datetime import date
from decimal import Decimal

import mongoengine as me
import pytest

from models import JournalEntry
from models.ledger import JournalLine, PostedEntryError
from models.posting import ChainSlot, FiscalYear
from services.core.errors import BusinessRuleError
from services.ledger import posting
from tests.factories import make_entry
from tests.models.test_ledger_balance import _ledger_books, posting_db  # noqa: F401 (fixtures)

USER = "fibu@firma.example.com"


def post(day=date(2026, 3, 15), amount="119.00", **kw):
    values = dict(date=day, text="Büromaterial", source="manual", user=USER,
                  lines=[{"account": "4930", "debit": Decimal(amount)},
                         {"account": "1000", "credit": Decimal(amount)}])
    values.update(kw)
    return posting.post_new_entry(**values)


# ---------------------------------------------------------------- line specs

def test_a_line_spec_takes_only_the_known_fields(posting_db):
    with pytest.raises(BusinessRuleError) as refused:
        post(lines=[{"account": "4930", "debit": "5.00"},
                    {"konto": "1000", "account": "1000", "credit": "5.00", "betrag": "5"}])
    assert str(refused.value) == "line 2: unknown field(s) betrag, konto"
    every = post(lines=[{"account": "4930", "debit": "5.00", "credit": None, "tax_key": "9",
                         "text": "Papier", "cost_center": None},
                        {"account": "1000", "credit": "5.00"}])
    line = JournalEntry.objects.get(pk=every.pk).lines[0]
    assert (line.account, line.debit, line.credit, line.tax_key, line.text) == (
        "4930", Decimal("5.00"), Decimal("0.00"), "9", "Papier")
    assert line.cost_center is None
    assert JournalEntry.objects.count() == 1


def test_empty_optional_values_of_a_line_are_stored_as_none(posting_db):
    entry = post(lines=[{"account": "4930", "debit": "5.00", "tax_key": "", "text": "",
                         "cost_center": ""},
                        {"account": "1000", "credit": "5.00", "debit": ""}])
    stored = JournalEntry._get_collection().find_one({"_id": entry.pk})
    first, second = stored["lines"]
    assert first.get("tax_key") is None and first.get("text") is None
    assert first.get("cost_center") is None
    assert (first["debit"], first["credit"], second["debit"], second["credit"]) == (500, 0, 0, 500)


@pytest.mark.parametrize("value,message", [
    (5.0, "line 1: give amounts as Decimal or text, not float"),
    ("zehn", "line 1: 'zehn' is not an amount"),
    ("5,00", "line 1: '5,00' is not an amount"),
])
def test_an_amount_is_decimal_or_text_never_float(posting_db, value, message):
    with pytest.raises(BusinessRuleError) as refused:
        post(lines=[{"account": "4930", "debit": value}, {"account": "1000", "credit": "5"}])
    assert str(refused.value) == message
    assert JournalEntry.objects.count() == 0


def test_amounts_as_text_int_and_decimal_are_taken(posting_db):
    entry = post(lines=[{"account": "4930", "debit": "2.50"}, {"account": "4930", "debit": 3},
                        {"account": "1000", "credit": Decimal("5.50")}])
    assert [line.debit for line in entry.lines] == [Decimal("2.50"), Decimal("3"), Decimal("0")]
    assert entry.total_credit == Decimal("5.50")


def test_an_invalid_entry_with_a_key_is_refused_with_its_field(posting_db):
    with pytest.raises(BusinessRuleError) as refused:
        post(idempotency_key="inv:7", lines=[{"account": "4930", "debit": "100.00"},
                                             {"account": "1000", "credit": "99.99"}])
    # (mongoengine files the errors of clean() under "__all__")
    assert str(refused.value).endswith(
        ".lines: Soll (100.00) und Haben (99.99) sind nicht ausgeglichen")
    with pytest.raises(BusinessRuleError) as refused:
        post(lines=[{"account": "4930", "debit": "100.00"},
                    {"account": "1000", "credit": "99.99"}])
    assert str(refused.value).endswith(
        ".lines: Soll (100.00) und Haben (99.99) sind nicht ausgeglichen")
    assert JournalEntry.objects.count() == 0
    assert post(idempotency_key="inv:7").number == 1  # the key is free to be used again


def test_a_validation_message_without_fields_is_its_text():
    assert posting._validation_message(me.ValidationError("kaputt")) == "kaputt"
    nested = me.ValidationError("x", errors={"lines": {"0": {"account": "fehlt"}},
                                             "text": "zu lang"})
    assert posting._validation_message(nested) == "lines.0.account: fehlt; text: zu lang"


# ---------------------------------------------------------------- periods and years

def test_a_month_is_between_1_and_12(posting_db):
    """Month 0 closed the whole year (it was read as "no month"): refused like 13."""
    for month in (0, 13, -1):
        with pytest.raises(BusinessRuleError, match="between 1 and 12"):
            posting.close_period(2026, month, user="chefin")
    assert FiscalYear.objects(year=2026).first() is None or \
        FiscalYear.objects.get(year=2026).closed_months == []
    assert posting.close_period(2026, 1, user="chefin").closed_months == [1]
    assert posting.close_period(2026, 12, user="chefin").closed_months == [1, 12]
    head = FiscalYear._get_collection().find_one({"_id": 2026})
    assert head["closed_by"] == "chefin"
    assert posting.is_period_closed(date(2026, 12, 31)) and posting.is_period_closed(date(2026, 1, 1))
    assert not posting.is_period_closed(date(2026, 2, 1))
    assert not posting.is_period_closed(date(2027, 1, 1))  # another year, no head
    assert post(date(2026, 11, 30)).number == 1
    with pytest.raises(BusinessRuleError, match="12/2026 is closed"):
        post(date(2026, 12, 1))


def test_closing_a_whole_year_closes_every_month(posting_db):
    year = posting.close_period(2027, user="chefin")
    assert year.closed_months == list(range(1, 13))
    for month in (1, 6, 12):
        with pytest.raises(BusinessRuleError, match=f"{month:02d}/2027 is closed"):
            post(date(2027, month, 1))


def test_known_years_are_the_years_with_a_chain_oldest_first(posting_db):
    assert posting.known_years() == []
    post(date(2027, 1, 2))
    post(date(2025, 12, 31))
    post(date(2026, 7, 1))
    post(date(2027, 3, 1))
    assert posting.known_years() == [2025, 2026, 2027]


def test_a_year_without_a_gate_and_a_claimed_slot_gets_its_gate_after_that_slot(posting_db):
    post()
    post()
    crashed = make_entry("50.00")
    slot = posting._claim_slot(crashed.to_mongo().to_dict(), "u")  # then the poster died
    assert slot["number"] == 3
    FiscalYear._get_collection().update_one({"_id": 2026}, {"$unset": {"gate": ""}})
    assert FiscalYear._get_collection().find_one({"_id": 2026})["last_number"] == 2
    assert post().number == 4
    assert JournalEntry.objects.get(pk=crashed.pk).number == 3
    assert FiscalYear.objects.get(year=2026).gate == 4
    assert posting.verify_chain(2026).ok


# ---------------------------------------------------------------- races and forgeries

def test_a_poster_that_loses_the_race_returns_the_winners_posting(posting_db, monkeypatch):
    draft = make_entry()
    stale = JournalEntry.objects.get(pk=draft.pk)
    real = posting._save_draft

    def another_poster_first(entry):
        monkeypatch.setattr(posting, "_save_draft", real)
        posting.post_entry(JournalEntry.objects.get(pk=draft.pk), "other@firma.example.com")
        real(entry)

    monkeypatch.setattr(posting, "_save_draft", another_poster_first)
    won = posting.post_entry(stale, USER)
    assert won.status == "posted" and won.number == 1
    assert won.posted_by == "other@firma.example.com"
    assert ChainSlot.objects.count() == 1 and post().number == 2


def test_an_entry_posted_only_in_memory_is_refused(posting_db):
    entry = JournalEntry(date=date(2026, 3, 15), text="Büromaterial", status="posted", lines=[
        JournalLine(account="4930", debit=Decimal("1")), JournalLine(account="1000",
                                                                     credit=Decimal("1"))])
    with pytest.raises(PostedEntryError):
        posting.post_entry(entry, USER)
    assert JournalEntry.objects.count() == 0 and ChainSlot.objects.count() == 0


def test_an_entry_that_holds_a_number_already_is_never_numbered_twice(posting_db):
    first = post()
    # forged: the posted entry set back to a draft in the raw collection
    JournalEntry._get_collection().update_one({"_id": first.pk}, {"$set": {"status": "draft"}})
    with pytest.raises(BusinessRuleError) as refused:
        posting.post_entry(JournalEntry.objects.get(pk=first.pk), USER)
    assert str(refused.value) == (f"journal chain 2026: entry {first.pk} holds a number "
                                  "already; run `flask --app app ledger verify`")
    # the gate it opened cannot be completed: every later posting says so
    with pytest.raises(BusinessRuleError) as refused:
        post()
    assert str(refused.value) == ("journal chain 2026: the slot for #2 cannot be written; "
                                  "run `flask --app app ledger verify`")
    assert ChainSlot.objects.count() == 1


# ---------------------------------------------------------------- the chain check

def test_the_chain_check_says_what_it_found(posting_db):
    assert posting.verify_chain(2026).message == "2026: 0 posted entries, chain intact"
    post()
    second = post()
    post()
    assert posting.verify_chain(2026).message == "2026: 3 posted entries, chain intact"
    third = JournalEntry.objects.get(number=3)
    JournalEntry._get_collection().update_one({"_id": third.pk}, {"$set": {"number": 5}})
    result = posting.verify_chain(2026)
    assert (result.ok, result.checked, result.bad_number, result.bad_id) == (
        False, 2, 5, str(third.pk))
    assert result.reason == "number 5 found where 3 was expected (gap or duplicate)"
    assert result.message == (f"2026: entry #5 (id {third.pk}): number 5 found where 3 was "
                              "expected (gap or duplicate)")
    JournalEntry._get_collection().update_one({"_id": second.pk}, {"$set": {"number": 7}})
    result = posting.verify_chain(2026)  # now 1, 5, 7: the entry numbered 5 is second
    assert (result.checked, result.bad_number, result.bad_id) == (1, 5, str(third.pk))


def test_a_duplicate_number_is_found(posting_db):
    post()
    second = post()
    JournalEntry._get_collection().update_one({"_id": second.pk}, {"$set": {"number": 1}})
    result = posting.verify_chain(2026)
    assert not result.ok and result.checked == 1 and result.bad_number == 1
    assert "gap or duplicate" in result.reason


def test_a_missing_last_entry_is_named_with_its_number(posting_db):
    post()
    post()
    last = post()
    JournalEntry._get_collection().delete_one({"_id": last.pk})
    result = posting.verify_chain(2026)
    assert (result.ok, result.checked, result.bad_number, result.bad_id) == (False, 2, 3, None)
    assert result.reason == ("posted entry #3 is missing (deleted, or its posting was "
                             "interrupted: run `flask --app app ledger recover`)")


def test_a_drafts_entry_in_a_year_does_not_count(posting_db):
    post()
    make_entry()
    assert posting.verify_chain(2026).checked == 1
    assert posting.verify_chain(2025).ok and posting.verify_chain(2025).checked == 0


# ---------------------------------------------------------------- correction draft

def test_reverse_and_copy_gives_a_draft_with_the_original_lines(posting_db):
    original = post(amount="119.00", voucher_ref="BE-17",
                    lines=[{"account": "4930", "debit": "100.00", "tax_key": "9",
                            "text": "Papier"},
                           {"account": "1576", "debit": "19.00"},
                           {"account": "1000", "credit": "119.00"}])
    draft = posting.reverse_and_copy(original, "chefin", date=date(2026, 3, 20))
    stored = JournalEntry.objects.get(pk=draft.pk)
    assert stored.status == "draft" and stored.number is None
    assert stored.text == "Korrektur zu Nr. 1: Büromaterial"
    assert (stored.date, stored.voucher_ref, stored.source, stored.created_by) == (
        date(2026, 3, 20), "BE-17", "manual", "chefin")
    assert [(ln.account, ln.debit, ln.credit, ln.tax_key, ln.text) for ln in stored.lines] == [
        ("4930", Decimal("100.00"), Decimal("0.00"), "9", "Papier"),
        ("1576", Decimal("19.00"), Decimal("0.00"), None, None),
        ("1000", Decimal("0.00"), Decimal("119.00"), None, None)]
    reversal = JournalEntry.objects.get(reversal_of=original.pk)
    assert reversal.number == 2 and reversal.date == date(2026, 3, 20)
    assert JournalEntry.objects.get(pk=original.pk).reversed_by == reversal.pk
    assert JournalEntry.objects.count() == 3


def test_a_long_text_is_cut_to_200_characters_in_reversal_and_correction(posting_db):
    original = post(text="x" * 200)
    draft = posting.reverse_and_copy(original, "chefin", date=date(2026, 3, 20))
    assert draft.text == ("Korrektur zu Nr. 1: " + "x" * 200)[:200]
    reversal = JournalEntry.objects.get(reversal_of=original.pk)
    assert reversal.text == ("Storno Nr. 1: " + "x" * 200)[:200] and len(reversal.text) == 200


def test_a_reversal_on_the_day_of_the_original_is_taken(posting_db):
    original = post(day=date(2026, 3, 15))
    reversal = posting.reverse_entry(original, "chefin", date=date(2026, 3, 15),
                                     text="Fehlbuchung")
    assert reversal.date == date(2026, 3, 15) and reversal.text == "Fehlbuchung"
    with pytest.raises(BusinessRuleError, match=r"before the entry it reverses \(15.03.2026\)"):
        posting.reverse_entry(post(day=date(2026, 3, 15)), "chefin", date=date(2026, 3, 14))


def test_an_entry_written_before_its_hint_moved_verifies_as_intact(posting_db):
    """A crash between writing the entry (c) and moving the year's hint (d): the chain is
    whole, only the hint lags behind it (mutation survivor: `last_number > count` as <)."""
    post()
    crashed = make_entry("50.00")
    slot = posting._claim_slot(crashed.to_mongo().to_dict(), "u")
    posting._write_entry(slot)
    assert FiscalYear._get_collection().find_one({"_id": 2026})["last_number"] == 1
    result = posting.verify_chain(2026)
    assert result.ok and result.checked == 2, result
    # the hint ahead of the entries (the last one and its slot removed) is a gap
    JournalEntry._get_collection().delete_one({"_id": crashed.pk})
    ChainSlot._get_collection().delete_one({"_id": slot["_id"]})
    result = posting.verify_chain(2026)
    assert not result.ok and result.checked == 1 and result.bad_number == 2
    assert result.reason.startswith("posted entry #2 is missing")  # (survivor: count | 1)


@pytest.mark.parametrize("micro,kept", [(0, 0), (999, 0), (1000, 1000), (998500, 998000),
                                        (999999, 999000)])
def test_posted_at_is_cut_to_the_millisecond(monkeypatch, micro, kept):
    """What the database keeps, so the hashed and the stored time are the same
    (mutation survivor: `// 1000 * 1000` as `// 999 * 1000`)."""
    from datetime import datetime as real_datetime, timezone

    class Clock(real_datetime):
        @classmethod
        def now(cls, tz=None):
            return real_datetime(2026, 3, 16, 9, 30, 5, micro, tzinfo=tz)

    monkeypatch.setattr(posting, "datetime", Clock)
    assert posting._now_ms() == real_datetime(2026, 3, 16, 9, 30, 5, kept, tzinfo=timezone.utc)
