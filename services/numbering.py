"""Gap-free, crash-safe document numbers from claim chains (see models.sequence).

A number is a slot inserted with its owner; a crash after the claim and before
the number reaches the document loses nothing: the next attempt for the same
owner finds its slot again, and the slots list every number ever handed out.
"""
from models.sequence import SequenceHint, SequenceSlot
from services.claims import AlreadyClaimed, claim_next


def take_number(sequence: str, owner: str, floor: int = 0) -> int:
    """Return the owner's number in the sequence, taking the next free one if it has none.

    `floor` is the last number handed out before this sequence existed (e.g. by the
    old counter), so the chain continues after it.
    """
    slots = SequenceSlot._get_collection()
    hint = (SequenceHint._get_collection().find_one({"_id": sequence}) or {}).get("value", 0)
    hint = max(hint, floor)
    try:
        doc = claim_next(slots, sequence, hint, lambda n, head: {
            "sequence": sequence, "number": n, "owner": owner, "at": _now()})
    except AlreadyClaimed:
        doc = slots.find_one({"owner": owner})  # rare path: a retry after a crash
    # Only taken numbers are ever written here, so the hint is never ahead.
    SequenceHint._get_collection().update_one(
        {"_id": sequence}, {"$max": {"value": doc["number"]}}, upsert=True)
    return doc["number"]


def _now():
    from models.base import utcnow
    return utcnow()
