"""The backup's MongoDB path (driver dump, snapshot session or plain) against a real MongoDB.

Skipped here, for this path only: there is no MongoDB server on this machine and none is
installable (apt has no mongodb-server / mongodb-org / mongod package, and no package of
the reachable registries ships a mongod binary; tools that download one at run time cannot
reach their download host). It runs where one is: set BACKOFFICE_TEST_MONGODB_URI to a
server the test may create and drop two databases on, or put `mongod` on the PATH (a
throw-away standalone server is started in a temp dir). Every other backup test runs on
the embedded FerretDB.
"""
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid

import gridfs
import pytest
from pymongo import MongoClient

from services.backup.create import create_backup
from services.backup.restore import restore_backup, verify_backup

MONGOD = shutil.which("mongod")
URI = os.environ.get("BACKOFFICE_TEST_MONGODB_URI")
pytestmark = pytest.mark.skipif(
    not (URI or MONGOD),
    reason="no MongoDB server: no mongod is installable on this machine (not in apt, not in "
           "any reachable registry); set BACKOFFICE_TEST_MONGODB_URI or put mongod on PATH")


@pytest.fixture(scope="module")
def mongodb_uri():
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


def test_backup_and_restore_through_the_driver(mongodb_uri, tmp_path):
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
    finally:
        client.drop_database(name)
        client.drop_database(f"{name}_r")
        client.close()
