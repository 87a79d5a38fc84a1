"""Bulk writes on journal querysets never touch a posted entry; drafts stay writable."""
from datetime import date
from decimal import Decimal

import pytest

from models import JournalEntry
from models.ledger import JournalLine, PostedEntryError
from services.ledger import posting
from tests.factories import make_entry
from tests.models.test_ledger_balance import ledger_db  # noqa: F401 (fixture)

WRITES = {
    "update": lambda qs: qs.update(set__text="geändert"),
    "update_one": lambda qs: qs.update_one(set__text="geändert"),
    "modify": lambda qs: qs.modify(set__text="geändert"),
    "delete": lambda qs: qs.delete(),
}


@pytest.fixture
def posted_and_draft(ledger_db):
    posted = posting.post_new_entry(
        date=date(2026, 3, 15), text="Gebucht", source="manual", user="fibu",
        lines=[{"account": "4930", "debit": "10.00"}, {"account": "1000", "credit": "10.00"}])
    return posted, make_entry(text="Entwurf")


def raw(entry) -> dict:
    return JournalEntry._get_collection().find_one({"_id": entry.pk})


@pytest.mark.parametrize("write", sorted(WRITES))
def test_a_bulk_write_on_a_posted_entry_is_refused(posted_and_draft, write):
    posted, draft = posted_and_draft
    before_posted, before_draft = raw(posted), raw(draft)
    with pytest.raises(PostedEntryError, match=f"#{posted.number} is posted"):
        WRITES[write](JournalEntry.objects(pk=posted.pk))
    with pytest.raises(PostedEntryError):
        WRITES[write](JournalEntry.objects(pk__in=[posted.pk, draft.pk]))
    assert raw(posted) == before_posted and raw(draft) == before_draft
    assert posting.verify_chain(2026).ok


@pytest.mark.parametrize("write", sorted(WRITES))
def test_the_same_bulk_write_on_a_draft_goes_through(posted_and_draft, write):
    _, draft = posted_and_draft
    result = WRITES[write](JournalEntry.objects(pk=draft.pk))
    if write == "delete":
        assert raw(draft) is None and result == 1
    else:
        assert raw(draft)["text"] == "geändert" and raw(draft)["status"] == "draft"


@pytest.mark.parametrize("field", ["status", "number", "hash", "prev_hash", "posted_at",
                                   "posted_by", "reversed_by", "fiscal_year"])
def test_posting_fields_are_not_set_by_a_queryset_even_on_a_draft(posted_and_draft, field):
    _, draft = posted_and_draft
    before = raw(draft)
    with pytest.raises(PostedEntryError, match=f"only posting may set set__{field}"):
        JournalEntry.objects(pk=draft.pk).update(**{f"set__{field}": None})
    with pytest.raises(PostedEntryError, match=f"only posting may set set__{field}"):
        JournalEntry.objects(pk=draft.pk).modify(**{f"set__{field}": None})
    # a raw update document names the stored field: refused the same way
    for write in (JournalEntry.objects(pk=draft.pk).update,
                  JournalEntry.objects(pk=draft.pk).modify):
        with pytest.raises(PostedEntryError, match=f"only posting may set {field}"):
            write(__raw__={"$set": {field: "posted" if field == "status" else 1}})
    assert raw(draft) == before


def test_a_raw_update_may_change_a_drafts_own_fields_but_never_replace_it(posted_and_draft):
    _, draft = posted_and_draft
    assert JournalEntry.objects(pk=draft.pk).update(__raw__={"$set": {"text": "neu"}}) == 1
    assert raw(draft)["text"] == "neu" and raw(draft)["status"] == "draft"
    for replacement in ({"text": "x", "status": "posted"}, [{"$set": {"status": "posted"}}]):
        with pytest.raises(PostedEntryError, match="only update operators"):
            JournalEntry.objects(pk=draft.pk).update(__raw__=replacement)
    assert raw(draft)["status"] == "draft"


def test_a_posted_entry_is_never_inserted(ledger_db):
    lines = [JournalLine(account="4930", debit=Decimal("1.00")),
             JournalLine(account="1000", credit=Decimal("1.00"))]
    forged = JournalEntry(date=date(2026, 3, 1), text="Fälschung", lines=lines, status="posted")
    draft = JournalEntry(date=date(2026, 3, 1), text="Entwurf", lines=lines)
    with pytest.raises(PostedEntryError, match="only be posted through posting"):
        JournalEntry.objects.insert([draft, forged])
    assert JournalEntry.objects.count() == 0
    JournalEntry.objects.insert(draft)
    assert JournalEntry.objects.get().status == "draft"


def test_a_copy_of_a_stored_posted_entry_is_never_inserted(posted_and_draft):
    """The status as read from the database (not a literal in the code)."""
    posted, _ = posted_and_draft
    copy = JournalEntry.objects.get(pk=posted.pk)
    copy.pk = None
    with pytest.raises(PostedEntryError, match="only be posted through posting"):
        JournalEntry.objects.insert(copy)
    assert JournalEntry.objects(status="posted").count() == 1
