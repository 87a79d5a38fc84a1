"""Which backups are kept (7 daily / 4 weekly / 12 monthly) and when admins are told."""
from datetime import datetime, timedelta, timezone

from models.backup import BackupRun
from services.backup import retention
from services.backup.runs import needs_attention
from services.core.tasks import tasks_for
from tests.factories import make_user

UTC = timezone.utc


def _t(day, hour=1):
    return datetime(2026, 11, day, hour, 30, tzinfo=UTC)


def test_newest_of_each_day_week_and_month_is_kept():
    # Nightly backups 1..30 November 2026 plus a second one on the 30th, and one per
    # month-end back to January 2025.
    times = [_t(d) for d in range(1, 31)] + [_t(30, 13)]
    months = [datetime(y, m, 28, 1, 30, tzinfo=UTC) for y, m in
              [(2025, m) for m in range(1, 13)] + [(2026, m) for m in range(1, 11)]]
    keep = retention.to_keep(times + months, retention.Policy(7, 4, 12))
    # daily: the 7 newest days 24..30 Nov (the 30th: its 13:30 run, not the 01:30 one)
    daily = {_t(30, 13)} | {_t(d) for d in range(24, 30)}
    # weekly (ISO weeks): Mon 30 Nov (week 49) -> 30th 13:30; week 48 (23-29) -> 29th;
    # week 47 (16-22) -> 22nd; week 46 (9-15) -> 15th
    weekly = {_t(30, 13), _t(29), _t(22), _t(15)}
    # monthly: Nov 2026 -> 30th 13:30, then the 28th of Oct 2026 back to Dec 2025 (11)
    monthly = {_t(30, 13)} | {datetime(2026, m, 28, 1, 30, tzinfo=UTC) for m in range(1, 11)} \
        | {datetime(2025, 12, 28, 1, 30, tzinfo=UTC)}
    assert keep == daily | weekly | monthly
    assert _t(30) not in keep and _t(14) not in keep
    assert datetime(2025, 11, 28, 1, 30, tzinfo=UTC) not in keep


def test_zero_keeps_nothing_of_that_kind():
    times = [_t(d) for d in range(1, 10)]
    assert retention.to_keep(times, retention.Policy(0, 0, 0)) == set()
    assert retention.to_keep(times, retention.Policy(1, 0, 0)) == {_t(9)}


def test_prune_deletes_only_our_finished_backups(tmp_path):
    names = [f"backoffice-202611{d:02d}T013000Z.bobackup" for d in range(1, 11)]
    for name in names + [".backoffice-20261111T013000Z.bobackup.partial", "notes.txt",
                         "backoffice-kaputt.bobackup"]:
        (tmp_path / name).write_bytes(b"x")
    removed = retention.prune(tmp_path, retention.Policy(3, 0, 0))
    assert sorted(p.name for p in removed) == names[:7]
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(names[7:] + [".backoffice-20261111T013000Z.bobackup.partial",
                                       "notes.txt", "backoffice-kaputt.bobackup"])


def test_partials_go_only_when_old(tmp_path):
    import os
    old = tmp_path / ".backoffice-20261101T013000Z.bobackup.partial"
    new = tmp_path / ".backoffice-20261130T013000Z.bobackup.partial"
    for p in (old, new):
        p.write_bytes(b"x")
    stamp = datetime(2026, 11, 1, tzinfo=UTC).timestamp()
    os.utime(old, (stamp, stamp))
    removed = retention.prune_partials(tmp_path, datetime(2026, 11, 29, tzinfo=UTC))
    assert removed == [old] and new.exists()


def _run(status, started, error=None):
    return BackupRun(status=status, started_at=started, finished_at=started,
                     error=error).save()


def test_attention_when_failed_stale_or_missing(app):
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    with app.app_context():
        assert needs_attention(now) == "missing"
        _run("ok", now - timedelta(hours=23, minutes=59))
        assert needs_attention(now) is None
        assert needs_attention(now + timedelta(minutes=2)) == "stale"
        _run("running", now - timedelta(minutes=5))  # a backup in progress changes nothing
        assert needs_attention(now) is None
        _run("failed", now - timedelta(minutes=1), error="Platte voll")
        assert needs_attention(now) == "failed"
        _run("ok", now)
        assert needs_attention(now) is None


def test_task_list_tells_admins_only(app):
    with app.app_context():
        admin, clerk = make_user("admin"), make_user("finance")
        _run("failed", datetime.now(UTC), error="Platte voll")
        tasks = [t for t in tasks_for(admin).tasks if t.ref.startswith("backup:")]
        assert [t.ref for t in tasks] == ["backup:failed"]
        assert tasks[0].params["error"] == "Platte voll" and tasks[0].overdue
        assert not [t for t in tasks_for(clerk).tasks if t.ref.startswith("backup:")]
        _run("ok", datetime.now(UTC))
        assert not [t for t in tasks_for(admin).tasks if t.ref.startswith("backup:")]


def test_the_admin_start_page_shows_the_last_backup(app, client, login):
    login("admin")
    body = client.get("/admin/").get_data(as_text=True)
    assert "Letzte Datensicherung" in body and "noch keine" in body
    with app.app_context():
        _run("failed", datetime(2026, 11, 30, 1, 30, tzinfo=UTC), error="Platte voll")
    body = client.get("/admin/").get_data(as_text=True)
    assert 'text-danger" href="/admin/backup_runs/" id="last-backup"' in body
    assert "30.11.2026" in body and "fehlgeschlagen" in body
