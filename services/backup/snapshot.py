"""Where a backup reads from: one consistent point in time of the whole database.

The application uses no multi-document transactions; every write sequence is built so
that a crash between two steps is completed later (ledger recover, ops recover, archive
sweep). A backup that reads collection after collection while the server runs would
mix times (a journal entry without its chain slot, an archive record whose GridFS
chunks came later), a state no crash can produce. So the backup reads a snapshot:

* Embedded FerretDB: each database is one SQLite file next to the server's socket. The
  SQLite online backup API (`sqlite3.Connection.backup`, all pages in one step) copies
  it under one read transaction, so the copy is the database at one instant while the
  server keeps running (writers wait at most for the copy). A second, private FerretDB
  is started on the copy and the dump reads it through the driver, so the backup file
  holds plain BSON, restorable into FerretDB or MongoDB alike.
* MongoDB: a snapshot session (`readConcern: snapshot`, MongoDB 5.0+ replica set)
  makes every read see the same cluster time. A standalone server has none; the
  backup is then taken collection by collection and its manifest says so
  (`method: mongodb-plain`): stop the scheduler and the panel for such a backup, or
  use `mongodump --oplog`.
"""
import os
import shutil
import sqlite3
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from pymongo import MongoClient
from pymongo.errors import OperationFailure

from services.core.embedded_db import BINARY_NAME, REPO_DIR, EmbeddedMongo


@dataclass
class Source:
    """A database to read from, the session to read it in and how it was made consistent."""

    db: object
    session: object
    method: str
    server: object = None  # the private snapshot server, if one was started


def embedded_socket(uri: str) -> Path | None:
    """The Unix socket of an embedded-server URI, else None."""
    rest = uri.removeprefix("mongodb://")
    host = rest.split("/", 1)[0].split("?", 1)[0]
    if not host.lower().startswith("%2f"):
        return None
    return Path(unquote(host))


def sqlite_file(socket: Path, db_name: str) -> Path:
    """The SQLite file FerretDB keeps `db_name` in (one file per database)."""
    return socket.parent / f"{db_name}.sqlite"


@contextmanager
def open_source(uri: str, db_name: str, *, binary: Path | None = None):
    """Yield a Source showing the whole database at one instant (see module docstring)."""
    socket = embedded_socket(uri)
    if socket is not None and sqlite_file(socket, db_name).exists():
        with _sqlite_snapshot(socket, db_name, binary) as source:
            yield source
        return
    client = MongoClient(uri, tz_aware=True, uuidRepresentation="standard")
    try:
        with _mongodb_session(client, db_name) as (session, method):
            yield Source(client[db_name], session, method)
    finally:
        client.close()


@contextmanager
def _mongodb_session(client, db_name: str):
    """A snapshot session if the server really pins reads to one cluster time, else None.

    The proof is the server's answer, not its acceptance of the option: a snapshot read
    on a MongoDB replica set returns `atClusterTime`, which the driver then sends with
    every later read of the session. A standalone MongoDB refuses the read; a server that
    accepts the option and ignores it (FerretDB) returns no `atClusterTime`, so its reads
    would not be pinned and the backup is taken as plain (and its manifest says so).
    """
    session = None
    try:
        session = client.start_session(snapshot=True)
        db = client[db_name]
        names = db.list_collection_names()
        db[names[0] if names else "backup_probe"].find_one({}, session=session)
        pinned = getattr(session, "_snapshot_time", None) is not None
    except (OperationFailure, Exception):  # standalone or an older server: no snapshot reads
        pinned = False
    if not pinned:
        if session is not None:
            session.end_session()
        yield None, "mongodb-plain"
        return
    try:
        yield session, "mongodb-snapshot-session"
    finally:
        session.end_session()


SNAPSHOT_PREFIX = "bo-snap-"


@contextmanager
def _sqlite_snapshot(socket: Path, db_name: str, binary: Path | None):
    stop_orphans()
    work = Path(tempfile.mkdtemp(prefix=SNAPSHOT_PREFIX))
    (work / "owner.pid").write_text(str(os.getpid()))
    server = None
    try:
        copy_dir = work / "ferretdb"
        copy_dir.mkdir(mode=0o700)
        copy_sqlite(sqlite_file(socket, db_name), copy_dir / f"{db_name}.sqlite")
        server = EmbeddedMongo(work, binary_path=binary or launcher_binary(socket))
        client = MongoClient(server.start(), tz_aware=True, uuidRepresentation="standard")
        try:
            yield Source(client[db_name], None, "embedded-sqlite-snapshot", server)
        finally:
            client.close()
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy a live SQLite database at one instant (online backup API, one step)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=60)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)  # pages=-1: the whole file under one read transaction
    finally:
        dst.close()
        src.close()


def launcher_binary(socket: Path) -> Path:
    """The launcher binary of the running embedded server (or the checkout's build)."""
    pid_file = socket.parent.parent / "ferretdb.pid"
    try:
        exe = Path(os.readlink(f"/proc/{int(pid_file.read_text().strip())}/exe"))
        if exe.name == BINARY_NAME and exe.exists():
            return exe
    except (OSError, ValueError):
        pass
    for candidate in (socket.parent.parent / "bin" / BINARY_NAME,
                      Path(os.environ.get("BACKOFFICE_DATA_DIR", REPO_DIR / "var")) / "bin"
                      / BINARY_NAME):
        if candidate.exists():
            return candidate
    return REPO_DIR / "var" / "bin" / BINARY_NAME


def stop_orphans() -> list[Path]:
    """Stop snapshot servers whose backup process died (kill -9) and remove their copies."""
    stopped = []
    for work in Path(tempfile.gettempdir()).glob(SNAPSHOT_PREFIX + "*"):
        try:
            owner = int((work / "owner.pid").read_text())
        except (OSError, ValueError):
            continue
        if _alive(owner):
            continue
        EmbeddedMongo(work).stop()
        shutil.rmtree(work, ignore_errors=True)
        stopped.append(work)
    return stopped


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return Path(f"/proc/{pid}").exists() and "Z" not in _proc_state(pid)


def _proc_state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return ""
