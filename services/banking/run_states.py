"""Draft → released / cancelled for payment runs and direct-debit collections (one copy).

Every state change is a compare-and-set: the run's status (and the version the clerk
read) are in the update filter, so of two people acting at once only one wins.
"""
from datetime import datetime, timezone
from decimal import Decimal

from bson import ObjectId

from services.core.messages import N_, RuleError


def check_release(run, user: str, version: int) -> None:
    """Four eyes, the version the releasing person saw, and something to release."""
    if user == run.created_by or user in (run.edited_by or []):
        raise RuleError(N_("Vier-Augen-Prinzip: %(run)s muss eine andere Person freigeben "
                           "als die, die ihn angelegt oder geändert hat"), run=str(run))
    if run.version != version:
        raise RuleError(N_("%(run)s wurde inzwischen geändert; bitte neu laden und prüfen"),
                        run=str(run))
    if not run.items:
        raise RuleError(N_("%(run)s enthält keine Posten"), run=str(run))


def replace_items(model, run, items, user: str, version: int):
    """Store a draft's new items (total in cents), if it is still the version read."""
    total = sum((i.amount for i in items), Decimal("0"))
    done = model._get_collection().update_one(
        {"_id": run.pk, "status": "draft", "version": version},
        {"$set": {"items": [i.to_mongo() for i in items], "total": int(total * 100)},
         "$inc": {"version": 1}, "$addToSet": {"edited_by": user}})
    if not done.modified_count:
        raise RuleError(N_("%(run)s wurde inzwischen geändert; bitte neu laden und prüfen"),
                        run=str(run))
    return model.objects.get(pk=run.pk)


def mark_released(model, run, user: str, version: int, fields: dict, undo) -> object:
    """draft → released with `fields`; if another change won, `undo()` this release's claims.

    A second release of the same run (two clicks at once) finds it released by the first
    and leaves the first one's claims alone.
    """
    done = model._get_collection().update_one(
        {"_id": run.pk, "status": "draft", "version": version},
        {"$set": {"status": "released", "released_by": user,
                  "released_at": datetime.now(timezone.utc), **fields}})
    if not done.modified_count:
        if model.objects(pk=run.pk, status="released").first() is None:
            undo()
        raise RuleError(N_("%(run)s wurde inzwischen geändert oder freigegeben"), run=str(run))
    return model.objects.get(pk=run.pk)


def cancel_draft(model, run_id, user: str):
    """draft → cancelled (a released run went to the bank and stays)."""
    done = model._get_collection().update_one(
        {"_id": ObjectId(str(run_id)), "status": "draft"},
        {"$set": {"status": "cancelled"}, "$addToSet": {"edited_by": user}})
    if not done.matched_count:
        raise RuleError(N_("Nur ein Entwurf kann verworfen werden"))
    return model.objects.get(pk=run_id)
