"""One task list ("Meine Aufgaben"): each area registers a source of work items per user.

An area module registers a function once at import time::

    from services.core.tasks import Task, register_task_source

    def _my_tasks(user):            # user: models.user.User
        for item in ...:             # only what this user must act on and may read
            yield Task(kind="approval", title=N_("Eingangsrechnung %(no)s freigeben"),
                       params={"no": inv.number}, url=..., due=..., area="payables")

    register_task_source("payables.approvals", _my_tasks)

and adds its module path to `TASK_MODULES` below (imported on the first call, so nothing
runs at import time of this module and no area is imported by core).

The task list screen, the menu badge and the dashboard call `tasks_for(user)`. A source
that fails is logged and skipped (one broken area must not hide everyone's work); its
name is reported in `TaskList.failed` so the screen can say that something is missing.
Sources must be cheap: read by indexed fields or small summary documents.
"""
import importlib
import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable, Iterable

log = logging.getLogger(__name__)

KINDS = ("approval", "assigned", "overdue", "deadline", "failed_job", "reminder")


@dataclass(frozen=True)
class Task:
    """One thing a user has to do; `url` links to where it is done."""

    kind: str                      # one of KINDS
    title: str                     # German message id, marked with N_ (services.core.messages)
    url: str
    area: str = ""                 # e.g. "payables", "hr", "banking"
    due: date | datetime | None = None
    overdue: bool = False
    ref: str = ""                  # stable key of the underlying item (document number, id)
    params: dict = field(default_factory=dict)   # %(name)s values for the title

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown task kind {self.kind!r}")


@dataclass
class TaskList:
    tasks: list[Task] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.tasks)

    @property
    def overdue_count(self) -> int:
        return sum(1 for t in self.tasks if t.overdue)


# Modules that register task sources; one line per area.
TASK_MODULES = (
    "services.operations.ticket_tasks",
    "services.core.system_tasks",
    "services.backup.tasks",
    "services.privacy.tasks",
    "services.banking.reconcile_tasks",
    "services.payables.tasks",
    "services.hr.tasks",
    "services.hr.checklists",
    "services.banking.sepa_tasks",
    "services.banking.dunning_tasks",
    "services.ledger.vat_tasks",
    "services.fixed_assets.tasks",
    "services.it.tasks",
    "services.contracts.tasks",
    "services.compliance.tasks",
)

_SOURCES: dict[str, Callable[..., Iterable[Task]]] = {}
_loaded = False


def _load_sources() -> None:
    global _loaded
    if not _loaded:
        for module in TASK_MODULES:
            importlib.import_module(module)
        _loaded = True


def register_task_source(name: str, source: Callable[..., Iterable[Task]]) -> None:
    """Register (or replace, on re-import) the source called `name`."""
    _SOURCES[name] = source


def task_sources() -> dict[str, Callable[..., Iterable[Task]]]:
    _load_sources()
    return dict(_SOURCES)


def _sort_key(task: Task):
    due = task.due
    if isinstance(due, datetime):
        due = due.date()
    return (not task.overdue, due is None, due or date.max, task.title)


def tasks_for(user) -> TaskList:
    """All tasks of `user` from every registered source, overdue first, then by due date."""
    _load_sources()
    result = TaskList()
    for name, source in sorted(_SOURCES.items()):
        try:
            result.tasks.extend(source(user))
        except Exception:  # one broken source must not hide the others
            log.exception("task source %s failed", name)
            result.failed.append(name)
    result.tasks.sort(key=_sort_key)
    return result
