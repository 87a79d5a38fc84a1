"""The journal hash chain pinned to a fixed entry, and one tamper test per hashed field.

The canonical form is restated here from the documentation (README "Posting", the
docstring of services/ledger_hash.py): the stored document's posted content as compact
JSON with sorted keys, amounts in integer cents, dates ISO, posted_at in UTC with
milliseconds; the hash is SHA-256 over the previous entry's hash, a newline and that JSON.
The expected bytes below are typed out by hand, not produced by the code under test.
"""
import hashlib
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from bson import ObjectId

from models import JournalEntry
from services.ledger import posting
from services.ledger.hash_chain import canonical_content, chain_hash
from tests.models.test_ledger_balance import _ledger_books, posting_db  # noqa: F401 (fixtures)

PREV = "ab" * 32
ENTRY = {
    "_id": ObjectId("65f0a1b2c3d4e5f601234567"),
    "fiscal_year": 2026, "number": 7, "date": datetime(2026, 3, 15),
    "text": "Büromaterial", "voucher_ref": "BE-42", "source": "manual",
    "reversal_of": None, "posted_by": "fibu@firma.example.com",
    "posted_at": datetime(2026, 3, 16, 9, 30, 5, 123000, tzinfo=timezone.utc),
    "status": "posted", "created_by": "someone", "reversed_by": ObjectId(),
    "lines": [{"account": "4930", "debit": 10000, "credit": 0, "tax_key": "9",
               "text": "Papier"},
              {"account": "1576", "debit": 1900, "credit": 0},
              {"account": "1000", "debit": 0, "credit": 11900}],
}
# Written out by hand from the documented canonical form.
CANONICAL = (
    '{"date":"2026-03-15","fiscal_year":2026,"id":"65f0a1b2c3d4e5f601234567",'
    '"lines":[["4930",10000,0,"9","Papier"],["1576",1900,0,"",""],["1000",0,11900,"",""]],'
    '"number":7,"posted_at":"2026-03-16T09:30:05.123Z","posted_by":"fibu@firma.example.com",'
    '"reversal_of":"","source":"manual","text":"Büromaterial","voucher_ref":"BE-42"}'
).encode("utf-8")
# sha256(PREV + "\n" + CANONICAL), computed once with hashlib outside the code under test.
PINNED = "5e0ae7a758da513e9569c0d1bce1fe61c362e8b651cc0d210aae1acb1794c568"


def restated(prev: str, canonical: bytes) -> str:
    return hashlib.sha256(prev.encode("ascii") + b"\n" + canonical).hexdigest()


def test_canonical_form_of_a_fixed_entry():
    assert canonical_content(ENTRY) == CANONICAL


def test_hash_of_a_fixed_entry_is_pinned():
    assert restated(PREV, CANONICAL) == PINNED  # the pin itself is right
    assert chain_hash(PREV, ENTRY) == PINNED


def test_fields_outside_the_posted_content_do_not_change_the_hash():
    """reversed_by is set later (on reversal); status and created_by are not content."""
    later = dict(ENTRY, reversed_by=ObjectId(), status="posted", created_by="x",
                 hash="f" * 64)
    assert chain_hash(PREV, later) == PINNED


def test_naive_posted_at_is_taken_as_utc_and_a_timezone_is_converted():
    from zoneinfo import ZoneInfo

    naive = dict(ENTRY, posted_at=datetime(2026, 3, 16, 9, 30, 5, 123999))
    berlin = dict(ENTRY, posted_at=datetime(2026, 3, 16, 10, 30, 5, 123000,
                                            tzinfo=ZoneInfo("Europe/Berlin")))
    assert chain_hash(PREV, naive) == PINNED and chain_hash(PREV, berlin) == PINNED


def test_missing_optional_values_become_empty_strings():
    bare = {"_id": ObjectId("65f0a1b2c3d4e5f601234567"), "lines": [{"account": "1000"}]}
    assert canonical_content(bare) == (
        b'{"date":"","fiscal_year":null,"id":"65f0a1b2c3d4e5f601234567",'
        b'"lines":[["1000",0,0,"",""]],"number":null,"posted_at":"","posted_by":"",'
        b'"reversal_of":"","source":"","text":"","voucher_ref":""}')
    reversal = dict(ENTRY, reversal_of=ObjectId("65f0a1b2c3d4e5f6012345ff"),
                    date=date(2026, 3, 15))
    assert b'"reversal_of":"65f0a1b2c3d4e5f6012345ff"' in canonical_content(reversal)
    assert b'"date":"2026-03-15"' in canonical_content(reversal)


def _line(i, **change):
    lines = [dict(line) for line in ENTRY["lines"]]
    lines[i].update(change)
    return {"lines": lines}


TAMPERED = {
    "date": {"date": datetime(2026, 3, 14)},
    "text": {"text": "Büromaterial!"},
    "voucher": {"voucher_ref": "BE-43"},
    "number": {"number": 8},
    "fiscal_year": {"fiscal_year": 2027},
    "source": {"source": "import"},
    "reversal_of": {"reversal_of": ObjectId("65f0a1b2c3d4e5f6012345ff")},
    "posted_by": {"posted_by": "chef@firma.example.com"},
    "posted_at": {"posted_at": datetime(2026, 3, 16, 9, 30, 5, 124000, tzinfo=timezone.utc)},
    "id": {"_id": ObjectId("65f0a1b2c3d4e5f601234568")},
    **{f"line{i}.account": _line(i, account="4980") for i in range(3)},
    **{f"line{i}.debit": _line(i, debit=ENTRY["lines"][i]["debit"] + 1) for i in range(3)},
    **{f"line{i}.credit": _line(i, credit=ENTRY["lines"][i]["credit"] + 1) for i in range(3)},
    **{f"line{i}.tax_key": _line(i, tax_key="8") for i in range(3)},
    "line0.text": _line(0, text="Papier A4"),
    "line order": {"lines": list(reversed(ENTRY["lines"]))},
    "line removed": {"lines": ENTRY["lines"][:2]},
}


@pytest.mark.parametrize("field", sorted(TAMPERED))
def test_every_hashed_field_changes_the_hash(field):
    changed = dict(ENTRY, **TAMPERED[field])
    assert chain_hash(PREV, changed) != PINNED
    assert canonical_content(changed) != CANONICAL


def test_the_previous_hash_is_part_of_the_hash():
    assert chain_hash("ab" * 31 + "ac", ENTRY) != PINNED
    assert chain_hash("0" * 64, ENTRY) == restated("0" * 64, CANONICAL)


# ------------------------------------------------------------ against the database

def _post(text="Büromaterial", amount="119.00", **kw):
    lines = [{"account": "4930", "debit": Decimal("100.00"), "tax_key": "9"},
             {"account": "1576", "debit": Decimal(amount) - Decimal("100.00")},
             {"account": "1000", "credit": Decimal(amount)}]
    return posting.post_new_entry(date=date(2026, 3, 15), text=text, lines=lines,
                                  source="manual", user="fibu@firma.example.com",
                                  voucher_ref="BE-1", **kw)


def test_a_posted_entry_is_hashed_over_its_stored_document(posting_db):
    first = _post()
    second = _post(text="Toner")
    stored = JournalEntry._get_collection().find_one({"_id": second.pk})
    posted_at = stored["posted_at"].replace(tzinfo=timezone.utc)
    canonical = (
        '{"date":"2026-03-15","fiscal_year":2026,"id":"%s",'
        '"lines":[["4930",10000,0,"9",""],["1576",1900,0,"",""],["1000",0,11900,"",""]],'
        '"number":2,"posted_at":"%s","posted_by":"fibu@firma.example.com",'
        '"reversal_of":"","source":"manual","text":"Toner","voucher_ref":"BE-1"}'
        % (second.pk, posted_at.strftime("%Y-%m-%dT%H:%M:%S.")
           + f"{posted_at.microsecond // 1000:03d}Z")).encode("utf-8")
    assert stored["prev_hash"] == first.hash
    assert stored["hash"] == restated(first.hash, canonical)
    assert posting.verify_chain(2026).ok


DB_TAMPER = {
    "date": {"date": datetime(2026, 3, 14)},
    "text": {"text": "Toner!"},
    "voucher": {"voucher_ref": "BE-2"},
    "posted_by": {"posted_by": "chef@firma.example.com"},
    "posted_at": {"posted_at": datetime(2026, 3, 16, 9, 0)},
    "source": {"source": "import"},
    **{f"lines.{i}.account": {f"lines.{i}.account": "4980"} for i in range(3)},
    "lines.0.debit": {"lines.0.debit": 10001},
    "lines.1.debit": {"lines.1.debit": 1901},
    "lines.2.credit": {"lines.2.credit": 11901},
    "lines.0.credit": {"lines.0.credit": 1},
    "lines.2.debit": {"lines.2.debit": 1},
    **{f"lines.{i}.tax_key": {f"lines.{i}.tax_key": "8"} for i in range(3)},
    "lines.0.text": {"lines.0.text": "Papier"},
}


@pytest.mark.parametrize("field", sorted(DB_TAMPER))
def test_verify_finds_each_tampered_field(posting_db, field):
    _post()
    target = _post(text="Toner")
    _post(text="Tinte")
    assert posting.verify_chain(2026).ok
    JournalEntry._get_collection().update_one({"_id": target.pk}, {"$set": DB_TAMPER[field]})
    result = posting.verify_chain(2026)
    assert not result.ok and result.bad_number == 2, result
    assert "changed after posting" in result.reason
    assert result.checked == 1


def test_verify_finds_a_rewritten_previous_hash(posting_db):
    first = _post()
    target = _post(text="Toner")
    JournalEntry._get_collection().update_one({"_id": target.pk},
                                              {"$set": {"prev_hash": "1" * 64}})
    result = posting.verify_chain(2026)
    assert not result.ok and result.bad_number == 2 and "link" in result.reason
    # ... and a forger who also recomputes the hash is caught by the recorded slot
    doc = JournalEntry._get_collection().find_one({"_id": target.pk})
    JournalEntry._get_collection().update_one(
        {"_id": target.pk}, {"$set": {"text": "Fälschung", "prev_hash": first.hash,
                                      "hash": chain_hash(first.hash, dict(doc, text="Fälschung"))}})
    result = posting.verify_chain(2026)
    assert not result.ok and result.bad_number == 2 and "recorded" in result.reason
