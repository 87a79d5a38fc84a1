"""Check a backup file (manifest, hashes, counts) and restore it into an empty database.

After a restore the journal's hash chains are recomputed and every archived content is
read back from GridFS and compared with its SHA-256, so a restore that "worked" but lost
or damaged something is reported, not trusted.
"""
import gzip
import hashlib
import io
import json
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

from bson import decode_file_iter
from bson.codec_options import CodecOptions
from bson.raw_bson import RawBSONDocument
from pymongo import ASCENDING

from services.backup import container
from services.core.messages import N_, RuleError

RAW = CodecOptions(document_class=RawBSONDocument)
BATCH = 500


@dataclass
class VerifyReport:
    manifest: dict
    problems: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class RestoreReport:
    manifest: dict
    documents: int = 0
    ledger: list = field(default_factory=list)      # (year, ok, message)
    archive_checked: int = 0
    archive_problems: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(ok for _, ok, _ in self.ledger) and not self.archive_problems


def read_manifest(tar: tarfile.TarFile, key: bytes | None) -> dict:
    """The manifest of an open backup; refuse a file without one (unfinished or not ours)."""
    try:
        names = tar.getnames()
    except (tarfile.TarError, OSError):
        raise RuleError(N_("Die Sicherung endet vorzeitig (abgeschnitten oder beschädigt) "
                           "und ist nicht verwendbar.")) from None
    if container.HEADER not in names:
        raise RuleError(N_("%(file)s ist keine Backoffice-Sicherung."), file=tar.name or "")
    name = next((n for n in (container.MANIFEST, container.MANIFEST + ".enc") if n in names),
                None)
    if name is None:
        raise RuleError(N_("Die Sicherung hat kein Manifest: sie wurde nicht fertig "
                           "geschrieben und ist nicht verwendbar."))
    return json.loads(container.unseal(tar.extractfile(name).read(), name, key))


def verify_backup(path: Path, key: bytes | None) -> VerifyReport:
    """Check every part against the manifest: present, SHA-256, decryptable, document count."""
    with _open(path) as tar:
        manifest = read_manifest(tar, key)
        report = VerifyReport(manifest)
        members = {m.name: m for m in tar.getmembers()}
        for part in manifest["parts"]:
            member = members.get(part["name"])
            if member is None:
                report.problems.append(f"{part['name']}: fehlt")
                continue
            data = tar.extractfile(member).read()
            if hashlib.sha256(data).hexdigest() != part["sha256"]:
                report.problems.append(f"{part['name']}: SHA-256 stimmt nicht")
                continue
            try:
                count = sum(1 for _ in _documents(data, part["name"], key))
            except (RuleError, OSError, EOFError, ValueError) as exc:
                report.problems.append(f"{part['name']}: {exc}")
                continue
            if count != part["count"]:
                report.problems.append(f"{part['name']}: {count} statt {part['count']} "
                                       "Dokumente")
        for name, entry in manifest["collections"].items():
            counted = sum(p["count"] for p in manifest["parts"] if p["collection"] == name)
            if counted != entry["count"]:
                report.problems.append(f"{name}: Teile ergeben {counted} statt "
                                       f"{entry['count']} Dokumente")
    return report


def database_is_empty(db) -> bool:
    """True when no collection of `db` holds a document."""
    return all(db[name].estimated_document_count() == 0 and db[name].find_one() is None
               for name in db.list_collection_names() if not name.startswith("system."))


def restore_backup(path: Path, db, key: bytes | None, *, force: bool = False) -> RestoreReport:
    """Restore a verified backup into `db`; refuse a non-empty database unless forced."""
    report = verify_backup(path, key)
    if not report.ok:
        raise RuleError(N_("Die Sicherung ist beschädigt und wird nicht zurückgespielt: "
                           "%(problems)s"), problems="; ".join(report.problems[:5]))
    if not database_is_empty(db):
        if not force:
            raise RuleError(N_("Die Datenbank %(db)s ist nicht leer. Zurückspielen nur in eine "
                               "leere Datenbank, oder mit --force (löscht alle Daten darin)."),
                            db=db.name)
        for name in db.list_collection_names():
            if not name.startswith("system."):
                db.drop_collection(name)
    manifest = report.manifest
    result = RestoreReport(manifest)
    with _open(path) as tar:
        for name, entry in manifest["collections"].items():
            coll = db.get_collection(name, codec_options=RAW)
            if name not in db.list_collection_names():
                db.create_collection(name)
            for part in entry["parts"]:
                data = tar.extractfile(part).read()
                result.documents += _insert(coll, _documents(data, part, key))
            for index in entry["indexes"]:
                _create_index(coll, index)
    return result


def check_restored(result: RestoreReport) -> RestoreReport:
    """Recompute the journal's hash chains and every archived content's SHA-256."""
    from services.archive.store import grid
    from services.ledger import posting
    from models.archive import ArchiveContent

    for year in posting.known_years():
        check = posting.verify_chain(year)
        result.ledger.append((year, check.ok, check.message))
    fs = grid()
    for content in ArchiveContent._get_collection().find({"stored": True}):
        result.archive_checked += 1
        try:
            data = fs.get(content["grid_id"]).read()
        except Exception as exc:  # a missing GridFS file is exactly what we look for
            result.archive_problems.append(f"{content['_id']}: {type(exc).__name__}")
            continue
        if hashlib.sha256(data).hexdigest() != content["_id"]:
            result.archive_problems.append(f"{content['_id']}: Inhalt weicht ab")
    return result


def _insert(coll, documents) -> int:
    batch, total = [], 0
    for doc in documents:
        batch.append(doc)
        if len(batch) >= BATCH:
            coll.insert_many(batch, ordered=True)
            total, batch = total + len(batch), []
    if batch:
        coll.insert_many(batch, ordered=True)
        total += len(batch)
    return total


def _create_index(coll, index: dict) -> None:
    options = {k: v for k, v in index.items() if k not in ("key", "name")}
    coll.create_index([(k, v) for k, v in index["key"]] or [("_id", ASCENDING)], name=index["name"], **options)


def _documents(data: bytes, name: str, key: bytes | None):
    raw = gzip.decompress(container.unseal(data, name, key))
    return decode_file_iter(io.BytesIO(raw), codec_options=RAW)


def _open(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, mode="r:")
    except (tarfile.TarError, OSError) as exc:
        raise RuleError(N_("%(file)s lässt sich nicht als Sicherung lesen (%(reason)s)."),
                        file=str(path), reason=type(exc).__name__) from None
