"""Gap-free sequence numbers claimed by inserting one slot document per number.

FerretDB 1.24 does not apply `$inc` or a filtered update atomically under concurrent
clients (parallel `find_one_and_update($inc)` calls were seen returning the same
value); an insert into a unique index is atomic everywhere. So each number is a slot
`name:000000042` inserted once; the Counter document is only a hint where to start.
"""
import mongoengine as me
from pymongo.errors import DuplicateKeyError


class Counter(me.Document):
    name = me.StringField(primary_key=True)
    value = me.IntField(default=0)

    meta = {"collection": "counters"}


class CounterSlot(me.Document):
    """One taken number of a sequence; `owner` makes a repeated claim return the same one."""

    id = me.StringField(primary_key=True)
    owner = me.StringField(required=True, unique=True)
    number = me.IntField(required=True)

    meta = {"collection": "counter_slots"}


class CounterOwner(me.Document):
    """Which number an owner took (looked up by `_id`; the slot's unique owner is the rule)."""

    key = me.StringField(primary_key=True)
    number = me.IntField(required=True)

    meta = {"collection": "counter_owners"}


def next_number(name: str, owner: str | None = None) -> int:
    """Take the next number of a sequence (1, 2, 3, ...), once per owner if one is given."""
    slots = CounterSlot._get_collection()
    owner_key = f"{name}@{owner}" if owner is not None else None
    if owner_key is not None:
        known = CounterOwner._get_collection().find_one({"_id": owner_key})
        if known is not None:
            return known["number"]
    hint = Counter._get_collection().find_one({"_id": name}) or {"value": 0}
    number = hint["value"] + 1
    while True:
        slot_key = f"{name}:{number:09d}"
        try:
            slots.insert_one({"_id": slot_key, "number": number, "owner": owner_key or slot_key})
            break
        except DuplicateKeyError:
            if slots.find_one({"_id": slot_key}, {"_id": 1}) is None:
                # The unique owner refused it: a crashed earlier call took a number.
                return _remember(owner_key, slots.find_one({"owner": owner_key})["number"])
            number += 1
    Counter._get_collection().update_one(
        {"_id": name}, {"$max": {"value": number}}, upsert=True)
    return _remember(owner_key, number) if owner_key else number


def _remember(owner_key: str, number: int) -> int:
    """Record which number an owner holds, for a look-up by _id (the fast path)."""
    try:
        CounterOwner._get_collection().insert_one({"_id": owner_key, "number": number})
    except DuplicateKeyError:
        pass
    return number
