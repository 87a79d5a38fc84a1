"""Which backups to keep: the newest of each of the last N days, weeks and months (settings)."""
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from services.backup.create import SUFFIX

NAME = re.compile(r"^backoffice-(\d{8}T\d{6})Z" + re.escape(SUFFIX) + r"$")


@dataclass(frozen=True)
class Policy:
    daily: int = 7
    weekly: int = 4
    monthly: int = 12


def backup_time(path: Path) -> datetime | None:
    """The creation time in a finished backup's name, None for any other file."""
    match = NAME.match(path.name)
    if not match:
        return None
    return datetime.strptime(match.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=timezone.utc)


def to_keep(times: list[datetime], policy: Policy) -> set[datetime]:
    """Keep the newest backup of each of the newest `daily` days, `weekly` ISO weeks and
    `monthly` months that have a backup (grandfather-father-son)."""
    keep: set[datetime] = set()
    for count, bucket in ((policy.daily, lambda t: t.date()),
                          (policy.weekly, lambda t: t.isocalendar()[:2]),
                          (policy.monthly, lambda t: (t.year, t.month))):
        newest: dict = {}
        for t in sorted(times, reverse=True):
            newest.setdefault(bucket(t), t)
        keep.update(sorted(newest.values(), reverse=True)[:count])
    return keep


def prune(directory: Path, policy: Policy) -> list[Path]:
    """Delete finished backups in `directory` the policy does not keep; return them.

    Only files named like our backups are touched; `.partial` files of a crashed run are
    left for `prune_partials`.
    """
    found = {t: p for p in Path(directory).iterdir() if (t := backup_time(p))}
    keep = to_keep(list(found), policy)
    removed = []
    for t, path in sorted(found.items()):
        if t not in keep:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def prune_partials(directory: Path, older_than: datetime) -> list[Path]:
    """Delete `.partial` files a killed backup left, if older than `older_than`."""
    removed = []
    for path in Path(directory).glob(".backoffice-*" + SUFFIX + ".partial"):
        if datetime.fromtimestamp(path.stat().st_mtime, timezone.utc) < older_than:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed
