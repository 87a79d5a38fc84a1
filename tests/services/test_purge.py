"""The retention cleanup against the real server: what goes, what stays, what is logged.

These tests need only the archive's collections, so they use a bare database (fresh
name, the archive's indexes, the document categories and retention rules as seeded)
instead of the full app fixture: the mutation run of services/archive/purge.py
(TESTING.md) runs them once per mutant. Seeding itself is tested with the app fixture.
"""
import uuid
from datetime import date, datetime, timedelta, timezone

import mongoengine as me
import pytest
from bson import ObjectId

from models import (ArchiveContent, ArchivedFile, DeletionLogEntry, DocumentCategory,
                    PurgeBatch, connect_db)
from models.archive import RetentionRule
from seeds.reference import seed_document_categories, seed_retention_rules
from services.archive.purge import purge_expired_files, sweep_pending
from tests.test_seed import store_file

ARCHIVE = (DocumentCategory, RetentionRule, ArchiveContent, ArchivedFile, PurgeBatch,
           DeletionLogEntry)


@pytest.fixture
def archive_db(db_server):
    """A bare database with the archive's collections, categories and retention rules."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    connect_db(db_server, name)
    for document in ARCHIVE:
        document.ensure_indexes()
    seed_document_categories()
    seed_retention_rules()
    yield
    me.get_connection().drop_database(name)

PDF = b"%PDF-1.4 same content"


def chunks_count() -> int:
    return me.get_db()["archive.chunks"].count_documents({})


def grid_files_count() -> int:
    return me.get_db()["archive.files"].count_documents({})


def test_invoice_goes_on_the_first_day_after_keep_until_never_earlier(archive_db):
    record = store_file("invoice", "Rechnung.pdf", document_date=date(2026, 3, 15))
    assert record.keep_until == date(2034, 12, 31)
    early = purge_expired_files("run-1", today=date(2034, 12, 31))
    assert early.deleted == 0 and ArchivedFile.objects(pk=record.pk).count() == 1
    result = purge_expired_files("run-2", today=date(2035, 1, 1))
    assert result.deleted == 1 and ArchivedFile.objects(pk=record.pk).count() == 0
    entry = DeletionLogEntry.objects.get(pk=record.pk)
    assert (entry.filename, entry.category, entry.sha256, entry.document_date,
            entry.keep_until, entry.run_id) == ("Rechnung.pdf", "invoice", record.sha256,
                                                date(2026, 3, 15), date(2034, 12, 31), "run-2")
    assert chunks_count() == 0 and grid_files_count() == 0
    assert ArchiveContent.objects.count() == 0


def test_identical_content_is_stored_once_and_deleted_with_its_last_record(archive_db):
    old = store_file("application", "Bewerbung.pdf", PDF, document_date=date(2026, 1, 10))
    new = store_file("application", "Bewerbung Kopie.pdf", PDF, document_date=date(2026, 5, 1))
    assert old.content.grid_id == new.content.grid_id and grid_files_count() == 1
    assert ArchiveContent.objects.get(pk=old.sha256).refs == [old.pk, new.pk]

    first = purge_expired_files("run-1", today=date(2026, 7, 11))  # only the old one
    assert first.deleted == 1 and first.contents_deleted == 0
    assert ArchivedFile.objects.get(pk=new.pk).content.read() == PDF
    second = purge_expired_files("run-2", today=date(2026, 11, 2))
    assert second.deleted == 1 and second.contents_deleted == 1
    assert chunks_count() == 0 and grid_files_count() == 0
    assert DeletionLogEntry.objects.count() == 2


def test_legal_hold_on_file_or_category_blocks_deletion(archive_db):
    held = store_file("letter", "Brief A.txt", b"Brief A", document_date=date(2010, 1, 1))
    other = store_file("letter", "Brief B.txt", b"Brief B", document_date=date(2010, 1, 1))
    payslip = store_file("payslip", "Lohn.pdf", document_date=date(2010, 1, 1))
    ArchivedFile.objects(pk=held.pk).update(set__hold_reason="Betriebsprüfung 2010")
    DocumentCategory.objects(pk="payslip").update(set__hold_reason="Einspruch")
    result = purge_expired_files("run-1", today=date(2030, 1, 1))
    assert result.deleted == 1
    remaining = set(ArchivedFile.objects.scalar("filename"))
    assert remaining == {"Brief A.txt", "Lohn.pdf"}
    assert DeletionLogEntry.objects.get().file_id == other.pk
    assert payslip.reload().content.read() == b"%PDF-1.4 test"


def test_dry_run_lists_and_writes_nothing(archive_db):
    store_file("application", "Bewerbung.pdf", document_date=date(2026, 1, 10))
    store_file("books", "Bilanz 2025.pdf", b"%PDF-1.4 Bilanz", document_date=date(2025, 12, 31))
    result = purge_expired_files("run-1", today=date(2026, 8, 1), dry_run=True)
    assert [(w["filename"], w["keep_until"]) for w in result.would_delete] == [
        ("Bewerbung.pdf", date(2026, 7, 10))]
    assert result.summary() == {"deleted": 0, "resumed": 0, "contents_deleted": 0,
                                "skipped_held": 0, "swept_uploads": 0}  # nothing done
    assert ArchivedFile.objects.count() == 2 and DeletionLogEntry.objects.count() == 0
    assert PurgeBatch.objects.count() == 0


def test_a_stale_stored_keep_until_never_deletes_early(archive_db):
    record = store_file("letter", "Brief.txt", b"Brief", document_date=date(2026, 3, 1))
    ArchivedFile.objects(pk=record.pk).update(set__keep_until=date(2026, 3, 1))
    assert purge_expired_files("run-1", today=date(2027, 1, 1)).deleted == 0
    assert ArchivedFile.objects(pk=record.pk).count() == 1


def test_files_without_a_rule_are_kept(archive_db):
    store_file("it", "Netzplan.txt", b"Netz", document_date=date(1990, 1, 1))
    assert purge_expired_files("run-1", today=date(2100, 1, 1)).deleted == 0
    assert ArchivedFile.objects.count() == 1


def test_crashed_upload_reference_is_swept_and_its_content_removed(archive_db):
    from services.archive.upload import read_upload
    from services.archive.store import store_content
    import io

    sniffed = read_upload(io.BytesIO(b"%PDF-1.4 lost"), "lost.pdf", 10**6)
    ghost = ObjectId.from_datetime(datetime.now(timezone.utc) - timedelta(hours=2))
    store_content(sniffed, "lost.pdf", ghost)  # the record itself was never saved
    assert grid_files_count() == 1
    assert sweep_pending() == 1
    assert grid_files_count() == 0 and chunks_count() == 0
    assert ArchiveContent.objects.count() == 0


def test_same_content_uploaded_while_its_first_upload_is_still_writing(archive_db):
    """A second upload waits for the writer; a writer silent for long is taken over."""
    import io

    import pytest
    from services.archive.upload import ArchiveError, read_upload
    from services.archive.store import store_content

    def sniffed():
        return read_upload(io.BytesIO(b"%PDF-1.4 gleichzeitig"), "a.pdf", 10**6)

    writer = ObjectId()
    ArchiveContent._get_collection().insert_one({
        "_id": sniffed().sha256, "grid_id": ObjectId(), "size": 21,
        "content_type": "application/pdf", "refs": [writer], "pending": [writer],
        "writer": writer, "stored": False, "deleting": False})
    with pytest.raises(ArchiveError, match="being uploaded right now"):
        store_content(sniffed(), "b.pdf", ObjectId())
    assert ArchiveContent.objects.get().refs == [writer]  # the refused one left no ref

    stale = ObjectId.from_datetime(datetime.now(timezone.utc) - timedelta(hours=1))
    ArchiveContent.objects.update(set__writer=stale)
    taker = ObjectId()
    content = store_content(sniffed(), "c.pdf", taker)
    assert content.writer == taker and content.stored
    assert grid_files_count() == 1 and chunks_count() == 1


def test_a_write_interrupted_after_its_first_chunk_is_redone_without_leftovers(archive_db):
    """A crash mid-write leaves chunks; the retry clears them and writes the file whole."""
    import io

    from services.archive.upload import read_upload
    from services.archive.store import grid, store_content

    data = b"%PDF-1.4 " + bytes(range(256)) * 2000  # two chunks of 255 KiB
    record, grid_id = ObjectId(), ObjectId()
    first = read_upload(io.BytesIO(data), "a.pdf", 10**7)
    ArchiveContent._get_collection().insert_one({
        "_id": first.sha256, "grid_id": grid_id, "size": len(data),
        "content_type": "application/pdf", "refs": [record], "pending": [record],
        "writer": record, "stored": False, "deleting": False, "write_attempts": 1})
    me.get_db()["archive.chunks"].insert_one(  # what the crashed attempt had written
        {"files_id": grid_id, "n": 0, "data": b"half-written"})

    content = store_content(read_upload(io.BytesIO(data), "a.pdf", 10**7), "a.pdf", record)
    assert content.stored and content.grid_id == grid_id
    assert grid_files_count() == 1 and chunks_count() == 2
    assert grid().get(grid_id).read() == data
    assert ArchiveContent.objects.get().write_attempts == 2


def test_a_first_write_counts_its_attempt(archive_db):
    record = store_file("invoice", "Neu.pdf", document_date=date(2026, 3, 1))
    assert ArchiveContent.objects.get(pk=record.sha256).write_attempts == 1
    assert grid_files_count() == 1 and chunks_count() == 1


def test_seeding_gives_files_from_before_the_rules_their_keep_until(app):
    from seeds.reference import seed_reference

    record = store_file("invoice", "Alt.pdf", document_date=date(2016, 5, 2))
    ArchivedFile.objects(pk=record.pk).update(unset__keep_until=True)
    seed_reference()
    assert record.reload().keep_until == date(2024, 12, 31)


def test_file_stored_before_deduplication_is_deleted_with_its_chunks(archive_db):
    """Records written by the first archive version own a GridFS file and no content doc."""
    record = store_file("application", "Alt.pdf", document_date=date(2020, 1, 1))
    ArchiveContent.objects.delete()
    result = purge_expired_files("run-1", today=date(2026, 1, 1))
    assert (result.deleted, result.contents_deleted) == (1, 1)
    assert chunks_count() == 0 and grid_files_count() == 0
    assert DeletionLogEntry.objects.get().file_id == record.pk


def test_a_hold_set_just_before_a_crashed_claim_is_honoured_on_resume(archive_db):
    held = store_file("letter", "Halten.txt", b"halten", document_date=date(2010, 1, 1))
    gone = store_file("letter", "Weg.txt", b"weg", document_date=date(2010, 1, 1))
    # The crashed run had claimed both; the hold arrived before its hold check ran.
    PurgeBatch(batch_id="crashed#0", run_id="crashed", ids=[held.pk, gone.pk]).save()
    ArchivedFile.objects(pk=held.pk).update(set__hold_reason="Außenprüfung")
    result = purge_expired_files("run-2", today=date(2030, 1, 1))
    assert result.resumed == 1 and result.skipped_held == 1
    assert list(ArchivedFile.objects.scalar("filename")) == ["Halten.txt"]
    assert [e.file_id for e in DeletionLogEntry.objects] == [gone.pk]
    assert PurgeBatch.objects(done=False).count() == 0


def test_a_file_whose_rule_was_removed_is_kept(archive_db):
    """Filed under a rule (keep-until and its floor stored), the rule removed since."""
    record = store_file("letter", "Brief.txt", b"Brief", document_date=date(2010, 1, 1))
    stored = ArchivedFile._get_collection().find_one({"_id": record.pk})
    assert stored["keep_until"] and stored["keep_until_min"]  # both before 2030
    RetentionRule._get_collection().delete_one({"_id": "letter"})
    assert purge_expired_files("run-1", today=date(2030, 1, 1)).deleted == 0
    assert ArchivedFile.objects(pk=record.pk).count() == 1


def test_a_sweep_drops_only_lost_uploads_and_keeps_saved_and_recent_ones(archive_db):
    """Pending after an hour: a saved record keeps its reference (the crash came after
    the save), a lost one is dropped; uploads younger than an hour are left alone."""
    record = store_file("letter", "Brief.txt", b"Brief", document_date=date(2026, 1, 1))
    young = store_file("letter", "Neu.txt", b"Neu", document_date=date(2026, 1, 1))
    later = datetime.now(timezone.utc) + timedelta(hours=2)
    lost, fresh = ObjectId(), ObjectId.from_datetime(later)
    contents = ArchiveContent._get_collection()
    contents.update_one({"_id": record.sha256},
                        {"$set": {"pending": [record.pk, lost, fresh],
                                  "refs": [record.pk, lost, fresh]}})
    contents.update_one({"_id": young.sha256},
                        {"$set": {"pending": [fresh], "refs": [young.pk, fresh]}})
    assert sweep_pending(now=later) == 1
    after = contents.find_one({"_id": record.sha256})
    assert (after["refs"], after["pending"]) == ([record.pk, fresh], [fresh])
    untouched = contents.find_one({"_id": young.sha256})
    assert (untouched["refs"], untouched["pending"]) == ([young.pk, fresh], [fresh])
    assert grid_files_count() == 2


def test_a_legacy_record_sharing_its_file_or_without_one_removes_no_content(archive_db):
    """Records from before deduplication (no content document): one shares its GridFS file
    with a record that stays, one has no file at all; both go, no content is removed."""
    gone = store_file("application", "Alt.pdf", PDF, document_date=date(2020, 1, 1))
    kept = store_file("books", "Bilanz.pdf", PDF, document_date=date(2025, 12, 31))
    bare = store_file("application", "Ohne.pdf", b"%PDF-1.4 ohne", document_date=date(2020, 1, 1))
    ArchiveContent.objects.delete()
    ArchivedFile._get_collection().update_one({"_id": bare.pk}, {"$unset": {"content": ""}})
    result = purge_expired_files("run-1", today=date(2026, 1, 1))
    assert (result.deleted, result.contents_deleted) == (2, 0)
    assert {e.file_id for e in DeletionLogEntry.objects} == {gone.pk, bare.pk}
    assert [f.pk for f in ArchivedFile.objects] == [kept.pk]
    assert kept.reload().content.read() == PDF


def test_an_upload_that_attaches_while_its_content_is_doomed_keeps_it(archive_db):
    """Between marking the content doomed and deleting it, an upload of the same bytes
    attaches: the content and its chunks stay, only the deleted file's reference goes."""
    old = store_file("application", "Bewerbung.pdf", PDF, document_date=date(2020, 1, 1))
    newcomer = ObjectId()

    def attach():
        batch = PurgeBatch._get_collection().find_one({"doomed.0": {"$exists": True}})
        content = ArchiveContent._get_collection().find_one({"_id": old.sha256})
        if batch and newcomer not in content["refs"]:
            ArchiveContent._get_collection().update_one(
                {"_id": old.sha256}, {"$push": {"refs": newcomer}})

    result = purge_with_hook(attach, "run-1", date(2026, 1, 1))
    assert (result.deleted, result.contents_deleted) == (1, 0)
    assert ArchiveContent._get_collection().find_one({"_id": old.sha256})["refs"] == [newcomer]
    assert grid_files_count() == 1 and chunks_count() == 1


def test_a_resumed_batch_logs_every_file_its_crash_left_unlogged(archive_db):
    """The crash came after the first file's log entry: it stands, the others get theirs."""
    files = [store_file("letter", f"{name}.txt", name.encode(), document_date=date(2010, 1, 1))
             for name in ("A", "B", "C")]
    PurgeBatch(batch_id="crashed#0", run_id="crashed", ids=[f.pk for f in files]).save()
    DeletionLogEntry._get_collection().insert_one({
        "_id": files[0].pk, "filename": "A.txt", "category": "letter",
        "sha256": files[0].sha256, "document_date": datetime(2010, 1, 1),
        "keep_until": datetime(2016, 12, 31), "deleted_at": datetime.now(timezone.utc),
        "run_id": "crashed"})
    result = purge_expired_files("run-2", today=date(2030, 1, 1))
    assert result.resumed == 3 and ArchivedFile.objects.count() == 0
    assert sorted((e.filename, e.run_id) for e in DeletionLogEntry.objects) == [
        ("A.txt", "crashed"), ("B.txt", "crashed"), ("C.txt", "crashed")]


def test_contents_removed_count_deduplicated_and_legacy_ones_together(archive_db):
    store_file("application", "Neu.pdf", b"%PDF-1.4 neu", document_date=date(2020, 1, 1))
    legacy = store_file("application", "Alt.pdf", PDF, document_date=date(2020, 1, 1))
    ArchiveContent._get_collection().delete_one({"_id": legacy.sha256})  # before dedup
    result = purge_expired_files("run-1", today=date(2026, 1, 1))
    assert (result.deleted, result.contents_deleted) == (2, 2)
    assert chunks_count() == 0 and grid_files_count() == 0


def purge_with_hook(hook, run_id, today):
    """Run the purge with `hook` called after each of its writes (services.archive.purge
    `after_write`, the crash hook of these tests), and take the hook away afterwards."""
    from services.archive import purge

    purge.after_write = hook
    try:
        return purge_expired_files(run_id, today=today)
    finally:
        purge.after_write = None


class Crash(Exception):
    """The fault hook's stand-in for a killed process."""


def test_a_batch_whose_run_crashed_right_after_the_claim_is_resumed_by_the_next_run(
        archive_db):
    """The claim is the first write of a batch; a crash right after it leaves the batch
    open, and the next run finishes it (as resumed files, logged under the crashed run's
    id), not as a new batch of its own."""
    files = [store_file("letter", f"{name}.txt", name.encode(), document_date=date(2010, 1, 1))
             for name in ("A", "B")]

    def crash():
        raise Crash

    with pytest.raises(Crash):
        purge_with_hook(crash, "run-1", date(2030, 1, 1))
    open_batches = list(PurgeBatch._get_collection().find({"done": False}))
    assert [(b["_id"], sorted(b["ids"])) for b in open_batches] == [
        ("run-1#0", sorted(f.pk for f in files))]
    assert ArchivedFile.objects.count() == 2 and DeletionLogEntry.objects.count() == 0
    result = purge_expired_files("run-2", today=date(2030, 1, 1))
    assert (result.resumed, result.deleted) == (2, 0)
    assert result.would_delete == []  # only a dry run lists files
    assert ArchivedFile.objects.count() == 0
    assert sorted((e.filename, e.run_id) for e in DeletionLogEntry.objects) == [
        ("A.txt", "run-1"), ("B.txt", "run-1")]
    assert PurgeBatch.objects(done=False).count() == 0


def test_a_crash_after_the_records_went_keeps_a_content_an_upload_attached_to(archive_db):
    """An upload attached to the doomed content before its delete (so it stayed), then the
    run crashed after deleting the records, before marking the batch done. The next run
    finishes the batch from its stored doomed list alone: the content, its chunks and the
    newcomer's reference stay, nothing is counted as removed."""
    old = store_file("application", "Bewerbung.pdf", PDF, document_date=date(2020, 1, 1))
    newcomer = ObjectId()
    crashed = []

    def attach_then_crash():
        batch = PurgeBatch._get_collection().find_one({"doomed.0": {"$exists": True}})
        content = ArchiveContent._get_collection().find_one({"_id": old.sha256})
        if batch and newcomer not in content["refs"]:
            ArchiveContent._get_collection().update_one(
                {"_id": old.sha256}, {"$push": {"refs": newcomer}})
        if batch and not crashed and ArchivedFile.objects.count() == 0:
            crashed.append(True)
            raise Crash

    with pytest.raises(Crash):
        purge_with_hook(attach_then_crash, "run-1", date(2026, 1, 1))
    assert PurgeBatch._get_collection().find_one({"_id": "run-1#0"})["done"] is False
    result = purge_expired_files("run-2", today=date(2026, 1, 1))
    assert (result.resumed, result.deleted, result.contents_deleted) == (0, 0, 0)
    assert ArchiveContent._get_collection().find_one({"_id": old.sha256})["refs"] == [newcomer]
    assert grid_files_count() == 1 and chunks_count() == 1
    assert [e.file_id for e in DeletionLogEntry.objects] == [old.pk]
    assert PurgeBatch.objects(done=False).count() == 0


def _pending_upload(record, *uploads):
    """Uploads of the record's content that never confirmed (ids carry their start)."""
    ArchiveContent._get_collection().update_one(
        {"_id": record.sha256},
        {"$set": {"pending": list(uploads), "refs": [record.pk, *uploads]}})


def test_an_unconfirmed_upload_is_stale_from_exactly_one_hour_on(archive_db):
    """By hand: an upload started one hour ago or earlier has crashed and is swept; one
    started a second less than an hour ago may still be writing and stays. Both sides of
    the edge, and a second edge well inside the stale range (1 h 59 min 59 s)."""
    now = datetime(2026, 6, 1, 12, 0, 0, tzinfo=timezone.utc)
    started = lambda **ago: ObjectId.from_datetime(now - timedelta(**ago))  # noqa: E731
    first = store_file("letter", "Eins.txt", b"Eins", document_date=date(2026, 1, 1))
    second = store_file("letter", "Zwei.txt", b"Zwei", document_date=date(2026, 1, 1))
    hour, just_under = started(hours=1), started(minutes=59, seconds=59)
    almost_two = started(hours=1, minutes=59, seconds=59)
    _pending_upload(first, hour, just_under)
    _pending_upload(second, almost_two)
    assert sweep_pending(now=now) == 2
    contents = ArchiveContent._get_collection()
    after = contents.find_one({"_id": first.sha256})
    assert (after["refs"], after["pending"]) == ([first.pk, just_under], [just_under])
    after = contents.find_one({"_id": second.sha256})
    assert (after["refs"], after["pending"]) == ([second.pk], [])
    assert sweep_pending(now=now) == 0  # the young one is left alone again
    assert sweep_pending(now=now + timedelta(seconds=1)) == 1  # now it is an hour old
    assert contents.find_one({"_id": first.sha256})["refs"] == [first.pk]


def test_a_file_re_filed_or_re_dated_just_before_the_claim_stays(archive_db):
    """Read as expired, then changed before the claim's check (the fault hook changes them
    right after the claim is written): a file moved to a category that sorts before its
    own and one to a category after it, one re-dated a day later and one a day earlier,
    all stay (the run deletes only what it read as it still is); the unchanged one goes."""
    names = ("Vorher", "Nachher", "Spaeter", "Frueher", "Gleich")
    files = {name: store_file("letter", f"{name}.txt", name.encode(),
                              document_date=date(2010, 1, 1)) for name in names}
    changes = {"Vorher": {"category": "invoice"}, "Nachher": {"category": "payslip"},
               "Spaeter": {"document_date": datetime(2010, 1, 2)},
               "Frueher": {"document_date": datetime(2009, 12, 31)}}
    done = []

    def change():
        if not done:
            done.append(True)
            for name, fields in changes.items():
                ArchivedFile._get_collection().update_one({"_id": files[name].pk},
                                                          {"$set": fields})

    result = purge_with_hook(change, "run-1", date(2030, 1, 1))
    assert (result.deleted, result.skipped_held) == (1, 4)
    assert sorted(ArchivedFile.objects.scalar("filename")) == sorted(
        f"{name}.txt" for name in changes)
    assert [e.filename for e in DeletionLogEntry.objects] == ["Gleich.txt"]


def test_the_default_grace_after_a_shortened_retention_is_thirty_days(archive_db):
    """By hand: with no grace period given (the job's default, 30 days), a file whose
    retention was shortened exactly 30 days before today's midnight waits; one shortened
    a second earlier goes. A file whose deletion an admin released goes anyway."""
    waits = store_file("letter", "Wartet.txt", b"wartet", document_date=date(2010, 1, 1))
    goes = store_file("letter", "Geht.txt", b"geht", document_date=date(2010, 1, 1))
    released = store_file("letter", "Frei.txt", b"frei", document_date=date(2010, 1, 1))
    thirty_days = datetime(2029, 12, 2, tzinfo=timezone.utc)  # before 2030-01-01 00:00
    shortened = {waits: thirty_days, goes: thirty_days - timedelta(seconds=1),
                 released: thirty_days + timedelta(days=29)}
    for record, when in shortened.items():
        ArchivedFile._get_collection().update_one(
            {"_id": record.pk}, {"$set": {"keep_until_shortened_at": when}})
    ArchivedFile._get_collection().update_one(
        {"_id": released.pk}, {"$set": {"deletion_released_at": datetime(2029, 12, 31)}})
    result = purge_expired_files("run-1", today=date(2030, 1, 1))
    assert result.deleted == 2
    assert list(ArchivedFile.objects.scalar("filename")) == ["Wartet.txt"]
    assert purge_expired_files("run-2", today=date(2030, 1, 2)).deleted == 1


def test_a_crashed_batch_keeps_a_held_file_unless_its_deletion_was_already_logged(
        archive_db):
    """The crash came before the hold check; holds arrived on two files, one of which the
    crashed run had already logged as deleted: that one goes (its log entry stands), the
    other held one stays, the plain one goes."""
    logged, held, plain = (store_file("letter", f"{name}.txt", name.encode(),
                                      document_date=date(2010, 1, 1))
                           for name in ("Geloggt", "Gehalten", "Normal"))
    PurgeBatch(batch_id="crashed#0", run_id="crashed",
               ids=[logged.pk, held.pk, plain.pk]).save()
    ArchivedFile.objects(pk__in=[logged.pk, held.pk]).update(set__hold_reason="Außenprüfung")
    DeletionLogEntry._get_collection().insert_one({
        "_id": logged.pk, "filename": "Geloggt.txt", "category": "letter",
        "sha256": logged.sha256, "document_date": datetime(2010, 1, 1),
        "keep_until": datetime(2016, 12, 31), "deleted_at": datetime.now(timezone.utc),
        "run_id": "crashed"})
    result = purge_expired_files("run-2", today=date(2030, 1, 1))
    assert (result.resumed, result.skipped_held, result.deleted) == (2, 1, 0)
    assert list(ArchivedFile.objects.scalar("filename")) == ["Gehalten.txt"]
    assert sorted((e.filename, e.run_id) for e in DeletionLogEntry.objects) == [
        ("Geloggt.txt", "crashed"), ("Normal.txt", "crashed")]
    assert PurgeBatch._get_collection().find_one({"_id": "crashed#0"})["ids"] == [
        logged.pk, plain.pk]



def test_a_record_from_before_deduplication_takes_its_own_file_when_its_bytes_came_again(
        archive_db):
    """A record filed before deduplication owns its GridFS file; the same bytes archived
    again later got a content document (and a file) of their own. Deleting the old record
    removes its own file and leaves the newer one's (a bug found through a mutant: the old
    file stayed behind, with an applicant's personal data; GDPR Art. 17)."""
    store_file("application", "Alt.pdf", PDF, document_date=date(2020, 1, 1))
    ArchiveContent.objects.delete()  # stored before deduplication
    kept = store_file("books", "Bilanz.pdf", PDF, document_date=date(2025, 12, 31))
    assert grid_files_count() == 2 and chunks_count() == 2
    result = purge_expired_files("run-1", today=date(2026, 1, 1))
    assert (result.deleted, result.contents_deleted) == (1, 1)
    assert grid_files_count() == 1 and chunks_count() == 1
    assert kept.reload().content.read() == PDF
    assert ArchiveContent._get_collection().find_one({"_id": kept.sha256})["refs"] == [kept.pk]


def test_a_record_from_before_deduplication_and_a_newer_one_of_its_bytes_go_together(
        archive_db):
    """Both expire in one batch: the newer one's content (its only reference goes) and the
    old record's own file are removed, two contents; nothing is left behind."""
    old = store_file("application", "Alt.pdf", PDF, document_date=date(2020, 1, 1))
    ArchiveContent.objects.delete()  # stored before deduplication
    new = store_file("application", "Neu.pdf", PDF, document_date=date(2020, 1, 1))
    result = purge_expired_files("run-1", today=date(2026, 1, 1))
    assert (result.deleted, result.contents_deleted) == (2, 2)
    assert grid_files_count() == 0 and chunks_count() == 0
    assert ArchiveContent.objects.count() == 0 and ArchivedFile.objects.count() == 0
    assert {e.file_id for e in DeletionLogEntry.objects} == {old.pk, new.pk}


def test_a_file_filed_before_floors_existed_goes_by_its_current_rule(archive_db):
    """A record without a stored floor (keep_until_min, from before floors were stored):
    deleted once its current rule's date has passed (letter: six years to the end of
    2016), kept the day before."""
    record = store_file("letter", "Alt.txt", b"alt", document_date=date(2010, 6, 1))
    ArchivedFile._get_collection().update_one({"_id": record.pk},
                                              {"$unset": {"keep_until_min": ""}})
    assert purge_expired_files("run-1", today=date(2016, 12, 31)).deleted == 0
    assert purge_expired_files("run-2", today=date(2017, 1, 1)).deleted == 1
    assert [e.file_id for e in DeletionLogEntry.objects] == [record.pk]


def test_a_content_a_crash_left_marked_for_deletion_is_removed_by_the_next_run(archive_db):
    """The sweep marked a content without references `deleting` and crashed before its
    removal: the next run removes the content document, its chunks and its files entry."""
    from services.archive.store import store_content
    from services.archive.upload import read_upload
    import io

    kept = store_file("letter", "Bleibt.txt", b"bleibt", document_date=date(2026, 1, 1))
    lost = store_content(read_upload(io.BytesIO(b"%PDF-1.4 verloren"), "v.pdf", 10**6),
                         "v.pdf", ObjectId())
    ArchiveContent._get_collection().update_one(
        {"_id": lost.pk}, {"$set": {"refs": [], "pending": [], "deleting": True}})
    assert grid_files_count() == 2
    result = purge_expired_files("run-1", today=date(2026, 6, 1))
    assert (result.deleted, result.contents_deleted) == (0, 1)
    assert grid_files_count() == 1 and chunks_count() == 1
    assert [c.pk for c in ArchiveContent.objects] == [kept.sha256]


def test_a_content_with_only_young_uploads_does_not_stop_the_sweep_of_the_next(archive_db):
    """The young one comes first however the sweep reads them (filed first, and its
    SHA-256 sorts first); the stale upload of the next content is still swept."""
    import hashlib

    now = datetime(2026, 6, 1, 12, 0, 0, tzinfo=timezone.utc)
    young_file = store_file("letter", "Jung.txt", b"alt", document_date=date(2026, 1, 1))
    stale_file = store_file("letter", "Alt.txt", b"jung", document_date=date(2026, 1, 1))
    assert young_file.sha256 == hashlib.sha256(b"alt").hexdigest() < stale_file.sha256
    young = ObjectId.from_datetime(now - timedelta(minutes=5))
    stale = ObjectId.from_datetime(now - timedelta(hours=3))
    _pending_upload(young_file, young)
    _pending_upload(stale_file, stale)
    assert sweep_pending(now=now) == 1
    contents = ArchiveContent._get_collection()
    assert contents.find_one({"_id": young_file.sha256})["pending"] == [young]
    assert contents.find_one({"_id": stale_file.sha256})["refs"] == [stale_file.pk]
