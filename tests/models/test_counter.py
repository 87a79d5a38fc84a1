"""Sequence numbers: unique and gap-free from parallel threads, once per owner.

These tests need only the three counter collections, so they use a bare database
(fresh name, counter indexes only) instead of the full app fixture: the mutation run of
models/counter.py (TESTING.md) runs them once per mutant.
"""
import threading
import uuid

import mongoengine as me
import pytest

from models import connect_db
from models.counter import Counter, CounterOwner, CounterSlot, _remember, next_number


@pytest.fixture
def db(db_server):
    name = f"test_{uuid.uuid4().hex[:12]}"
    connect_db(db_server, name)
    for document in (Counter, CounterSlot, CounterOwner):
        document.ensure_indexes()
    yield
    me.get_connection().drop_database(name)


def test_parallel_threads_get_consecutive_unique_numbers(db):
    taken, errors = [], []

    def worker():
        try:
            for _ in range(10):
                taken.append(next_number("demo-2026"))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion
            errors.append(repr(exc))

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
        assert not t.is_alive(), "a thread still runs after 120 s (deadlock?)"
    assert not errors
    assert sorted(taken) == list(range(1, 81))


def test_an_owner_gets_the_same_number_again(db):
    first = next_number("RE-2026", owner="invoice-a")
    assert first == 1
    assert next_number("RE-2026", owner="invoice-b") == 2
    assert next_number("RE-2026", owner="invoice-a") == 1
    assert next_number("RE-2026") == 3
    assert next_number("RE-2027") == 1


def test_an_owner_whose_earlier_call_crashed_gets_its_number(db):
    next_number("RE-2026")
    # A crash after the slot insert, before the owner was remembered:
    CounterSlot._get_collection().insert_one(
        {"_id": "RE-2026:000000002", "number": 2, "owner": "RE-2026@invoice-x"})
    assert next_number("RE-2026", owner="invoice-x") == 2
    assert next_number("RE-2026", owner="invoice-y") == 3


def test_the_stored_slots_owners_and_hint(db):
    """What a call leaves behind, written out by hand (read through the documents)."""
    assert next_number("LS-2026") == 1
    assert next_number("LS-2026", owner="delivery-7") == 2
    slot = CounterSlot.objects.get(pk="LS-2026:000000001")
    assert (slot.number, slot.owner) == (1, "LS-2026:000000001")  # no owner: its own key
    assert CounterSlot.objects.get(pk="LS-2026:000000002").owner == "LS-2026@delivery-7"
    assert CounterOwner.objects.get(pk="LS-2026@delivery-7").number == 2
    assert CounterOwner.objects.count() == 1  # only owned numbers are remembered
    # the hint holds the highest number taken
    assert Counter.objects.get(pk="LS-2026").value == 2
    assert Counter._get_collection().find_one({"_id": "LS-2026"})["value"] == 2


def test_numbers_taken_behind_a_stale_hint_are_skipped_one_by_one(db):
    # Slots 1..3 taken, the hint still says 1 (a crash before the hint was raised).
    for n in (1, 2, 3):
        CounterSlot._get_collection().insert_one(
            {"_id": f"AB-2026:{n:09d}", "number": n, "owner": f"AB-2026:{n:09d}"})
    Counter._get_collection().insert_one({"_id": "AB-2026", "value": 1})
    assert next_number("AB-2026") == 4
    assert Counter.objects.get(pk="AB-2026").value == 4
    # the hint never goes back ($max), even if a lower number is claimed behind it
    CounterSlot._get_collection().delete_one({"_id": "AB-2026:000000002"})
    Counter._get_collection().update_one({"_id": "AB-2026"}, {"$set": {"value": 1}})
    assert next_number("AB-2026") == 2
    Counter._get_collection().update_one({"_id": "AB-2026"}, {"$set": {"value": 9}})
    assert next_number("AB-2026") == 10
    assert Counter.objects.get(pk="AB-2026").value == 10


def test_remembering_an_owner_twice_keeps_the_first_record(db):
    assert _remember("RE-2026@invoice-z", 5) == 5
    assert _remember("RE-2026@invoice-z", 5) == 5  # a racing call: duplicate, no error
    assert CounterOwner.objects.get(pk="RE-2026@invoice-z").number == 5


def test_documents_need_their_fields(db):
    assert Counter(name="new").value == 0
    with pytest.raises(me.ValidationError):
        CounterSlot(id="X:000000001", number=1).save()  # no owner
    with pytest.raises(me.ValidationError):
        CounterSlot(id="X:000000001", owner="X@a").save()  # no number
    with pytest.raises(me.ValidationError):
        CounterOwner(key="X@a").save()  # no number
    CounterSlot(id="X:000000001", owner="X@a", number=1).save(force_insert=True)
    with pytest.raises(me.NotUniqueError):  # one number per owner
        CounterSlot(id="X:000000002", owner="X@a", number=2).save(force_insert=True)
    assert CounterSlot._get_collection().find_one({"_id": "X:000000001"})["owner"] == "X@a"


def test_a_remembered_owner_is_answered_from_the_look_up_alone(db):
    """The owner record decides: no new slot is claimed for an owner known there."""
    CounterOwner._get_collection().insert_one({"_id": "RE-2026@invoice-q", "number": 7})
    assert next_number("RE-2026", owner="invoice-q") == 7
    assert CounterSlot.objects.count() == 0 and Counter.objects.count() == 0
    assert next_number("RE-2026", owner="invoice-r") == 1  # others count on from the slots
