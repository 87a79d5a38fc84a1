"""Editing an archived file's metadata without shortening its retention (issue 13.4).

Changing the document date or category recomputes keep-until. It may never move before
the file's lawful floor (`keep_until_min`: the value computed at filing, or the last one
an admin set) unless an `admin` does it with a reason, which goes into the audit log and
starts a grace period: the cleanup keeps a file whose keep-until was shortened within
the last `grace_days` days unless an admin released it. Every write is a compare-and-set
on the values read, so a concurrent edit cannot slip in between check and write.
"""
from datetime import date, datetime, timezone

from bson import ObjectId

from models.archive import ArchivedFile, DocumentCategory
from models.audit import AuditEntry, FieldChange
from services.archive.holds import being_deleted
from services.archive.retention_rules import keep_until_for
from services.archive.upload import ArchiveError

SHORTENED_GRACE_DAYS = 30


def earlier(new: date | None, old: date | None) -> bool:
    """True when keep-until `new` ends before `old` (None: kept for ever)."""
    return new is not None and (old is None or new < old)


def floor_of(record: ArchivedFile) -> date | None:
    """Return the earliest keep-until the file may have without an admin's reason."""
    return record.keep_until_min if record.keep_until_min is not None else record.keep_until


def change_file_metadata(file_id: ObjectId, *, category: str, document_date: date,
                         description: str | None, user: str, roles: tuple[str, ...] | list[str],
                         reason: str | None = None) -> ArchivedFile:
    """Change category, document date and description; refuse a silent shortening."""
    record = ArchivedFile.objects(pk=file_id).first()
    if record is None:
        raise ArchiveError("there is no archived file with this id")
    if DocumentCategory.objects(pk=category).first() is None:
        raise ArchiveError(f"there is no document category {category!r}")
    if being_deleted(record.pk):
        raise ArchiveError("this file is being deleted by the cleanup")
    new_until, floor = keep_until_for(category, document_date), floor_of(record)
    changes = {"category": category, "document_date": _day(document_date),
               "description": description or None, "keep_until": _day(new_until)}
    shortened = earlier(new_until, floor)
    if shortened:
        reason = (reason or "").strip()
        if "admin" not in roles or len(reason) < 3:
            raise ArchiveError(
                f"this change would shorten the retention of '{record.filename}' from "
                f"{_show(floor)} to {_show(new_until)}; only an administrator may do that, "
                "with a reason")
        now = datetime.now(timezone.utc)
        changes.update(keep_until_min=_day(new_until), keep_until_shortened_at=now,
                       keep_until_shortened_by=user, keep_until_shortened_reason=reason[:500],
                       deletion_released_at=None, deletion_released_by=None)
    elif record.keep_until_min is None:
        changes["keep_until_min"] = _day(floor)  # a file filed before the floor existed
    written = ArchivedFile._get_collection().update_one(_as_read(record), {"$set": changes})
    if not written.matched_count:
        raise ArchiveError(f"'{record.filename}' was changed meanwhile; reload and try again")
    _audit(record, user, changes, reason if shortened else None)
    return record.reload()


def release_shortened_file(file_id: ObjectId, user: str, roles, reason: str) -> ArchivedFile:
    """Let the cleanup delete a file whose retention was shortened, before the grace ends."""
    reason = (reason or "").strip()
    if "admin" not in roles or len(reason) < 3:
        raise ArchiveError("only an administrator may release a file for deletion, with a reason")
    record = ArchivedFile.objects(pk=file_id).first()
    if record is None or record.keep_until_shortened_at is None:
        raise ArchiveError("this file's retention was not shortened; nothing to release")
    now = datetime.now(timezone.utc)
    written = ArchivedFile._get_collection().update_one(
        {"_id": record.pk, "keep_until_shortened_at": record.keep_until_shortened_at},
        {"$set": {"deletion_released_at": now, "deletion_released_by": user}})
    if not written.matched_count:
        raise ArchiveError(f"'{record.filename}' was changed meanwhile; reload and try again")
    _audit(record, user, {"deletion_released_at": now}, reason)
    return record.reload()


def _as_read(record: ArchivedFile) -> dict:
    """The compare-and-set filter: the record exactly as the decision saw it."""
    return {"_id": record.pk, "category": record.category.pk,
            "document_date": _day(record.document_date), "keep_until": _day(record.keep_until),
            "keep_until_min": _day(record.keep_until_min)}


def _audit(record: ArchivedFile, user: str, changes: dict, reason: str | None) -> None:
    before = {"category": record.category.pk, "document_date": _day(record.document_date),
              "description": record.description, "keep_until": _day(record.keep_until),
              "keep_until_min": _day(record.keep_until_min)}
    field_changes = [FieldChange(field=name, old=_text(before.get(name)), new=_text(value))
                     for name, value in changes.items() if before.get(name) != value
                     and name in before or name == "deletion_released_at"]
    if reason:
        field_changes.append(FieldChange(field="reason", old=None, new=reason))
    AuditEntry(user=user, action="update", collection="archived_files",
               document_id=str(record.pk), label=record.filename[:200],
               changes=field_changes).save()


def _day(value: date | None) -> datetime | None:
    """A date as MongoDB stores a DateField (midnight, naive)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return datetime(value.year, value.month, value.day)


def _show(value: date | None) -> str:
    return "for ever" if value is None else f"{value:%d.%m.%Y}"


def _text(value) -> str | None:
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d}"
    return None if value is None else str(value)
