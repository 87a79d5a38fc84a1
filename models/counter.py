"""Gap-free sequence numbers from one atomically incremented document per sequence."""
import mongoengine as me
from pymongo import ReturnDocument


class Counter(me.Document):
    name = me.StringField(primary_key=True)
    value = me.IntField(default=0)

    meta = {"collection": "counters"}


def next_number(name: str) -> int:
    """Atomically take the next number of a sequence (1, 2, 3, ...)."""
    doc = Counter._get_collection().find_one_and_update(
        {"_id": name}, {"$inc": {"value": 1}}, upsert=True,
        return_document=ReturnDocument.AFTER,
    )
    return doc["value"]
