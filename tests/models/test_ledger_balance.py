"""The balance rule of a journal entry from both sides and at its edges (one cent)."""
from datetime import date
from decimal import Decimal

import uuid

import mongoengine as me
import pytest

from models import JournalEntry, connect_db
from models.balance import BalanceHead, PeriodBalance
from models.cost_center import CostCenter
from models.ledger import Account, JournalLine, balance_errors
from models.posting import ChainSlot, FiscalYear, PostingKey
from seeds.reference import seed_chart_of_accounts
from services.ledger import posting
from services.core.errors import BusinessRuleError

LEDGER = (Account, CostCenter, JournalEntry, ChainSlot, FiscalYear, PostingKey, BalanceHead,
          PeriodBalance)


@pytest.fixture
def ledger_db(db_server):
    """A bare database with the ledger's collections and the SKR03 chart (no app): the
    mutation run of models/ledger.py (TESTING.md) runs these tests once per mutant."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    connect_db(db_server, name)
    for document in LEDGER:
        document.ensure_indexes()
    seed_chart_of_accounts("SKR03")
    yield
    me.get_connection().drop_database(name)


@pytest.fixture(scope="module")
def _ledger_books(db_server):
    """One bare ledger database per test module (see posting_db)."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    connect_db(db_server, name)
    for document in LEDGER:
        document.ensure_indexes()
    seed_chart_of_accounts("SKR03")
    yield [dict(doc) for doc in Account._get_collection().find()]
    me.get_connection().drop_database(name)


@pytest.fixture
def posting_db(_ledger_books):
    """The ledger database of ledger_db, created once per module and emptied before each
    test: the journal, its chain, keys and balances removed, the chart put back as seeded
    (a test may deactivate an account). Creating the indexes and the chart took most of
    a posting test's time; the mutation run of services/ledger/posting.py (TESTING.md)
    runs these tests once per mutant. A module uses either this fixture or ledger_db."""
    for document in LEDGER:
        document._get_collection().delete_many({})
    Account._get_collection().insert_many([dict(doc) for doc in _ledger_books])
    yield


def lines(*pairs):
    return [JournalLine(account=a, debit=Decimal(d), credit=Decimal(c)) for a, d, c in pairs]


BALANCED = [("4930", "100.00", "0"), ("1576", "19.00", "0"), ("1000", "0", "119.00")]
UNBALANCED = {
    "debit one cent more": [("4930", "100.01", "0"), ("1000", "0", "100.00")],
    "credit one cent more": [("4930", "100.00", "0"), ("1000", "0", "100.01")],
    "debit far more": [("4930", "500.00", "0"), ("1000", "0", "100.00")],
    "credit far more": [("4930", "100.00", "0"), ("1000", "0", "500.00")],
    "three lines, credit one cent more": [("4930", "100.00", "0"), ("1576", "19.00", "0"),
                                          ("1000", "0", "119.01")],
    "three lines, debit one cent more": [("4930", "100.00", "0"), ("1576", "19.01", "0"),
                                         ("1000", "0", "119.00")],
}


def test_a_balanced_entry_has_no_errors():
    assert balance_errors(lines(*BALANCED)) == []
    assert balance_errors(lines(("4930", "0.01", "0"), ("1000", "0", "0.01"))) == []


@pytest.mark.parametrize("case", sorted(UNBALANCED))
def test_unbalanced_either_way_is_refused(case):
    pairs = UNBALANCED[case]
    debit = sum(Decimal(d) for _, d, _ in pairs)
    credit = sum(Decimal(c) for _, _, c in pairs)
    assert balance_errors(lines(*pairs)) == [
        f"Soll ({debit:.2f}) und Haben ({credit:.2f}) sind nicht ausgeglichen"]


def test_the_message_names_both_sums():
    errors = balance_errors(lines(("4930", "100.00", "0"), ("1000", "0", "100.01")))
    assert errors == ["Soll (100.00) und Haben (100.01) sind nicht ausgeglichen"]


def test_one_line_is_not_an_entry_and_two_are():
    assert balance_errors(lines(("4930", "1.00", "0"))) == [
        "Eine Buchung braucht mindestens zwei Zeilen",
        "Soll (1.00) und Haben (0.00) sind nicht ausgeglichen"]
    assert balance_errors([]) == ["Eine Buchung braucht mindestens zwei Zeilen"]
    assert balance_errors(lines(("4930", "1.00", "0"), ("1000", "0", "1.00"))) == []


@pytest.mark.parametrize("debit,credit,ok", [
    ("0.01", "0", True), ("0", "0.01", True),   # the smallest amount on either side
    ("0", "0", False), ("1.00", "1.00", False),  # neither, or both on one line
])
def test_each_line_has_exactly_one_side(debit, credit, ok):
    other = ("1000", credit, debit)  # mirrors the line so the sums balance
    errors = balance_errors(lines(("4930", debit, credit), other))
    line_errors = [e for e in errors if e.startswith("Zeile ")]
    if ok:
        assert errors == []
    else:
        assert line_errors == [
            "Zeile 1: bitte entweder einen Soll- oder einen Haben-Betrag über null eintragen",
            "Zeile 2: bitte entweder einen Soll- oder einen Haben-Betrag über null eintragen"]


def test_missing_amounts_count_as_zero():
    entry_lines = [JournalLine(account="4930", debit=Decimal("5.00"), credit=None),
                   JournalLine(account="1000", debit=None, credit=Decimal("5.00"))]
    assert balance_errors(entry_lines) == []


def test_totals_add_every_line():
    entry = JournalEntry(date=date(2026, 3, 1), text="x", lines=lines(*BALANCED))
    assert entry.total_debit == Decimal("119.00") and entry.total_credit == Decimal("119.00")
    assert JournalEntry(date=date(2026, 3, 1), text="x").total_debit == Decimal("0.00")


# --------------------------------------------------------- through the database

@pytest.mark.parametrize("case", ["debit one cent more", "credit one cent more"])
def test_an_unbalanced_draft_is_not_saved(ledger_db, case):
    entry = JournalEntry(date=date(2026, 3, 1), text="Test", lines=lines(*UNBALANCED[case]))
    with pytest.raises(me.ValidationError, match="sind nicht ausgeglichen"):
        entry.save()
    assert JournalEntry.objects.count() == 0


@pytest.mark.parametrize("case", ["debit one cent more", "credit one cent more"])
def test_an_unbalanced_entry_is_not_posted(ledger_db, case):
    specs = [{"account": a, "debit": d, "credit": c} for a, d, c in UNBALANCED[case]]
    with pytest.raises(BusinessRuleError, match="sind nicht ausgeglichen"):
        posting.post_new_entry(date=date(2026, 3, 1), text="x", source="manual", user="u",
                               lines=specs)
    assert JournalEntry.objects(status="posted").count() == 0
    ok = posting.post_new_entry(date=date(2026, 3, 1), text="x", source="manual", user="u",
                                lines=[{"account": a, "debit": d, "credit": c}
                                       for a, d, c in BALANCED])
    assert ok.number == 1 and ok.status == "posted"


def test_the_fiscal_year_follows_the_date_and_unknown_accounts_are_named(ledger_db):
    entry = JournalEntry(date=date(2027, 1, 1), text="Test", lines=lines(*BALANCED)).save()
    assert entry.fiscal_year == 2027
    bad = JournalEntry(date=date(2026, 12, 31), text="Test",
                       lines=lines(("0001", "1.00", "0"), ("1000", "0", "1.00")))
    with pytest.raises(me.ValidationError, match=r"Unbekannte Konten: 0001;"):
        bad.save()


def test_an_account_needs_a_name(ledger_db):
    with pytest.raises(me.ValidationError, match="name"):
        Account(number="4999", type="expense").save()
    assert Account.objects(number="4999").count() == 0
    Account(number="4999", name="Sonstiges", type="expense").save()
    assert Account.objects(number="4999").count() == 1


def test_an_account_needs_a_type(ledger_db):
    """(mutation survivor: `Account.type` required=False went unnoticed)"""
    for missing in ({}, {"type": None}):
        with pytest.raises(me.ValidationError, match="type"):
            Account(number="4998", name="Sonstiges", **missing).save()
    assert Account.objects(number="4998").count() == 0
    Account(number="4998", name="Sonstiges", type="asset").save()
    assert Account.objects.get(number="4998").type == "asset"


def test_an_entry_without_a_status_is_a_draft(ledger_db):
    entry = JournalEntry(date=date(2026, 3, 1), text="Test", lines=lines(*BALANCED),
                         status=None).save()
    assert JournalEntry._get_collection().find_one({"_id": entry.pk})["status"] == "draft"


def test_an_entry_needs_a_text(ledger_db):
    """(mutation survivor: `text` required=False went unnoticed)"""
    for missing in ({}, {"text": None}):
        with pytest.raises(me.ValidationError, match="text"):
            JournalEntry(date=date(2026, 3, 1), lines=lines(*BALANCED), **missing).save()
    assert JournalEntry.objects.count() == 0
    JournalEntry(date=date(2026, 3, 1), text="B", lines=lines(*BALANCED)).save()
    assert JournalEntry.objects.get().text == "B"


@pytest.mark.parametrize("pairs", [
    [("4930", "-5.00", "0"), ("1000", "0", "-5.00")],   # each side negative, sums equal
    [("4930", "0", "-5.00"), ("1000", "-5.00", "0")],
])
def test_a_negative_amount_is_no_side_of_a_line(pairs):
    """The rule says an amount over zero (mutation survivor: `debit > 0` as `!= 0`); the
    field's min_value refuses it on save as well, but balance_errors is asked first."""
    assert balance_errors(lines(*pairs)) == [
        "Zeile 1: bitte entweder einen Soll- oder einen Haben-Betrag über null eintragen",
        "Zeile 2: bitte entweder einen Soll- oder einen Haben-Betrag über null eintragen"]


@pytest.mark.parametrize("books,other", [("SKR03", "SKR04"), ("SKR04", "SKR03")])
def test_an_account_of_the_other_chart_is_refused_either_way(ledger_db, books, other):
    Account._get_collection().delete_many({})
    Account._get_collection().insert_one({"number": "1000", "name": "Kasse", "type": "asset",
                                          "chart": books, "active": True})
    with pytest.raises(me.ValidationError, match=f"Bitte {books} wählen"):
        Account(number="4999", name="Sonstiges", type="expense", chart=other).save()
    Account(number="4999", name="Sonstiges", type="expense", chart=books).save()
    assert Account(number="4998", name="Ohne Angabe", type="expense").save().chart == books
    assert sorted(Account.objects.scalar("number")) == ["1000", "4998", "4999"]


def test_how_accounts_lines_and_entries_are_named():
    """By hand: the labels in lists and error messages."""
    assert str(Account(number="4930", name="Bürobedarf")) == "4930 Bürobedarf"
    assert str(JournalLine(account="4930", debit=Decimal("1.50"))) == "4930 S 1.50 H 0.00"
    draft = JournalEntry(date=date(2026, 3, 1), text="Papier")
    assert str(draft) == "draft 01.03.2026 Papier"
    draft.number = 7
    assert str(draft) == "#7 01.03.2026 Papier"


def test_cost_centres_of_the_lines_are_known_active_and_required_where_the_account_says(
        ledger_db):
    """Active 100 is taken; inactive 200 and unknown 999 are named; an account that
    requires a cost centre refuses a line without one and takes one with it."""
    CostCenter(code="100", name="Verwaltung").save()
    CostCenter(code="200", name="Alt", active=False).save()
    Account.objects(number="4930").update_one(set__cost_center_required=True)

    def entry(cost_center=None, other=None):
        return JournalEntry(date=date(2026, 3, 1), text="Papier", lines=[
            JournalLine(account="4930", debit=Decimal("10.00"), cost_center=cost_center),
            JournalLine(account="1000", credit=Decimal("10.00"), cost_center=other)])

    entry("100").save()
    entry("100", "100").save()
    for codes, named in ((("200", None), "200"), (("999", None), "999"),
                         (("100", "200"), "200"), (("999", "200"), "200, 999")):
        with pytest.raises(me.ValidationError,
                           match=rf"Kostenstelle\(n\) {named} unbekannt oder inaktiv"):
            entry(*codes).save()
    with pytest.raises(me.ValidationError,
                       match="Konto 4930 verlangt eine Kostenstelle in jeder Zeile"):
        entry().save()
    with pytest.raises(me.ValidationError) as refused:
        entry(None, "100").save()
    assert "Konto 4930 verlangt" in str(refused.value)
    assert "Konto 1000" not in str(refused.value)
    assert JournalEntry.objects.count() == 2
    empty = JournalEntry(date=date(2026, 3, 1), text="Leer", lines=[])
    with pytest.raises(me.ValidationError, match="mindestens zwei Zeilen"):
        empty.save()


def test_a_draft_is_saved_again_and_a_posted_entry_never(ledger_db):
    """A stored draft takes a change by save; a posted entry refuses it, as does a stale
    copy of it that still says draft (the database's status is the condition)."""
    draft = JournalEntry(date=date(2026, 3, 1), text="Entwurf", lines=lines(*BALANCED)).save()
    draft.text = "Entwurf 2"
    draft.save()
    assert JournalEntry._get_collection().find_one({"_id": draft.pk})["text"] == "Entwurf 2"
    posted = posting.post_new_entry(date=date(2026, 3, 1), text="Gebucht", source="manual",
                                    user="u", lines=[{"account": a, "debit": d, "credit": c}
                                                     for a, d, c in BALANCED])
    posted.text = "geändert"
    with pytest.raises(BusinessRuleError, match=r"journal entry #1 is posted"):
        posted.save()
    stale = JournalEntry.objects.get(pk=posted.pk)
    stale.status = "draft"
    stale.text = "gefälscht"
    with pytest.raises(BusinessRuleError, match=f"journal entry {posted.pk} is posted"):
        stale.save()
    assert JournalEntry._get_collection().find_one({"_id": posted.pk})["text"] == "Gebucht"


@pytest.mark.parametrize("field,longest", [("text", 200), ("voucher_ref", 60),
                                           ("line_text", 200), ("tax_key", 10)])
def test_the_text_bounds_of_an_entry_from_both_sides(ledger_db, field, longest):
    """By hand: the longest value is saved, one character more is refused. (A cost
    centre longer than 20 is refused as unknown already: codes have at most 20.)"""
    def entry(length):
        values = dict(date=date(2026, 3, 1), text="Test", lines=lines(*BALANCED))
        if field.startswith("line_") or field == "tax_key":
            values["lines"][0][field.removeprefix("line_")] = "A" * length
        else:
            values[field] = "A" * length
        return JournalEntry(**values)

    entry(longest).save()
    with pytest.raises(me.ValidationError):
        entry(longest + 1).save()
    assert JournalEntry.objects.count() == 1


def test_a_cost_centre_of_the_longest_code_is_taken_on_a_line(ledger_db):
    """Codes have 1 to 20 characters (models/cost_center.py): a line takes a 20-character
    code (mutation survivor: the line's `max_length=20` as 19)."""
    code = "K" * 20
    CostCenter(code=code, name="Langer Name").save()
    values = dict(date=date(2026, 3, 1), text="Test", lines=lines(*BALANCED))
    values["lines"][0].cost_center = code
    JournalEntry(**values).save()
    assert JournalEntry.objects.get().lines[0].cost_center == code


def test_an_entry_needs_a_date(ledger_db):
    """(mutation survivor: `JournalEntry.date` required=False went unnoticed)"""
    for missing in ({}, {"date": None}):
        with pytest.raises(me.ValidationError, match="date"):
            JournalEntry(text="Test", lines=lines(*BALANCED), **missing).save()
    assert JournalEntry.objects.count() == 0
    JournalEntry(date=date(2026, 3, 1), text="Test", lines=lines(*BALANCED)).save()
    assert JournalEntry.objects.get().fiscal_year == 2026
