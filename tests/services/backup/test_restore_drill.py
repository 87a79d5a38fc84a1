"""Restore drill: seed, back up, wipe, restore; then every document, the hash chain, the
archive content and a log-in are what they were. Expectations are read from the database
with the driver before the backup, never from the backup code."""
import io
import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import mongoengine as me
import pytest

from models import JournalEntry
from services.archive.store import archive_file, grid
from services.backup import container
from services.backup.create import create_backup
from services.backup.restore import (check_restored, database_is_empty, restore_backup,
                                     verify_backup)
from services.core.errors import BusinessRuleError
from services.ledger import posting
from tests.conftest import PASSWORD, csrf_token_from
from tests.factories import make_employee, make_supplier, make_user

PDF = b"%PDF-1.4\n% Beleg 4711 fuer die Wiederherstellungsprobe\n" + b"x" * 300_000 + b"\n%%EOF\n"


def _seed(app):
    user = make_user("finance", email="drill@firma.example.com")
    make_employee(last_name="Schröder", iban="DE89370400440532013000")
    make_supplier(name="Büro Krause KG")
    for amount, day in (("10.00", date(2026, 3, 2)), ("20.50", date(2026, 3, 3)),
                        ("7.00", date(2027, 1, 4))):
        posting.post_new_entry(date=day, text="Kasse", source="manual", user="u",
                               lines=[{"account": "1000", "debit": Decimal(amount)},
                                      {"account": "8400", "credit": Decimal(amount)}])
    record = archive_file(io.BytesIO(PDF), "beleg-4711.pdf", category="invoice",
                          document_date=date(2026, 3, 2), uploaded_by="drill",
                          max_bytes=app.config["ARCHIVE_MAX_FILE_BYTES"])
    return user, record


def _everything(db) -> dict:
    """Every document of every collection, as the driver reads it, in _id order."""
    return {name: list(db[name].find().sort("_id", 1))
            for name in sorted(db.list_collection_names()) if not name.startswith("system.")}


def _backup(app, target, key=None):
    return create_backup(app.config["MONGODB_EFFECTIVE_URI"], app.config["MONGODB_DB"],
                         target, key=key)


def test_seed_back_up_wipe_restore_everything_matches(app, client, tmp_path):
    with app.app_context():
        user, record = _seed(app)
        db = me.get_db()
        before = _everything(db)
        assert len(before["archive.chunks"]) >= 2  # the file spans several GridFS chunks
        result = _backup(app, tmp_path)
        assert result.path.parent == tmp_path and result.path.exists()
        if not os.environ.get("MONGODB_URI"):
            assert result.manifest["method"] == "embedded-sqlite-snapshot"
        assert {n: c["count"] for n, c in result.manifest["collections"].items()} == \
            {n: len(docs) for n, docs in before.items()}
        assert result.manifest["gridfs"]["archive"]["files"] == 1
        assert result.manifest["gridfs"]["archive"]["bytes"] == len(PDF)
        assert verify_backup(result.path, None).ok

        me.get_connection().drop_database(app.config["MONGODB_DB"])
        assert database_is_empty(db)
        report = check_restored(restore_backup(result.path, db, None))
        assert report.ok, (report.ledger, report.archive_problems)
        assert _everything(db) == before
        assert [(y, ok) for y, ok, _ in report.ledger] == [(2026, True), (2027, True)]
        assert report.archive_checked == 1
        assert posting.verify_chain(2026).ok and posting.verify_chain(2027).ok
        stored = JournalEntry.objects(fiscal_year=2026).order_by("number")
        assert [e.number for e in stored] == [1, 2]
        assert grid().get(record.content.grid_id).read() == PDF
        # unique indexes came back: a second user with the same e-mail is refused
        from models import User
        with pytest.raises(me.NotUniqueError):
            User(email="drill@firma.example.com", roles=["finance"],
                 password_hash="x").save()
    token = csrf_token_from(client.get("/login").data)
    answer = client.post("/login", data={"email": "drill@firma.example.com",
                                          "password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 302


def test_restore_refuses_a_database_that_is_not_empty_unless_forced(app, tmp_path):
    with app.app_context():
        _seed(app)
        result = _backup(app, tmp_path)
        db = me.get_db()
        before = _everything(db)
        with pytest.raises(BusinessRuleError, match="nicht leer"):
            restore_backup(result.path, db, None)
        make_supplier(name="Nach der Sicherung GmbH")
        assert _everything(db) != before
        restore_backup(result.path, db, None, force=True)
        assert _everything(db) == before


def test_a_damaged_part_is_found_and_not_restored(app, tmp_path):
    with app.app_context():
        _seed(app)
        result = _backup(app, tmp_path)
        part = next(p for p in result.manifest["parts"] if p["collection"] == "employees")
        data = bytearray(result.path.read_bytes())
        # find the part's bytes in the tar by their hash-checked content and flip one byte
        import tarfile
        with tarfile.open(result.path) as tar:
            offset = tar.getmember(part["name"]).offset_data
        data[offset + 20] ^= 0xFF
        damaged = tmp_path / "damaged.bobackup"
        damaged.write_bytes(bytes(data))
        report = verify_backup(damaged, None)
        assert not report.ok and any(part["name"] in p and "SHA-256" in p
                                     for p in report.problems)
        me.get_connection().drop_database(app.config["MONGODB_DB"])
        with pytest.raises(BusinessRuleError, match="beschädigt"):
            restore_backup(damaged, me.get_db(), None)
        assert database_is_empty(me.get_db())


def test_encrypted_backup_needs_the_right_key(app, tmp_path):
    key, other = os.urandom(32), os.urandom(32)
    with app.app_context():
        _seed(app)
        before = _everything(me.get_db())
        result = _backup(app, tmp_path, key=key)
        raw = result.path.read_bytes()
        # no part is plain gzip (magic 1f 8b) any more; the manifest is not readable either
        import tarfile
        with tarfile.open(result.path) as tar:
            names = tar.getnames()
            for name in names:
                if name.startswith("data/"):
                    assert tar.extractfile(name).read(6) == container.MAGIC
        assert "MANIFEST.json.enc" in names and "MANIFEST.json" not in names
        assert b"drill@firma.example.com" not in raw
        with pytest.raises(BusinessRuleError, match="verschlüsselt"):
            verify_backup(result.path, None)
        with pytest.raises(BusinessRuleError, match="falscher Schlüssel"):
            verify_backup(result.path, other)
        assert verify_backup(result.path, key).ok
        me.get_connection().drop_database(app.config["MONGODB_DB"])
        restore_backup(result.path, me.get_db(), key)
        assert _everything(me.get_db()) == before


def test_a_renamed_encrypted_part_is_refused(app, tmp_path):
    """The part name is bound to its ciphertext: swapping two parts does not decrypt."""
    key = os.urandom(32)
    sealed = container.seal(b"abc", "data/users.0001.bson.gz", key)
    assert container.unseal(sealed, "data/users.0001.bson.gz", key) == b"abc"
    with pytest.raises(BusinessRuleError):
        container.unseal(sealed, "data/employees.0001.bson.gz", key)


def test_the_key_must_be_32_bytes_of_urlsafe_base64():
    import base64
    assert container.load_key(None) is None
    good = base64.urlsafe_b64encode(b"k" * 32).decode()
    assert container.load_key(good) == b"k" * 32
    for bad in (base64.urlsafe_b64encode(b"k" * 31).decode(),
                base64.urlsafe_b64encode(b"k" * 33).decode(), "nicht base64 !!"):
        with pytest.raises(BusinessRuleError, match="32 Byte"):
            container.load_key(bad)
    assert len(container.load_key(container.new_key())) == 32
