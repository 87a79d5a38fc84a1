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


def next_number(name: str, owner: str | None = None) -> int:
    """Take the next number of a sequence (1, 2, 3, ...), once per owner if one is given."""
    slots = CounterSlot._get_collection()
    if owner is not None:
        mine = slots.find_one({"owner": f"{name}@{owner}"})
        if mine is not None:
            return mine["number"]
    hint = Counter._get_collection().find_one({"_id": name}) or {"value": 0}
    number = hint["value"] + 1
    while True:
        slot_key = f"{name}:{number:09d}"
        try:
            slots.insert_one({"_id": slot_key, "number": number,
                              "owner": f"{name}@{owner}" if owner is not None else slot_key})
            break
        except DuplicateKeyError:
            if owner is not None:
                mine = slots.find_one({"owner": f"{name}@{owner}"})
                if mine is not None:
                    return mine["number"]
            number += 1
    Counter._get_collection().update_one(
        {"_id": name}, {"$max": {"value": number}}, upsert=True)
    return number
