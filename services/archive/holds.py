"""Legal holds on archived files and whole categories: set and lifted with a reason, logged."""
from datetime import datetime, timezone

from bson import ObjectId
from bson.errors import InvalidId

from models.archive import ArchivedFile, DocumentCategory, PurgeBatch
from models.audit import AuditEntry, FieldChange
from services.core.errors import BusinessRuleError


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise BusinessRuleError("give a reason (e.g. the tax audit or appeal) for the hold")
    return reason[:500]


def _log(user: str, collection: str, doc_id: str, label: str, changes: list) -> None:
    AuditEntry(user=user, action="update", collection=collection, document_id=doc_id,
               label=label[:200], changes=[FieldChange(field=f, old=o, new=n)
                                           for f, o, n in changes]).save()


def _file(file_id: str) -> ArchivedFile:
    try:
        record = ArchivedFile.objects(pk=ObjectId(file_id)).first()
    except (InvalidId, TypeError):
        record = None
    if record is None:
        raise BusinessRuleError("there is no archived file with this id")
    return record


def set_file_hold(file_id: str, reason: str, user: str) -> ArchivedFile:
    """Put one file on legal hold; refused once the cleanup has claimed it."""
    reason, record = _reason(reason), _file(file_id)
    _refuse_if_being_deleted(record)
    ArchivedFile.objects(pk=record.pk).update(
        set__hold_reason=reason, set__hold_by=user, set__hold_at=datetime.now(timezone.utc))
    # The cleanup claims first and checks holds after; checking again after our write
    # means one of the two always sees the other.
    _refuse_if_being_deleted(record)
    _log(user, "archived_files", str(record.pk), record.filename,
         [("hold_reason", record.hold_reason, reason)])
    return record.reload()


def being_deleted(file_id) -> bool:
    """True if an open cleanup batch has claimed this file."""
    return PurgeBatch.objects(ids=file_id, done=False).count() > 0


def _refuse_if_being_deleted(record: ArchivedFile) -> None:
    if being_deleted(record.pk):
        raise BusinessRuleError(f"'{record.filename}' is already being deleted by the "
                                "retention cleanup; it can no longer be held")


def lift_file_hold(file_id: str, reason: str, user: str) -> ArchivedFile:
    """Lift a file's legal hold, recording why."""
    reason, record = _reason(reason), _file(file_id)
    if not record.hold_reason:
        raise BusinessRuleError(f"'{record.filename}' is not on hold")
    ArchivedFile.objects(pk=record.pk).update(unset__hold_reason=True, unset__hold_by=True,
                                              unset__hold_at=True)
    _log(user, "archived_files", str(record.pk), record.filename,
         [("hold_reason", record.hold_reason, None), ("hold_lifted_because", None, reason)])
    return record.reload()


def _category(code: str) -> DocumentCategory:
    category = DocumentCategory.objects(pk=code).first()
    if category is None:
        raise BusinessRuleError(f"there is no document category {code!r}")
    return category


def set_category_hold(code: str, reason: str, user: str) -> DocumentCategory:
    """Put a whole category on legal hold: none of its files is deleted meanwhile."""
    reason, category = _reason(reason), _category(code)
    DocumentCategory.objects(pk=code).update(
        set__hold_reason=reason, set__hold_by=user,
        set__hold_at=datetime.now(timezone.utc))
    _log(user, "document_categories", code, category.name,
         [("hold_reason", category.hold_reason, reason)])
    return category.reload()


def lift_category_hold(code: str, reason: str, user: str) -> DocumentCategory:
    """Lift a category's legal hold, recording why."""
    reason, category = _reason(reason), _category(code)
    if not category.hold_reason:
        raise BusinessRuleError(f"category '{category.name}' is not on hold")
    DocumentCategory.objects(pk=code).update(unset__hold_reason=True, unset__hold_by=True,
                                             unset__hold_at=True)
    _log(user, "document_categories", code, category.name,
         [("hold_reason", category.hold_reason, None), ("hold_lifted_because", None, reason)])
    return category.reload()
