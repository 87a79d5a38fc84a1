"""Run a backup as the panel, the CLI and the nightly job do: record it, write it, prune old ones."""
from datetime import datetime, timedelta, timezone
from pathlib import Path

from models.backup import BackupRun
from services.backup import container, retention
from services.backup.create import BackupResult, create_backup

STALE_AFTER = timedelta(days=1)


def policy_from(config) -> retention.Policy:
    """The retention settings (BACKOFFICE_BACKUP_KEEP_DAILY / _WEEKLY / _MONTHLY)."""
    return retention.Policy(config["BACKUP_KEEP_DAILY"], config["BACKUP_KEEP_WEEKLY"],
                            config["BACKUP_KEEP_MONTHLY"])


def run_backup(config, target_dir: Path | None = None, *, requested_by: str = "cli",
               now: datetime | None = None) -> tuple[BackupRun, BackupResult, list[Path]]:
    """Write one backup, record the run (failed runs too) and prune by the retention policy."""
    now = now or datetime.now(timezone.utc)
    target = Path(target_dir or config["BACKUP_DIR"])
    key = container.load_key(config.get("BACKUP_KEY"))
    run = BackupRun(started_at=now, status="running", path=str(target),
                    requested_by=requested_by, encrypted=key is not None)
    run.save()
    try:
        result = create_backup(config["MONGODB_EFFECTIVE_URI"], config["MONGODB_DB"], target,
                               key=key, now=now)
    except Exception as exc:
        BackupRun.objects(pk=run.pk).update(
            set__status="failed", set__finished_at=datetime.now(timezone.utc),
            set__error=f"{type(exc).__name__}: {exc}"[:1000])
        raise
    removed = retention.prune(target, policy_from(config))
    retention.prune_partials(target, now - STALE_AFTER)
    BackupRun.objects(pk=run.pk).update(
        set__status="ok", set__finished_at=datetime.now(timezone.utc),
        set__path=str(result.path), set__size=result.size, set__sha256=result.sha256,
        set__collections=len(result.collections), set__documents=result.documents,
        set__method=result.manifest["method"])
    run.reload()
    return run, result, removed


def last_run() -> BackupRun | None:
    """The newest finished (ok or failed) backup run."""
    return BackupRun.objects(status__in=["ok", "failed"]).order_by("-started_at").first()


def last_ok() -> BackupRun | None:
    return BackupRun.objects(status="ok").order_by("-started_at").first()


def needs_attention(now: datetime | None = None) -> str | None:
    """'failed', 'stale' (no good backup in a day) or 'missing'; None when all is well."""
    now = now or datetime.now(timezone.utc)
    last, good = last_run(), last_ok()
    if last is not None and last.status == "failed":
        return "failed"
    if good is None:
        return "missing"
    started = good.started_at if good.started_at.tzinfo else \
        good.started_at.replace(tzinfo=timezone.utc)
    return "stale" if now - started > STALE_AFTER else None
