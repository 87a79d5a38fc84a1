"""The embedded database's lifecycle against the real launcher binary."""
import os
import subprocess

import pytest

from services.core.embedded_db import BINARY_NAME, EmbeddedDatabaseError, EmbeddedMongo, GO_MISSING
from tests.conftest import REPO, _free_port

BINARY = REPO / os.environ.get("BACKOFFICE_DATA_DIR", "var") / "bin" / BINARY_NAME


@pytest.fixture
def server(tmp_path):
    srv = EmbeddedMongo(tmp_path, _free_port(), binary_path=BINARY)
    yield srv
    srv.stop()


def test_start_ping_stop_restart(server):
    assert not server.is_running()
    uri = server.start()
    assert uri == f"mongodb://127.0.0.1:{server.port}/"
    assert server.is_running() and server.pid_file.exists()
    assert server.start() == uri  # a second start finds the running server
    assert server.stop() is True
    assert not server.is_running() and not server.pid_file.exists()
    assert server.stop() is False
    server.start()
    assert server.ping()


def test_data_survives_a_restart(server):
    from pymongo import MongoClient

    server.start()
    with MongoClient(server.uri) as client:
        client.keep.things.insert_one({"name": "Größe"})
    server.stop()
    server.start()
    with MongoClient(server.uri) as client:
        assert client.keep.things.find_one()["name"] == "Größe"


def test_stale_pid_file_is_replaced(server):
    dead = subprocess.Popen(["true"])
    dead.wait()
    server.pid_file.write_text(str(dead.pid))
    assert server.read_pid() is None
    assert not server.pid_file.exists()
    server.pid_file.write_text(str(os.getpid()))  # alive, but not our server
    server.start()
    assert server.read_pid() != os.getpid()
    assert server.ping()


def test_garbage_pid_file_is_ignored(server):
    server.pid_file.write_text("not a pid")
    server.start()
    assert server.is_running()


def test_port_taken_by_another_server_is_reported(server, tmp_path):
    server.start()
    other = EmbeddedMongo(tmp_path / "other", server.port, binary_path=BINARY)
    with pytest.raises(EmbeddedDatabaseError, match="used by another server"):
        other.start()


def test_missing_go_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no go on PATH
    srv = EmbeddedMongo(tmp_path, _free_port())  # no binary built here yet
    with pytest.raises(EmbeddedDatabaseError) as info:
        srv.start()
    assert str(info.value) == GO_MISSING
    assert "install Go >= 1.24 or set MONGODB_URI" in GO_MISSING


def test_listens_on_loopback_only(server):
    server.start()
    port_hex = f"{server.port:04X}"
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as fh:
            for row in fh.readlines()[1:]:
                local, state = row.split()[1], row.split()[3]
                if state == "0A" and local.endswith(":" + port_hex):  # 0A = LISTEN
                    listening.append(local.split(":")[0])
    assert listening == ["0100007F"]  # 127.0.0.1 and nothing else


def test_single_document_writes_are_atomic_under_concurrency(db_server):
    """$inc and guarded find_one_and_update behave as on MongoDB, also on the embedded server."""
    import threading
    import uuid

    from pymongo import MongoClient, ReturnDocument

    name = f"atomic_{uuid.uuid4().hex[:8]}"
    MongoClient(db_server)[name].c.insert_many([{"_id": "counter", "v": 0},
                                                {"_id": "stock", "q": 10}])
    taken, refused = [], []

    def work():
        coll = MongoClient(db_server)[name].c
        for _ in range(25):
            coll.update_one({"_id": "counter"}, {"$inc": {"v": 1}})
        for _ in range(3):
            doc = coll.find_one_and_update({"_id": "stock", "q": {"$gte": 1}},
                                           {"$inc": {"q": -1}},
                                           return_document=ReturnDocument.AFTER)
            (taken if doc else refused).append(doc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    client = MongoClient(db_server)
    assert client[name].c.find_one({"_id": "counter"})["v"] == 200
    assert client[name].c.find_one({"_id": "stock"})["q"] == 0
    assert len(taken) == 10 and len(refused) == 14
    assert sorted(d["q"] for d in taken) == list(range(10))
    client.drop_database(name)


def test_look_ups_by_id_use_the_id_index(db_server):
    """Our FerretDB patch: SQLite searches the `_id` index instead of scanning the table."""
    from bson import ObjectId
    from pymongo import MongoClient

    with MongoClient(db_server) as client:
        db = client[f"t_{ObjectId()}"]
        db.things.insert_many([{"_id": ObjectId(), "n": n} for n in range(3)])
        oid = db.things.find_one({"n": 1})["_id"]
        plan = db.command("explain", {"find": "things", "filter": {"_id": oid}})
        client.drop_database(db.name)
    assert "USING INDEX" in " ".join(plan["queryPlanner"]["Plan"]), plan


def test_compare_and_set_by_id_keeps_the_whole_filter(db_server):
    """Narrowing to the `_id` first must not skip the rest of the filter."""
    from bson import ObjectId
    from pymongo import MongoClient

    with MongoClient(db_server) as client:
        db = client[f"t_{ObjectId()}"]
        oid = ObjectId()
        db.things.insert_many([{"_id": oid, "status": "issued", "tags": ["a", "b"]},
                               {"_id": "text-id", "status": "draft"}])
        things = db.things
        assert things.update_one({"_id": oid, "status": "draft"},
                                 {"$set": {"x": 1}}).matched_count == 0
        assert things.update_one({"_id": oid, "status": {"$in": ["issued", "paid"]}},
                                 {"$set": {"x": 2}}).modified_count == 1
        assert things.find_one_and_update({"_id": oid, "tags": "c"}, {"$set": {"x": 3}}) is None
        assert things.find_one({"_id": oid, "tags": "b"})["x"] == 2
        assert things.delete_one({"_id": "text-id", "status": "issued"}).deleted_count == 0
        assert things.count_documents({"_id": "text-id", "status": "draft"}) == 1
        assert things.update_one({"_id": "text-id", "status": "draft"},
                                 {"$set": {"status": "issued"}}).modified_count == 1
        assert things.find_one({"_id": "text-id"})["status"] == "issued"
        client.drop_database(db.name)


def test_a_patch_that_does_not_match_its_file_stops_the_build(tmp_path):
    from services.core.embedded_db import apply_patch

    (tmp_path / "pkg").mkdir()
    target = tmp_path / "pkg" / "a.go"
    target.write_text("package a\n\nconst X = 1\n")
    patch = ("--- a/pkg/a.go\n+++ b/pkg/a.go\n@@ -1,3 +1,3 @@\n package a\n \n"
             "-const X = 1\n+const X = 2\n")
    apply_patch(patch, tmp_path)
    assert target.read_text() == "package a\n\nconst X = 2\n"
    with pytest.raises(EmbeddedDatabaseError, match="does not apply to a.go"):
        apply_patch(patch, tmp_path)  # already applied: the old text is gone
