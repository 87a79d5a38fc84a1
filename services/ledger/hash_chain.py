"""The canonical content of a posted journal entry and its chained SHA-256 (pure)."""
import hashlib
import json
from datetime import date, datetime, timezone


def canonical_content(doc: dict) -> bytes:
    """Serialise the posted content of a raw entry document in a fixed, stable form.

    Works on the stored document (amounts as integer cents) so that `verify` sees
    exactly what the database holds; `reversed_by` is not part of it because it is
    added later, when the entry is reversed.
    """
    content = {
        "id": str(doc["_id"]),
        "fiscal_year": doc.get("fiscal_year"),
        "number": doc.get("number"),
        "date": _iso_date(doc.get("date")),
        "text": doc.get("text") or "",
        "voucher_ref": doc.get("voucher_ref") or "",
        "source": doc.get("source") or "",
        "reversal_of": str(doc["reversal_of"]) if doc.get("reversal_of") else "",
        "posted_by": doc.get("posted_by") or "",
        "posted_at": _iso_timestamp(doc.get("posted_at")),
        "lines": [_line(line) for line in doc.get("lines") or []],
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def _line(line: dict) -> list:
    """A line's hashed content; the cost centre joins it only when set, so the hashes
    of entries posted before cost centres existed stay what they were."""
    content = [line.get("account"), int(line.get("debit") or 0),
               int(line.get("credit") or 0), line.get("tax_key") or "", line.get("text") or ""]
    if line.get("cost_center"):
        content.append(line["cost_center"])
    return content


def chain_hash(prev_hash: str, doc: dict) -> str:
    """SHA-256 (hex) of the previous entry's hash and this entry's canonical content."""
    digest = hashlib.sha256(prev_hash.encode("ascii"))
    digest.update(b"\n")
    digest.update(canonical_content(doc))
    return digest.hexdigest()


def _iso_date(value) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return ""


def _iso_timestamp(value) -> str:
    if not isinstance(value, datetime):
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)  # the driver hands back naive UTC
    value = value.astimezone(timezone.utc)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
