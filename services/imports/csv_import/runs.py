"""The ImportRun record: start, heartbeat, finish, and taking over a run that died."""
import os
import socket
import threading
from datetime import datetime, timedelta, timezone

from models.import_run import MAX_STORED_ERRORS, ImportRun

# Runs this process is executing right now (web imports run in threads).
ACTIVE_RUNS: set[str] = set()
_LOCK = threading.Lock()
STALE_AFTER = timedelta(minutes=10)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def new_run(collection: str, filename: str, sha256: str, size: int, *, mode: str, dry_run: bool,
            skip_invalid: bool, user: str, status: str = "running") -> ImportRun:
    """Record a new import (status 'running', or 'uploaded' for the wizard)."""
    return ImportRun(collection=collection, filename=filename[:255], sha256=sha256, size=size,
                     mode=mode, dry_run=dry_run, skip_invalid=skip_invalid, user=user,
                     status=status, host=socket.gethostname()[:255], pid=os.getpid()).save()


def claim(run: ImportRun) -> None:
    """Mark a run as executed by this process."""
    with _LOCK:
        ACTIVE_RUNS.add(str(run.pk))
    ImportRun._get_collection().update_one({"_id": run.pk}, {"$set": {
        "status": "running", "pid": os.getpid(), "host": socket.gethostname()[:255],
        "heartbeat_at": utcnow()}})
    run.status = "running"


def release(run: ImportRun) -> None:
    """Forget a run this process has finished."""
    with _LOCK:
        ACTIVE_RUNS.discard(str(run.pk))


def progress(run: ImportRun, **fields) -> None:
    """Store counters and the heartbeat of a running import in one atomic write."""
    for name, value in fields.items():
        setattr(run, name, value)
    ImportRun._get_collection().update_one(
        {"_id": run.pk}, {"$set": {**fields, "heartbeat_at": utcnow()}})


def finish(run: ImportRun, status: str, errors: list[str], error_count: int, message: str = "") -> None:
    """Store the outcome of a run."""
    run.status, run.finished_at, run.phase = status, utcnow(), "done"
    run.errors, run.error_count = errors[:MAX_STORED_ERRORS], error_count
    run.message = message or run.message
    run.save()
    release(run)


def is_dead(run: ImportRun) -> bool:
    """Return True when the process that ran an import no longer runs it."""
    if run.host == socket.gethostname() and run.pid:
        if run.pid == os.getpid():
            return str(run.pk) not in ACTIVE_RUNS
        if not _pid_alive(run.pid):
            return True
    heartbeat = run.heartbeat_at
    if heartbeat is not None and heartbeat.tzinfo is None:
        heartbeat = heartbeat.replace(tzinfo=timezone.utc)
    return heartbeat is None or utcnow() - heartbeat > STALE_AFTER


def mark_if_dead(run: ImportRun) -> ImportRun:
    """Record a 'running' run whose process died as interrupted, so no page waits for it."""
    if run.status == "running" and is_dead(run):
        ImportRun._get_collection().update_one({"_id": run.pk, "status": "running"}, {"$set": {
            "status": "interrupted", "finished_at": utcnow(),
            "message": "abgebrochen (Prozess beendet); dieselbe Datei erneut importieren setzt fort"}})
        run.reload()
    return run


def take_over_interrupted(run: ImportRun) -> ImportRun | None:
    """Mark earlier runs of the same file that died as interrupted; return the latest one.

    Its rows already stored are then counted as done instead of refused as existing.
    """
    earlier = ImportRun.objects(sha256=run.sha256, collection=run.collection, mode=run.mode,
                                dry_run=False, status__in=["running", "interrupted"], id__ne=run.pk)
    latest = None
    for other in earlier:
        if other.status == "interrupted":  # already seen dead (e.g. by the wizard page)
            latest = other if latest is None or other.started_at > latest.started_at else latest
        elif is_dead(other):
            ImportRun._get_collection().update_one({"_id": other.pk, "status": "running"}, {"$set": {
                "status": "interrupted", "finished_at": utcnow(),
                "message": f"abgebrochen; fortgesetzt durch Lauf {run.pk}"}})
            latest = other if latest is None or other.started_at > latest.started_at else latest
    return latest


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A killed child that was not yet reaped is a zombie: it runs nothing any more.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True
