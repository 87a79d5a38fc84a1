"""Fixtures: one real database server per session, a fresh database per test.

Without MONGODB_URI the embedded FerretDB launcher is started with its own data
directory (and so its own Unix socket); with MONGODB_URI that server is used.
"""
import os
import re
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def db_server():
    """URI of a running MongoDB-protocol server for the whole test session."""
    if os.environ.get("MONGODB_URI"):
        yield os.environ["MONGODB_URI"]
        return
    from services.core.embedded_db import BINARY_NAME, EmbeddedMongo

    data_dir = Path(tempfile.mkdtemp(prefix="backoffice-testdb-"))
    binary = REPO / os.environ.get("BACKOFFICE_DATA_DIR", "var") / "bin" / BINARY_NAME
    server = EmbeddedMongo(data_dir, binary_path=binary)
    uri = server.start()
    yield uri
    server.stop()
    shutil.rmtree(data_dir, ignore_errors=True)


def _seeded_app(db_server):
    """A Backoffice app on its own fresh database with the reference data loaded, and the
    database's name."""
    from app import create_app
    from models import ensure_indexes
    from seeds.reference import seed_reference

    name = f"test_{uuid.uuid4().hex[:12]}"
    app = create_app({"TESTING": True, "MONGODB_URI": db_server, "MONGODB_DB": name,
                      "DATA_DIR": Path(tempfile.mkdtemp(prefix="backoffice-data-"))})
    with app.app_context():
        ensure_indexes()
        seed_reference()
    return app, name


def _drop_app(app, name) -> None:
    import mongoengine as me

    me.get_connection().drop_database(name)
    shutil.rmtree(app.config["DATA_DIR"], ignore_errors=True)


@pytest.fixture
def app(db_server):
    """A Backoffice app on its own fresh database with the reference data loaded."""
    app, name = _seeded_app(db_server)
    yield app
    _drop_app(app, name)


@pytest.fixture(scope="module")
def _reference_app(db_server):
    """An app like `app`'s, built once per test module, with the state after seeding."""
    import mongoengine as me

    app, name = _seeded_app(db_server)
    db = me.get_connection()[name]
    seeded = {coll: list(db[coll].find()) for coll in db.list_collection_names()}
    yield app, db, seeded
    _drop_app(app, name)


@pytest.fixture
def reused_app(_reference_app):
    """`app` without its per-test cost (indexes and reference data): the module's app with
    every collection emptied and the seeded documents put back before each test. For
    modules whose tests run once per mutant (tools/mutation.py); a module that uses it
    must not also use `app`: `app = reused_app` in the module overrides it."""
    app, db, seeded = _reference_app
    for coll in db.list_collection_names():
        db[coll].delete_many({})
    for coll, docs in seeded.items():
        if docs:
            db[coll].insert_many([dict(doc) for doc in docs])
    data = Path(app.config["DATA_DIR"])
    for path in data.iterdir():
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


PASSWORD = "Test-Passw0rd!"


def csrf_token_from(html: bytes | str) -> str:
    """Pull the CSRF token out of a rendered form."""
    text = html.decode() if isinstance(html, bytes) else html
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', text) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', text)
    assert match, "page has no CSRF token"
    return match.group(1)


@pytest.fixture
def login(client):
    """Log the test client in as a new user with the given role(s); return the user."""
    from tests.factories import make_user

    def _login(*roles, email=None):
        user = make_user(*roles, email=email)
        token = csrf_token_from(client.get("/login").data)
        response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                               "csrf_token": token})
        assert response.status_code == 302, response.data[:500]
        return user
    return _login
