"""The embedded database's lifecycle against the real launcher binary."""
import os
import pwd
import select
import shutil
import socket
import stat
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from pymongo import MongoClient

from services.core.embedded_db import BINARY_NAME, EmbeddedDatabaseError, EmbeddedMongo, GO_MISSING
from tests.conftest import REPO

BINARY = REPO / os.environ.get("BACKOFFICE_DATA_DIR", "var") / "bin" / BINARY_NAME


@pytest.fixture
def server(tmp_path):
    srv = EmbeddedMongo(tmp_path, binary_path=BINARY)
    yield srv
    srv.stop()


def test_start_ping_stop_restart(server):
    assert not server.is_running()
    uri = server.start()
    assert uri == "mongodb://" + str(server.socket_path).replace("/", "%2F") + "/"
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
    dead.wait(timeout=60)
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


def test_a_live_socket_without_our_pid_file_is_reported(server):
    server.start()
    pid = server.read_pid()
    server.pid_file.unlink()  # e.g. started by hand from another checkout
    try:
        with pytest.raises(EmbeddedDatabaseError, match="another server answers on"):
            server.start()
        direct = subprocess.run([str(BINARY), "--data-dir", str(server.db_dir)],
                                capture_output=True, text=True, timeout=60)
        assert direct.returncode != 0
        assert "another server is listening on" in direct.stderr
    finally:
        server.pid_file.write_text(str(pid))
    assert server.ping()  # the running server was left alone


def test_a_stale_socket_file_is_replaced(server):
    server.start()
    server.stop()
    server.socket_path.parent.mkdir(parents=True, exist_ok=True)
    server.socket_path.touch()  # left behind by a crash
    server.start()
    assert server.ping()


def test_missing_go_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no go on PATH
    srv = EmbeddedMongo(tmp_path)  # no binary built here yet
    with pytest.raises(EmbeddedDatabaseError) as info:
        srv.start()
    assert str(info.value) == GO_MISSING
    assert "install Go >= 1.24 or set MONGODB_URI" in GO_MISSING


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    return inodes


def test_listens_on_a_private_unix_socket_and_no_tcp_port(server):
    """Issue 13 item 14: no TCP listener; the socket and its directory are the owner's only."""
    server.start()
    mode = server.socket_path.stat().st_mode
    assert stat.S_ISSOCK(mode) and stat.S_IMODE(mode) == 0o600
    assert stat.S_IMODE(server.db_dir.stat().st_mode) == 0o700
    for path in server.db_dir.iterdir():  # SQLite files and FerretDB's own socket too
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
    ours = _socket_inodes(server.read_pid())
    assert ours
    for table in ("/proc/net/tcp", "/proc/net/tcp6", "/proc/net/udp", "/proc/net/udp6"):
        with open(table) as fh:
            inodes = {row.split()[9] for row in fh.readlines()[1:]}
        assert not ours & inodes, table


def _connect_as_nobody(path: Path) -> str:
    """Connect to a Unix socket from a child process that dropped root for `nobody`."""
    nobody = pwd.getpwnam("nobody")
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never returns into pytest
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            with socket.socket(socket.AF_UNIX) as sock:
                sock.settimeout(5)
                try:
                    sock.connect(str(path))
                    answer = b"connected"
                except PermissionError:
                    answer = b"refused"
            os.write(write_end, answer)
        except BaseException as exc:  # noqa: BLE001 - report anything to the parent
            os.write(write_end, repr(exc).encode()[:200])
        finally:
            os._exit(0)
    os.close(write_end)
    try:
        ready, _, _ = select.select([read_end], [], [], 20)
        assert ready, "the child did not answer within 20 s"
        return os.read(read_end, 256).decode()
    finally:
        os.close(read_end)
        deadline = time.monotonic() + 10
        while os.waitpid(pid, os.WNOHANG) == (0, 0) and time.monotonic() < deadline:
            time.sleep(0.05)


@pytest.mark.skipif(os.geteuid() != 0, reason="switching to another user needs root")
def test_another_local_user_cannot_connect():
    """Issue 13 item 14: a process of another OS user is refused, by the socket's mode alone."""
    data_dir = Path(tempfile.mkdtemp(prefix="backoffice-perm-"))  # right under /tmp
    server = EmbeddedMongo(data_dir, binary_path=BINARY)
    try:
        _refuses_nobody(server)
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def _refuses_nobody(server):
    server.start()
    for directory in (server.data_dir, server.db_dir):  # let `nobody` reach the socket...
        directory.chmod(0o711)
    open_socket = server.db_dir / "control.sock"
    with socket.socket(socket.AF_UNIX) as control:
        control.bind(str(open_socket))
        control.listen(1)
        open_socket.chmod(0o666)
        assert _connect_as_nobody(open_socket) == "connected"  # ... so the test can fail
    assert _connect_as_nobody(server.socket_path) == "refused"
    server.db_dir.chmod(0o700)
    with MongoClient(server.uri, serverSelectionTimeoutMS=5000) as client:
        assert client.admin.command("ping")["ok"] == 1  # the owner still gets in


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
        thread.join(timeout=120)
        assert not thread.is_alive(), "a thread still runs after 120 s (deadlock?)"
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


# FerretDB 1.24's own form of an index on a top-level field, as an older launcher built it
# (written out by hand from FerretDB's registry.go, not taken from our code).
def _old_form(table: str, name: str, field: str, unique: bool = False, desc: bool = False):
    return (f'CREATE {"UNIQUE " if unique else ""}INDEX "{table}_{name}" ON "{table}" '
            f'(_ferretdb_sjson->"{field}"{" DESC" if desc else ""})')


def _downgrade_indexes(sqlite_file: Path, collection: str, fields: dict) -> dict:
    """With the server stopped: rebuild the named indexes in FerretDB's old form."""
    import sqlite3

    con = sqlite3.connect(sqlite_file)
    try:
        table = con.execute("SELECT table_name FROM _ferretdb_collections WHERE name = ?",
                            (collection,)).fetchone()[0]
        for name, (field, unique, desc) in fields.items():
            con.execute(f'DROP INDEX "{table}_{name}"')
            con.execute(_old_form(table, name, field, unique, desc))
        con.commit()
        return _index_sql(con, table)
    finally:
        con.close()


def _index_sql(con, table: str) -> dict:
    return dict(con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                            "AND tbl_name = ? AND sql IS NOT NULL", (table,)).fetchall())


def _schema_state(sqlite_file: Path, collection: str):
    import sqlite3

    con = sqlite3.connect(sqlite_file)
    try:
        table = con.execute("SELECT table_name FROM _ferretdb_collections WHERE name = ?",
                            (collection,)).fetchone()[0]
        return (con.execute("PRAGMA schema_version").fetchone()[0], table,
                _index_sql(con, table))
    finally:
        con.close()


def test_indexes_of_an_older_launcher_are_rebuilt_at_start(server):
    """Issue 22: a data directory from before the pushdown gets usable indexes on start."""
    from datetime import datetime, timedelta

    from pymongo import DESCENDING
    from pymongo.errors import DuplicateKeyError

    server.start()
    start = datetime(2026, 1, 1)
    with MongoClient(server.uri) as client:
        coll = client.shop.moves
        coll.create_index("sku", unique=True)
        coll.create_index("status")
        coll.create_index([("at", DESCENDING)])
        coll.insert_many([{"sku": f"A{i:03d}", "status": ("open", "done")[i % 3 == 0],
                           "at": start + timedelta(hours=i), "qty": i} for i in range(300)])
    server.stop()
    sqlite_file = server.db_dir / "shop.sqlite"
    old = _downgrade_indexes(sqlite_file, "moves", {
        "sku_1": ("sku", True, False), "status_1": ("status", False, False),
        "at_-1": ("at", False, True)})
    assert all("->\"" in sql for name, sql in old.items() if not name.endswith("__id_")), old

    server.start()  # the upgrade happens here
    version, table, upgraded = _schema_state(sqlite_file, "moves")
    assert upgraded.keys() == old.keys()
    for name, sql in upgraded.items():
        if name.endswith("__id_"):
            assert sql == old[name]  # `_id` keeps FerretDB's own form
        else:
            field = {"sku_1": "sku", "status_1": "status", "at_-1": "at"}[name[len(table) + 1:]]
            assert sql != old[name] and f"'$.\"$s\".p.\"{field}\".t'" in sql, sql
    assert upgraded[f"{table}_sku_1"].startswith("CREATE UNIQUE INDEX")
    assert upgraded[f"{table}_at_-1"].endswith(" DESC)")

    with MongoClient(server.uri) as client:
        db = client.shop
        for command in ({"find": "moves", "filter": {"sku": "A042"}},
                        {"find": "moves", "filter": {"status": "done"}},
                        {"find": "moves", "filter": {}, "sort": {"at": -1}, "limit": 5}):
            plan = " | ".join(db.command("explain", command)["queryPlanner"]["Plan"])
            assert "USING INDEX" in plan, (command, plan)
        assert db.moves.find_one({"sku": "A042"})["qty"] == 42
        assert db.moves.count_documents({"status": "done"}) == 100  # i % 3 == 0 of 300
        assert [d["qty"] for d in db.moves.find().sort("at", -1).limit(3)] == [299, 298, 297]
        with pytest.raises(DuplicateKeyError):
            db.moves.insert_one({"sku": "A007"})  # still unique
    server.stop()

    server.start()  # idempotent: nothing left to rebuild, the schema is not touched
    server.stop()
    assert _schema_state(sqlite_file, "moves") == (version, table, upgraded)


def test_an_index_that_cannot_be_rebuilt_stays_as_it_was(server):
    """Two arrays in a unique field: distinct in the old form, one key in the new one."""
    server.start()
    with MongoClient(server.uri) as client:
        client.shop.tags.create_index("code", unique=True)
        client.shop.tags.insert_many([{"code": "x", "n": 1}, {"code": "y", "n": 2}])
    server.stop()
    sqlite_file = server.db_dir / "shop.sqlite"
    old = _downgrade_indexes(sqlite_file, "tags", {"code_1": ("code", True, False)})
    import sqlite3

    con = sqlite3.connect(sqlite_file)  # arrays written behind the new form's back
    table = con.execute("SELECT table_name FROM _ferretdb_collections").fetchone()[0]
    con.execute(f'UPDATE "{table}" SET _ferretdb_sjson = json_set(_ferretdb_sjson, '
                "'$.code', json('[1, 2]'), '$.\"$s\".p.code', json('{\"t\": \"array\", "
                "\"i\": [{\"t\": \"int\"}, {\"t\": \"int\"}]}')) WHERE _ferretdb_sjson->>'$.n' = 1")
    con.execute(f'UPDATE "{table}" SET _ferretdb_sjson = json_set(_ferretdb_sjson, '
                "'$.code', json('[3]'), '$.\"$s\".p.code', json('{\"t\": \"array\", "
                "\"i\": [{\"t\": \"int\"}]}')) WHERE _ferretdb_sjson->>'$.n' = 2")
    con.commit()
    con.close()

    server.start()  # starts although the rebuild fails; the old index is kept
    _, _, after = _schema_state(sqlite_file, "tags")
    assert after == old
    with MongoClient(server.uri) as client:
        assert sorted(d["n"] for d in client.shop.tags.find({"code": 3})) == [2]
        assert client.shop.tags.count_documents({}) == 2
