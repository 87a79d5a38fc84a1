"""Write a backup: snapshot, dump every collection (GridFS included) into a temp file, rename.

The file is written as `.<name>.partial` in the target directory, flushed, fsync'd and
only then renamed to its final name, so a crash or kill -9 leaves at most a `.partial`
file (and, in the tar, no manifest): nothing that looks like a finished backup.
"""
import gzip
import os
import tarfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from bson.codec_options import CodecOptions
from bson.raw_bson import RawBSONDocument

from services.backup import container
from services.backup.snapshot import open_source

RAW = CodecOptions(document_class=RawBSONDocument)
SUFFIX = ".bobackup"
_hooks = {"after_part": None}  # tests: called with (part number, partial path, source)


@dataclass
class BackupResult:
    path: Path
    manifest: dict
    size: int
    sha256: str
    documents: int = 0
    collections: list = field(default_factory=list)


def product_version() -> str:
    try:
        return metadata.version("backoffice")
    except metadata.PackageNotFoundError:
        return "unknown"


def backup_name(now: datetime) -> str:
    """backoffice-YYYYmmddTHHMMSSZ.bobackup: sorts by time; retention reads the time from it."""
    return f"backoffice-{now:%Y%m%dT%H%M%S}Z{SUFFIX}"


def create_backup(uri: str, db_name: str, target_dir: Path, *, key: bytes | None = None,
                  now: datetime | None = None, binary: Path | None = None) -> BackupResult:
    """Back up every collection of `db_name` into a new file in `target_dir`."""
    now = now or datetime.now(timezone.utc)
    target_dir = Path(target_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    final = target_dir / backup_name(now)
    partial = target_dir / f".{final.name}.partial"
    try:
        with open(partial, "wb") as fh, tarfile.open(fileobj=fh, mode="w",
                                                     format=tarfile.PAX_FORMAT) as tar:
            header = {"format": container.FORMAT, "encrypted": key is not None,
                      "key_id": container.key_id(key) if key else None}
            container.add_member(tar, container.HEADER, container.json_bytes(header))
            with open_source(uri, db_name, binary=binary) as source:
                manifest = _dump(tar, source, key)
            manifest.update(format=container.FORMAT, database=db_name,
                            created_at=now.isoformat(), product_version=product_version(),
                            encrypted=key is not None)
            name = container.MANIFEST + (".enc" if key else "")
            container.add_member(tar, name, container.seal(
                container.json_bytes(manifest), name, key))
        _fsync(partial)
        os.replace(partial, final)
        _fsync_dir(target_dir)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    documents = sum(c["count"] for c in manifest["collections"].values())
    return BackupResult(final, manifest, final.stat().st_size, _file_sha256(final), documents,
                        sorted(manifest["collections"]))


def _dump(tar, source, key) -> dict:
    db, session = source.db, source.session
    collections, parts, number = {}, [], 0
    for name in sorted(db.list_collection_names(session=session)):
        if name.startswith("system."):
            continue
        coll = db.get_collection(name, codec_options=RAW)
        indexes = [_index_spec(ix) for ix in coll.list_indexes(session=session)
                   if ix["name"] != "_id_"]
        entry = {"count": 0, "parts": [], "indexes": indexes}
        for chunk, count in _chunks(coll.find({}, session=session).sort("_id", 1)):
            number += 1
            part = f"data/{name}.{len(entry['parts']) + 1:04d}.bson.gz"
            data = container.seal(gzip.compress(chunk, compresslevel=6, mtime=0), part, key)
            container.add_member(tar, part, data)
            parts.append({"name": part, "collection": name, "count": count,
                          "size": len(data), "sha256": container.sha256(data)})
            entry["parts"].append(part)
            entry["count"] += count
            if _hooks["after_part"]:
                _hooks["after_part"](number, tar.fileobj.name, source)
        collections[name] = entry
    return {"method": source.method, "collections": collections, "parts": parts,
            "gridfs": _gridfs_summary(db, session, collections)}


def _chunks(cursor):
    buf, count = bytearray(), 0
    for doc in cursor:
        buf += doc.raw
        count += 1
        if len(buf) >= container.PART_BYTES:
            yield bytes(buf), count
            buf, count = bytearray(), 0
    if count:
        yield bytes(buf), count


def _index_spec(index) -> dict:
    spec = {"name": index["name"], "key": [[k, v] for k, v in index["key"].items()]}
    for option in ("unique", "sparse", "expireAfterSeconds", "partialFilterExpression"):
        if option in index:
            spec[option] = index[option]
    return spec


def _gridfs_summary(db, session, collections) -> dict:
    buckets = {}
    for name in collections:
        if name.endswith(".files") and name[:-6] + ".chunks" in collections:
            total = sum(doc.get("length", 0) for doc in
                        db[name].find({}, {"length": 1}, session=session))
            buckets[name[:-6]] = {"files": collections[name]["count"], "bytes": total,
                                  "chunks": collections[name[:-6] + ".chunks"]["count"]}
    return buckets


def _file_sha256(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(2**20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

