"""services.archive.store.archive_many: many files in one batch, stored as archive_file stores one."""
import hashlib
import io
from datetime import date

from bson import ObjectId

from models.archive import ArchiveContent, ArchivedFile
from services.archive.store import archive_file, archive_many, read_file

DAY = date(2026, 11, 20)


def item(n, data=None):
    data = data or f"Beleg Nr. {n}\n".encode()
    return {"data": data, "filename": f"beleg-{n}.txt", "document_date": DAY,
            "description": "Test", "record_id": ObjectId(hashlib.sha256(b"%d" % n).hexdigest()[:24])}


def test_more_files_than_one_update_command_holds_each_stored_once(app):
    # 120 > 100 updates: the embedded database stalls on one command with 100 or more
    items = [item(n) for n in range(120)]
    stored = archive_many(items, category="invoice_in", uploaded_by="test", max_bytes=1000)
    assert all(isinstance(stored[i["record_id"]], ArchivedFile) for i in items)
    assert ArchivedFile.objects.count() == 120
    for i in items[::17]:
        assert read_file(i["record_id"]) == i["data"]
        record = ArchivedFile.objects.get(pk=i["record_id"])
        assert record.sha256 == hashlib.sha256(i["data"]).hexdigest()
        assert record.keep_until is not None and record.keep_until == record.keep_until_min
    contents = list(ArchiveContent.objects)
    assert len(contents) == 120 and all(c.stored and not c.pending for c in contents)
    again = archive_many(items, category="invoice_in", uploaded_by="test", max_bytes=1000)
    assert ArchivedFile.objects.count() == 120 and again[items[0]["record_id"]].pk == items[0]["record_id"]


def test_same_content_twice_and_content_stored_before_are_referenced_not_copied(app):
    before = archive_file(io.BytesIO(b"schon da"), "alt.txt", category="invoice_in",
                          document_date=DAY, uploaded_by="test", max_bytes=1000)
    items = [item(1, b"doppelt"), item(2, b"doppelt"), item(3, b"schon da"),
             item(4, b"x" * 2000)]  # the last is over the limit
    stored = archive_many(items, category="invoice_in", uploaded_by="test", max_bytes=1000)
    assert [type(stored[i["record_id"]]).__name__ for i in items] == [
        "ArchivedFile", "ArchivedFile", "ArchivedFile", "ArchiveError"]
    assert "larger than the limit" in str(stored[items[3]["record_id"]])
    twice = ArchiveContent.objects.get(pk=hashlib.sha256(b"doppelt").hexdigest())
    assert sorted(twice.refs) == sorted([items[0]["record_id"], items[1]["record_id"]])
    again = ArchiveContent.objects.get(pk=hashlib.sha256(b"schon da").hexdigest())
    assert sorted(again.refs) == sorted([before.pk, items[2]["record_id"]]) and not again.pending
    assert read_file(items[2]["record_id"]) == b"schon da"
    assert read_file(items[1]["record_id"]) == b"doppelt"
    assert ArchivedFile.objects.count() == 4
