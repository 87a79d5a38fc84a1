"""Read retention rules from the database and keep each file's keep-until date current."""
from collections import defaultdict
from datetime import date, datetime
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


def refresh_category(category_code: str) -> int:
    """Recompute keep-until of every file in a category (after its rule changed)."""
    rule = rule_for(category_code)
    coll = ArchivedFile._get_collection()
    groups = defaultdict(list)  # new keep-until -> ids: one update per distinct date
    for doc in coll.find({"category": category_code}, {"document_date": 1, "keep_until": 1}):
        new = keep_until(rule, doc["document_date"].date()) if rule else None
        old = doc.get("keep_until")
        if (old.date() if old else None) != new:
            groups[new].append(doc["_id"])
    changed = 0
    for new, ids in groups.items():
        value = datetime(new.year, new.month, new.day) if new else None
        for start in range(0, len(ids), BATCH):
            changed += coll.update_many({"_id": {"$in": ids[start:start + BATCH]}},
                                        {"$set": {"keep_until": value}}).modified_count
    return changed
