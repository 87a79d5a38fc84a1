"""The watched drop folder (e-mail gateway, scanner): import each file, move it to done/ or failed/.

A file is moved only after its batch's import returned (intake.import_files), so a crash
mid-import leaves it in the folder and the next run imports it again (the intake is
repeat-safe: the same file is recognised by its hash and counts as done). A failed file gets `<name>.grund.txt` beside
it in failed/ with the reason.
"""
import os
from datetime import date
from pathlib import Path

from services.payables.intake import import_files

DONE, FAILED = "done", "failed"
SKIPPED_SUFFIXES = (".part", ".tmp", ".crdownload")


def pending_files(folder: Path) -> list[Path]:
    """Files waiting in the folder (not hidden, not still being written), oldest first."""
    files = [p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")
             and not p.name.endswith(SKIPPED_SUFFIXES)]
    return sorted(files, key=lambda p: (p.stat().st_mtime, p.name))


def _move(path: Path, target_dir: Path) -> Path:
    target_dir.mkdir(exist_ok=True)
    target = target_dir / path.name
    n = 1
    while target.exists():
        target = target_dir / f"{path.stem}-{n}{path.suffix}"
        n += 1
    os.replace(path, target)
    return target


def process_drop_folder(folder, *, user: str = "system (Eingangsordner)",
                        today: date | None = None, limit: int = 200) -> dict:
    """Import up to `limit` waiting files; return counts and the failed files' reasons."""
    folder = Path(folder)
    if not folder.is_dir():
        return {"folder": str(folder), "missing": True}
    counts = {"draft": 0, "done_before": 0, "failed": 0, "reasons": {}}

    def move(path, result):  # after each batch of the intake
        if result.status == "draft" or result.same_file:
            _move(path, folder / DONE)
            counts["draft" if result.status == "draft" else "done_before"] += 1
            return
        moved = _move(path, folder / FAILED)
        reason = "\n".join(result.errors) or result.status
        moved.with_name(moved.name + ".grund.txt").write_text(reason + "\n", encoding="utf-8")
        counts["failed"] += 1
        counts["reasons"][moved.name] = reason[:300]

    import_files(pending_files(folder)[:limit], user=user, today=today, on_result=move)
    return counts
