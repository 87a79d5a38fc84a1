"""Compute what changed between two snapshots of a document, for the audit log."""
from datetime import date, datetime
from decimal import Decimal

IGNORED_FIELDS = {"_id", "updated_at", "created_at", "_cls", "password_hash", "session_version"}
# Write-only secrets: the log records that they changed, never their value.
SECRET_FIELDS = {"licence_key"}


def snapshot(document) -> dict:
    """Return the document's field values as plain, comparable data."""
    data = {}
    for name in document._fields_ordered:
        if name in IGNORED_FIELDS or name == "id":
            continue
        value = getattr(document, name, None)
        if name in SECRET_FIELDS:
            data[name] = _fingerprint(value)
            continue
        data[name] = _plain(value)
    return data


def _fingerprint(secret) -> str | None:
    """A short hash that shows a secret changed without showing it."""
    import hashlib

    if not secret:
        return None
    return "•••" + hashlib.sha256(secret.encode()).hexdigest()[:8]


def diff(before: dict, after: dict) -> list[tuple[str, str | None, str | None]]:
    """List (field, old, new) for every field whose value differs."""
    changes = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old != new:
            changes.append((name, _text(old), _text(new)))
    return changes


def _plain(value):
    if hasattr(value, "_fields_ordered"):  # embedded document
        return {k: _plain(getattr(value, k, None)) for k in value._fields_ordered}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "grid_id"):  # GridFS proxy
        return str(value.grid_id) if value.grid_id else None
    if hasattr(value, "pk") and hasattr(value, "_meta"):  # referenced document
        return str(value)
    return value


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, (Decimal, int, float, bool, str)):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return repr(value)
