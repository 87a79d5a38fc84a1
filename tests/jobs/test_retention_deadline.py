"""'Never a day early' through the cleanup and the nightly job, not only the pure rule.

The database query picks files whose stored keep-until lies before the run's day; the
rule is then applied again to each. A stored keep-until one day stale (too early) lets
the file through the query on its last day, so only the rule itself stands between the
file and an early deletion: these tests catch `today > keep_until` turned into `>=`.

Invoices (§ 147 AO, § 14b UStG): 8 years from the end of the year of the document, so an
invoice of 15.03.2026 is kept to 31.12.2034 and may go on 01.01.2035 (by hand).
"""
from datetime import date, datetime, timezone

import pytest

from jobs import ensure_registry
from jobs.runner import claim_occurrence, execute
from models import ArchivedFile, DeletionLogEntry
from models.jobs import JobLease, JobRun
from services.archive.purge import purge_expired_files
from tests.services.test_purge import archive_db  # noqa: F401 - a bare archive database
from tests.test_seed import store_file

LAST_DAY, FIRST_DAY = date(2034, 12, 31), date(2035, 1, 1)


@pytest.fixture
def stale_invoice(archive_db):
    """An invoice whose stored keep-until is one day too early."""
    for document in (JobRun, JobLease):
        document.ensure_indexes()
    record = store_file("invoice", "Rechnung.pdf", document_date=date(2026, 3, 15))
    assert record.keep_until == LAST_DAY
    ArchivedFile._get_collection().update_one(
        {"_id": record.pk}, {"$set": {"keep_until": datetime(2034, 12, 30)}})
    return record


def exists(record) -> bool:
    return ArchivedFile.objects(pk=record.pk).count() == 1


def test_the_cleanup_keeps_a_file_on_its_last_day_even_when_the_query_lets_it_through(
        stale_invoice):
    dry = purge_expired_files("dry", today=LAST_DAY, dry_run=True)
    assert dry.would_delete == []
    result = purge_expired_files("run-last-day", today=LAST_DAY)
    assert result.deleted == 0 and exists(stale_invoice)
    assert DeletionLogEntry.objects.count() == 0


def test_the_cleanup_deletes_it_the_next_day(stale_invoice):
    result = purge_expired_files("run-first-day", today=FIRST_DAY)
    assert result.deleted == 1 and not exists(stale_invoice)
    entry = DeletionLogEntry.objects.get(pk=stale_invoice.pk)
    assert entry.keep_until == LAST_DAY  # the recomputed date, not the stale one
    assert entry.run_id == "run-first-day"


def _run_job(scheduled_for: datetime):
    ensure_registry()
    run_id = f"retention_cleanup@test-{scheduled_for:%Y%m%dT%H%M}"
    run = claim_occurrence("retention_cleanup", run_id, scheduled_for, "schedule")
    return execute(run)


@pytest.mark.parametrize("scheduled_for,deleted", [
    (datetime(2034, 12, 31, 1, 0, tzinfo=timezone.utc), 0),    # 02:00 Berlin, last day
    (datetime(2034, 12, 31, 22, 59, tzinfo=timezone.utc), 0),  # 23:59 Berlin, last day
    (datetime(2034, 12, 31, 23, 0, tzinfo=timezone.utc), 1),   # 00:00 Berlin, next day
    (datetime(2035, 1, 1, 1, 0, tzinfo=timezone.utc), 1),      # the nightly run after
])
def test_the_nightly_job_counts_days_in_berlin_and_never_deletes_early(
        stale_invoice, scheduled_for, deleted):
    run = _run_job(scheduled_for)
    assert run.status == "ok", run.error
    assert run.summary["deleted"] == deleted
    assert exists(stale_invoice) is (deleted == 0)


@pytest.mark.parametrize("start,unit,period,expected", [
    # from a fixed date (e.g. the end of a contract): 30.06.2030 + 2 years
    ("fixed_date", "years", 2, date(2032, 6, 30)),
    # from the document date: 15.03.2026 + 18 months
    ("document_date", "months", 18, date(2027, 9, 15)),
    # from the end of the document's year: 31.12.2026 + 6 years
    ("year_end", "years", 6, date(2032, 12, 31)),
])
def test_every_start_rule_read_from_the_database(archive_db, start, unit, period, expected):
    """The rule as stored (strings as the driver returns them), by hand per § 188 BGB."""
    from models.archive import RetentionRule
    from services.archive.retention_rules import keep_until_for

    RetentionRule.objects(category="letter").update_one(
        set__start=start, set__unit=unit, set__period=period,
        set__fixed_start=date(2030, 6, 30) if start == "fixed_date" else None)
    assert keep_until_for("letter", date(2026, 3, 15)) == expected
    record = store_file("letter", "Brief.txt", b"Brief", document_date=date(2026, 3, 15))
    assert record.keep_until == expected
    assert purge_expired_files("last", today=expected).deleted == 0
    assert purge_expired_files("next", today=date.fromordinal(expected.toordinal() + 1)) \
        .deleted == 1
