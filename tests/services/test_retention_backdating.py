"""Issue 13.4: editing a file's date or category cannot make the cleanup destroy it early."""
from datetime import date, datetime, timedelta

import pytest

from models import ArchivedFile, AuditEntry
from services.archive.upload import ArchiveError
from services.archive.metadata import change_file_metadata, release_shortened_file
from services.archive.purge import purge_expired_files
from tests.conftest import csrf_token_from
from tests.test_seed import store_file

TODAY = date.today()


def edit(client, record, **fields):
    page = client.get(f"/admin/archive_files/edit/?id={record.pk}")
    data = {"csrf_token": csrf_token_from(page.data), "category": record.category.pk,
            "document_date": record.document_date.isoformat(), "description": "", **fields}
    return client.post(f"/admin/archive_files/edit/?id={record.pk}", data=data, follow_redirects=True)


def test_a_clerk_cannot_backdate_a_file_into_the_cleanup(client, login):
    record = store_file("invoice", "Rechnung.pdf", document_date=date(2026, 3, 15))
    assert record.keep_until == date(2034, 12, 31)  # 8 years from the end of the year
    login("finance")
    page = edit(client, record, document_date="2010-01-01").get_data(as_text=True)
    assert "would shorten the retention of &#39;Rechnung.pdf&#39; from 31.12.2034 to 31.12.2018" in page
    stored = ArchivedFile.objects.get(pk=record.pk)
    assert (stored.document_date, stored.keep_until) == (date(2026, 3, 15), date(2034, 12, 31))
    assert purge_expired_files("t", today=TODAY).deleted == 0
    assert ArchivedFile.objects(pk=record.pk).count() == 1


def test_a_clerk_cannot_shorten_by_changing_the_category(app):
    record = store_file("letter", "Brief.pdf", document_date=date(2026, 3, 15))
    with pytest.raises(ArchiveError, match="only an administrator"):
        change_file_metadata(record.pk, category="application", document_date=date(2026, 3, 15),
                             description=None, user="hr", roles=["hr"], reason="weil")
    assert ArchivedFile.objects.get(pk=record.pk).category.pk == "letter"


def test_lengthening_and_going_back_to_the_filed_value_need_no_admin(app):
    record = store_file("invoice", "Rechnung.pdf", document_date=date(2026, 3, 15))
    later = change_file_metadata(record.pk, category="books", document_date=date(2027, 1, 2),
                                 description="korrigiert", user="fibu", roles=["finance"])
    assert later.keep_until == date(2037, 12, 31) and later.keep_until_min == date(2034, 12, 31)
    back = change_file_metadata(record.pk, category="invoice", document_date=date(2026, 3, 15),
                                description=None, user="fibu", roles=["finance"])
    assert back.keep_until == date(2034, 12, 31) and back.keep_until_shortened_at is None


def test_an_admin_shortens_only_with_a_reason_and_the_cleanup_waits_the_grace_period(app):
    record = store_file("invoice", "Falsch abgelegt.pdf", document_date=date(2026, 3, 15))
    with pytest.raises(ArchiveError, match="with a reason"):
        change_file_metadata(record.pk, category="invoice", document_date=date(2012, 6, 1),
                             description=None, user="chef", roles=["admin"], reason=" ")
    changed = change_file_metadata(record.pk, category="invoice", document_date=date(2012, 6, 1),
                                   description=None, user="chef", roles=["admin"],
                                   reason="Belegdatum war falsch erfasst")
    assert changed.keep_until == changed.keep_until_min == date(2020, 12, 31)
    entry = AuditEntry.objects(document_id=str(record.pk), user="chef").first()
    assert {c.field: c.new for c in entry.changes}["reason"] == "Belegdatum war falsch erfasst"
    assert {c.field: (c.old, c.new) for c in entry.changes}["keep_until"] == ("2034-12-31", "2020-12-31")
    # expired now, but shortened today: kept for the grace period ...
    assert purge_expired_files("t1", today=TODAY, grace_days=30).deleted == 0
    assert purge_expired_files("t2", today=TODAY + timedelta(days=29), grace_days=30).deleted == 0
    # ... and deleted once it is over
    assert purge_expired_files("t3", today=TODAY + timedelta(days=31), grace_days=30).deleted == 1


def test_a_released_file_goes_before_the_grace_period_ends(app):
    record = store_file("invoice", "Doppelt.pdf", document_date=date(2026, 3, 15))
    with pytest.raises(ArchiveError, match="not shortened"):
        release_shortened_file(record.pk, "chef", ["admin"], "doppelt abgelegt")
    change_file_metadata(record.pk, category="invoice", document_date=date(2012, 6, 1),
                         description=None, user="chef", roles=["admin"], reason="falsch erfasst")
    with pytest.raises(ArchiveError, match="only an administrator"):
        release_shortened_file(record.pk, "fibu", ["finance"], "doppelt abgelegt")
    release_shortened_file(record.pk, "chef", ["admin"], "doppelt abgelegt")
    assert purge_expired_files("t", today=TODAY, grace_days=30).deleted == 1


def test_the_cleanup_never_goes_below_the_floor_set_at_filing(app):
    """Even a document date changed behind the service's back cannot make the file expire."""
    record = store_file("invoice", "Rechnung.pdf", document_date=date(2026, 3, 15))
    ArchivedFile._get_collection().update_one(
        {"_id": record.pk}, {"$set": {"document_date": datetime(2010, 1, 1),
                                      "keep_until": datetime(2018, 12, 31)}})
    assert purge_expired_files("t", today=TODAY).deleted == 0
    assert purge_expired_files("t2", today=date(2035, 1, 1)).deleted == 1


def test_an_edit_races_no_other_edit(app):
    record = store_file("invoice", "Rechnung.pdf", document_date=date(2026, 3, 15))
    stale = ArchivedFile.objects.get(pk=record.pk)
    change_file_metadata(record.pk, category="invoice", document_date=date(2026, 5, 1),
                         description="erste", user="a", roles=["finance"])
    from services.archive import metadata as archive_metadata
    # the second editor decided on the old state: its compare-and-set must miss
    assert archive_metadata._as_read(stale)["document_date"] == datetime(2026, 3, 15)
    result = ArchivedFile._get_collection().update_one(archive_metadata._as_read(stale),
                                                       {"$set": {"description": "zweite"}})
    assert result.matched_count == 0
    assert ArchivedFile.objects.get(pk=record.pk).description == "erste"


def test_a_shorter_retention_rule_applies_after_the_grace_period(app):
    from models.archive import RetentionRule
    from services.archive.retention_rules import refresh_category

    record = store_file("invoice", "Alt.pdf", document_date=date(2018, 6, 1))
    assert record.keep_until == date(2026, 12, 31)
    RetentionRule.objects(pk="invoice").update(set__period=6, set__legal_basis="Gesetzesänderung")
    assert refresh_category("invoice", "chef") == 1
    stored = ArchivedFile.objects.get(pk=record.pk)
    assert (stored.keep_until, stored.keep_until_min) == (date(2024, 12, 31), date(2024, 12, 31))
    assert stored.keep_until_shortened_reason == "retention rule changed: Gesetzesänderung"
    assert purge_expired_files("t1", today=TODAY, grace_days=30).deleted == 0
    assert purge_expired_files("t2", today=TODAY + timedelta(days=31), grace_days=30).deleted == 1


def test_the_cli_releases_a_shortened_file(runner):
    record = store_file("invoice", "Doppelt.pdf", document_date=date(2026, 3, 15))
    refused = runner.invoke(args=["archive", "release-deletion", str(record.pk), "--reason", "doppelt"])
    assert refused.exit_code == 1 and "was not shortened" in refused.output
    change_file_metadata(record.pk, category="invoice", document_date=date(2012, 6, 1),
                         description=None, user="chef", roles=["admin"], reason="falsch erfasst")
    done = runner.invoke(args=["archive", "release-deletion", str(record.pk), "--reason", "doppelt"])
    assert done.exit_code == 0 and "released Doppelt.pdf" in done.output
    assert ArchivedFile.objects.get(pk=record.pk).deletion_released_by == "cli"
    assert runner.invoke(args=["archive", "release-deletion", "kein-id", "--reason", "x"]).exit_code == 2
