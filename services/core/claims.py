"""Take the next slot of a claim chain by unique insert (see models.sequence)."""
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from services.core.messages import N_, RuleError

MAX_ATTEMPTS = 1000


class AlreadyClaimed(Exception):
    """The owner (movement, document) already holds a slot of this kind."""


def slot_id(chain: str, n: int) -> str:
    return f"{chain}:{n:09d}"


def find_head(coll: Collection, chain: str, hint: int,
              hint_doc: dict | None = None) -> tuple[int, dict | None]:
    """Return the highest taken slot at or after `hint` and its document."""
    n = hint
    doc = hint_doc if hint_doc is not None or not hint else coll.find_one(
        {"_id": slot_id(chain, hint)})
    while True:
        nxt = coll.find_one({"_id": slot_id(chain, n + 1)})
        if nxt is None:
            return n, doc
        n, doc = n + 1, nxt


def claim_next(coll: Collection, chain: str, hint: int, build) -> dict:
    """Insert slot head+1 built by `build(n, head_doc)`; retry when another writer won.

    `build` may raise BusinessRuleError to refuse (e.g. not enough stock at the head).
    Raises AlreadyClaimed when another unique index (the owner) refused the insert.
    """
    for _ in range(MAX_ATTEMPTS):
        head, head_doc = find_head(coll, chain, hint)
        doc = build(head + 1, head_doc)
        doc["_id"] = slot_id(chain, head + 1)
        try:
            coll.insert_one(doc)
            return doc
        except DuplicateKeyError:
            if coll.find_one({"_id": doc["_id"]}, {"_id": 1}) is None:
                raise AlreadyClaimed(doc["_id"]) from None
            hint = head + 1  # someone else took it: look further
    raise RuleError(N_("Zu viele gleichzeitige Buchungen; bitte erneut versuchen."))
