"""Subject access (Art. 15) and portability (Art. 20): everything held about one person.

The person is found by kind and key (personnel number, customer or supplier number, a
user's e-mail, or the _id); every collection the registry lists for that kind is
searched by its registered fields, archived files referenced by what was found are
added, and the result is written as a ZIP: `daten.json` (machine-readable, Extended
JSON), `zusammenfassung.pdf` (readable) and `archiv/` (the files themselves).
An employee who also has a user account (same e-mail) is collected as both.
"""
import html
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone

import mongoengine as me
from bson import DBRef, ObjectId, json_util
from bson.errors import InvalidId

from services.core.messages import N_, RuleError
from services.privacy.registry import SUBJECTS, refs_for

KEYS = {"employee": ("employees", "personnel_no"), "customer": ("customers", "customer_no"),
        "supplier": ("suppliers", "supplier_no"), "user": ("users", "email")}
REDACTED = ("password_hash", "token_hash", "secret", "session_version")


@dataclass
class SubjectData:
    kind: str
    subject: dict
    collections: dict = field(default_factory=dict)   # collection -> [documents]
    archive: list = field(default_factory=list)        # archived_files documents
    also: list = field(default_factory=list)           # (kind, key) collected with it


def find_subject(kind: str, key: str) -> dict:
    """The subject's own document, by its business key or _id."""
    if kind not in SUBJECTS:
        raise RuleError(N_("Unbekannte Art von Person %(kind)s; möglich: %(kinds)s"),
                        kind=kind, kinds=tuple(SUBJECTS))
    if kind not in KEYS:
        raise RuleError(N_("Für %(kind)s gibt es in diesem System noch keine Daten."),
                        kind=kind)
    coll, key_field = KEYS[kind]
    db = me.get_db()
    query = [{key_field: key.strip()}]
    try:
        query.append({"_id": ObjectId(key)})
    except (InvalidId, TypeError):
        pass
    doc = db[coll].find_one({"$or": query})
    if doc is None:
        raise RuleError(N_("Keine Person %(kind)s mit %(key)s gefunden."), kind=kind, key=key)
    return doc


def collect(kind: str, key: str) -> SubjectData:
    """Collect every registered document that refers to the person, and their archive files."""
    subject = find_subject(kind, key)
    data = SubjectData(kind, subject)
    _collect_into(data, kind, subject)
    email = subject.get("email")
    if kind != "user" and email:
        user = me.get_db()["users"].find_one({"email": email})
        if user is not None:
            data.also.append(("user", email))
            _collect_into(data, "user", user)
    _add_archive(data)
    return data


def _collect_into(data: SubjectData, kind: str, subject: dict) -> None:
    db = me.get_db()
    ident, email, iban = subject["_id"], subject.get("email"), subject.get("iban")
    for coll, refs in refs_for(kind).items():
        clauses = [c for c in (_clause(r, ident, email, iban) for r in refs) if c]
        if not clauses:
            continue
        found = data.collections.setdefault(coll, {})
        for doc in db[coll].find({"$or": clauses}):
            found[doc["_id"]] = _redact(doc)
    data.collections = {c: v for c, v in data.collections.items() if v}


def _clause(ref, ident, email, iban=None):
    if ref.by == "self":
        return {"_id": ident}
    if ref.by == "id":
        return {ref.field: ident}
    if ref.by == "id_str":
        return {ref.field: str(ident)}
    if ref.by == "email" and email:
        return {ref.field: email}
    if ref.by == "contains" and email:
        return {ref.field: {"$regex": re.escape(email)}}
    if ref.by == "iban" and iban:
        return {ref.field: iban}
    return None


def _redact(doc: dict) -> dict:
    return {k: ("[entfernt]" if k in REDACTED else v) for k, v in doc.items()}


def _add_archive(data: SubjectData) -> None:
    ids = set()
    for docs in data.collections.values():
        for doc in docs.values():
            ids |= _object_ids(doc)
    found = data.collections.get("archived_files", {})
    data.archive = list(found.values()) + list(me.get_db()["archived_files"].find(
        {"_id": {"$in": sorted(ids - set(found))}}))


def _object_ids(value) -> set:
    if isinstance(value, ObjectId):
        return {value}
    if isinstance(value, DBRef):
        return {value.id} if isinstance(value.id, ObjectId) else set()
    if isinstance(value, dict):
        return set().union(*(_object_ids(v) for v in value.values())) if value else set()
    if isinstance(value, (list, tuple)):
        return set().union(*(_object_ids(v) for v in value)) if value else set()
    return set()


def to_json(data: SubjectData) -> str:
    """The machine-readable part (Art. 20): MongoDB Extended JSON, relaxed."""
    payload = {"art": data.kind, "person": data.subject, "auch": data.also,
               "erstellt": datetime.now(timezone.utc),
               "sammlungen": {c: list(d.values()) for c, d in sorted(data.collections.items())},
               "archiv": data.archive}
    return json_util.dumps(payload, json_options=json_util.RELAXED_JSON_OPTIONS,
                           indent=1, ensure_ascii=False)


def summary_html(data: SubjectData) -> str:
    """The readable summary (Art. 15): who, which collections, how many, which files."""
    from services.core.pdf import FONT_CSS

    e = html.escape
    person = "".join(f"<tr><td>{e(str(k))}</td><td>{e(str(v))}</td></tr>"
                     for k, v in data.subject.items() if k not in REDACTED)
    rows = "".join(f"<tr><td>{e(c)}</td><td>{len(d)}</td></tr>"
                   for c, d in sorted(data.collections.items()))
    files = "".join(f"<li>{e(f.get('filename', ''))} ({e(str(f.get('document_date', '')))})"
                    "</li>" for f in data.archive) or "<li>keine</li>"
    return (f"<html><head><meta charset='utf-8'><style>{FONT_CSS} body {{ font-family: "
            f"'DejaVu Sans'; font-size: 9pt; }} td {{ padding: 2px; }}</style></head><body>"
            f"<h1>Auskunft nach Art. 15 DSGVO</h1><p>Art der Person: {e(data.kind)}; erstellt "
            f"{datetime.now(timezone.utc):%d.%m.%Y %H:%M} UTC</p>"
            f"<h2>Stammdaten</h2><table>{person}</table>"
            f"<h2>Gespeicherte Daten je Sammlung</h2><table><tr><th>Sammlung</th>"
            f"<th>Datensätze</th></tr>{rows}</table>"
            f"<h2>Archivierte Dokumente</h2><ul>{files}</ul>"
            "<p>Alle Einzelheiten stehen maschinenlesbar in daten.json (Art. 20 DSGVO).</p>"
            "</body></html>")


def write_zip(data: SubjectData, out) -> None:
    """Write the ZIP (daten.json, zusammenfassung.pdf, archiv/...) to a binary stream."""
    from services.archive.store import grid
    from services.core.pdf import html_to_pdf

    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("daten.json", to_json(data))
        zf.writestr("zusammenfassung.pdf", html_to_pdf(summary_html(data)))
        fs = grid()
        for record in data.archive:
            content = record.get("content")
            if content is None:
                continue
            try:
                body = fs.get(content).read()
            except Exception:  # deleted by retention meanwhile: the JSON still lists it
                continue
            zf.writestr(f"archiv/{record['_id']}-{record.get('filename', 'datei')}", body)


def export_zip(kind: str, key: str) -> tuple[SubjectData, bytes]:
    """Collect and return the ZIP's bytes."""
    data = collect(kind, key)
    buf = io.BytesIO()
    write_zip(data, buf)
    return data, buf.getvalue()
