"""The backup's MongoDB path (driver dump, snapshot session or plain) against a real server.

Two servers: (1) a real MongoDB where one exists — set BACKOFFICE_TEST_MONGODB_URI to a
server the test may create and drop two databases on, or put `mongod` on the PATH (a
throw-away standalone server is started in a temp dir). There is none on this machine and
none is installable (apt has no mongodb-server / mongodb-org / mongod package, no package
of the reachable registries ships a mongod binary, and tools that download one at run time
cannot reach their download host), so that run is skipped here. (2) Always: the test
session's FerretDB reached over TCP through a small relay, so the URI is an ordinary
`mongodb://host:port/` and the backup takes the driver path (no SQLite file to copy)
exactly as it would on MongoDB; FerretDB has no snapshot reads, so this is the
`mongodb-plain` method. What only a real MongoDB replica set can show is the
`mongodb-snapshot-session` method.
"""
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from urllib.parse import unquote

import gridfs
import pytest
from pymongo import MongoClient

from services.backup.create import create_backup
from services.backup.restore import restore_backup, verify_backup

MONGOD = shutil.which("mongod")
URI = os.environ.get("BACKOFFICE_TEST_MONGODB_URI")
NO_MONGODB = pytest.mark.skipif(
    not (URI or MONGOD),
    reason="no MongoDB server: no mongod is installable on this machine (not in apt, not in "
           "any reachable registry); set BACKOFFICE_TEST_MONGODB_URI or put mongod on PATH")


@pytest.fixture(scope="module")
def mongodb_uri():
    if not (URI or MONGOD):
        pytest.skip("no MongoDB server on this machine")
    if URI:
        yield URI
        return
    work = tempfile.mkdtemp(prefix="bo-mongod-")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([MONGOD, "--dbpath", work, "--port", str(port), "--bind_ip",
                             "127.0.0.1", "--quiet"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    uri = f"mongodb://127.0.0.1:{port}/"
    try:
        for _ in range(120):
            try:
                MongoClient(uri, serverSelectionTimeoutMS=500).admin.command("ping")
                break
            except Exception:
                time.sleep(0.5)
        yield uri
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)


def _relay(target_socket: str):
    """Listen on 127.0.0.1 and pass every connection on to a Unix socket (both ways)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    stop = threading.Event()

    def pipe(src, dst):
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except (socket.timeout, OSError):
                continue
            upstream = socket.socket(socket.AF_UNIX)
            upstream.connect(target_socket)
            for a, b in ((conn, upstream), (upstream, conn)):
                threading.Thread(target=pipe, args=(a, b), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    return listener.getsockname()[1], stop, thread, listener


@pytest.fixture(scope="module")
def tcp_uri(db_server):
    """The session's server as a plain host:port URI (the embedded one through a relay)."""
    rest = db_server.removeprefix("mongodb://")
    host = rest.split("/", 1)[0].split("?", 1)[0]
    if not host.lower().startswith("%2f"):
        yield db_server  # MONGODB_URI: already a network server
        return
    port, stop, thread, listener = _relay(unquote(host))
    yield f"mongodb://127.0.0.1:{port}/"
    stop.set()
    thread.join(timeout=10)
    listener.close()


def test_driver_path_over_tcp_against_the_test_server(tcp_uri, tmp_path):
    """The dump and restore a MongoDB deployment gets, against a real wire-protocol server."""
    method = _backup_and_restore(tcp_uri, tmp_path)
    if not os.environ.get("MONGODB_URI"):
        assert method == "mongodb-plain"  # FerretDB: no snapshot reads, so plain


@NO_MONGODB
def test_backup_and_restore_through_the_driver(mongodb_uri, tmp_path):
    _backup_and_restore(mongodb_uri, tmp_path)


def _backup_and_restore(mongodb_uri, tmp_path):
    client = MongoClient(mongodb_uri, tz_aware=True)
    name = f"bo_backup_{uuid.uuid4().hex[:8]}"
    source, target = client[name], client[f"{name}_r"]
    try:
        source.people.insert_many([{"n": i, "name": f"Person {i}"} for i in range(250)])
        source.people.create_index("n", unique=True)
        content = b"%PDF-1.4\n" + os.urandom(600_000) + b"\n%%EOF\n"
        gridfs.GridFS(source, collection="archive").put(content, filename="beleg.pdf")
        result = create_backup(mongodb_uri, name, tmp_path)
        assert result.manifest["method"] in ("mongodb-snapshot-session", "mongodb-plain")
        assert result.manifest["collections"]["people"]["count"] == 250
        assert verify_backup(result.path, None).ok
        restore_backup(result.path, target, None)
        assert list(target.people.find({}, {"_id": 0}).sort("n", 1)) == \
            list(source.people.find({}, {"_id": 0}).sort("n", 1))
        assert gridfs.GridFS(target, collection="archive").find_one().read() == content
        assert any(ix.get("unique") for ix in target.people.index_information().values())
        return result.manifest["method"]
    finally:
        client.drop_database(name)
        client.drop_database(f"{name}_r")
        client.close()
