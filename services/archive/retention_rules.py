"""Read retention rules from the database and keep each file's keep-until date current."""
from collections import defaultdict
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo


from models.archive import ArchivedFile, RetentionRule
from services.archive.retention import Rule, keep_until

BERLIN = ZoneInfo("Europe/Berlin")
BATCH = 500


def today_berlin(now: datetime | None = None) -> date:
    """Return the calendar day in Germany (the day the law counts in)."""
    return (now or datetime.now(BERLIN)).astimezone(BERLIN).date()


def rule_for(category_code: str) -> Rule | None:
    """Return the category's rule as plain data, or None when it has none (kept forever)."""
    doc = RetentionRule.objects(pk=category_code).first()
    if doc is None:
        return None
    return Rule(doc.period, doc.unit, doc.start, doc.fixed_start)


def keep_until_for(category_code: str, document_date: date) -> date | None:
    """Return the keep-until date for a document of that category and date."""
    rule = rule_for(category_code)
    return keep_until(rule, document_date) if rule else None


def refresh_category(category_code: str, user: str = "system") -> int:
    """Recompute keep-until of every file in a category (after its rule changed).

    Only `admin` edits rules, and the rule view logs the change, so a rule may shorten
    retention: those files get their new floor and the cleanup's grace period
    (services.archive.metadata), with the rule's legal basis as the reason.
    """
    rule_doc = RetentionRule.objects(pk=category_code).first()
    rule = rule_for(category_code)
    coll = ArchivedFile._get_collection()
    groups = defaultdict(list)  # (new keep-until, shortened) -> ids: one update per group
    for doc in coll.find({"category": category_code},
                         {"document_date": 1, "keep_until": 1, "keep_until_min": 1}):
        new = keep_until(rule, doc["document_date"].date()) if rule else None
        old, floor = _day(doc.get("keep_until")), _day(doc.get("keep_until_min"))
        floor = floor if floor is not None else old
        shortened = new is not None and (floor is None or new < floor)
        if old != new or shortened:
            groups[(new, shortened)].append(doc["_id"])
    changed, now = 0, datetime.now(timezone.utc)
    reason = f"retention rule changed: {rule_doc.legal_basis if rule_doc else 'removed'}"[:500]
    for (new, shortened), ids in groups.items():
        value = datetime(new.year, new.month, new.day) if new else None
        update = {"keep_until": value}
        if shortened:
            update.update(keep_until_min=value, keep_until_shortened_at=now,
                          keep_until_shortened_by=user, keep_until_shortened_reason=reason,
                          deletion_released_at=None, deletion_released_by=None)
        for start in range(0, len(ids), BATCH):
            changed += coll.update_many(
                {"_id": {"$in": ids[start:start + BATCH]}, "category": category_code},
                {"$set": update}).modified_count
    return changed


def _day(value) -> date | None:
    return value.date() if isinstance(value, datetime) else value
