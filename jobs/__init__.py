"""Scheduled jobs: plain callables in jobs/<area>.py, registered in one place below.

Adding a job takes two steps:

1. Write a plain callable in a module of this package; it gets a
   `jobs.runner.JobContext` (run_id, scheduled_for, today in Europe/Berlin) and returns a
   small dict of counts that the Jobs screen shows, e.g.::

       # jobs/tickets.py
       def escalate_overdue_tickets(ctx) -> dict:
           return {"flagged": flag_overdue(now=ctx.scheduled_for)}

2. Add one line to `register_jobs` (times are Europe/Berlin)::

       add_job(scheduler, "sla_escalation", "jobs.tickets:escalate_overdue_tickets",
               "Flag tickets past their SLA", minutes=15)
       add_job(scheduler, "reorder_report", "jobs.stock:send_reorder_report",
               "Items at or below reorder point", hour=6, minute=0)

Keyword arguments `hour`/`minute`/`day_of_week`/... make a cron trigger, `minutes`/`hours`
an interval. Every run goes through `jobs.runner`: once per due time even with two
scheduler processes, never overlapping itself, recorded in JobRun, missed runs after a
downtime caught up once, a failed run retried once 15 minutes later. Jobs must be
idempotent (a retry or a manual run may repeat work that partly happened).
"""
from datetime import timedelta

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from jobs.runner import BERLIN, REGISTRY, JobSpec

INTERVAL_KEYS = {"weeks", "days", "hours", "minutes", "seconds"}
_state = {"registered": False}


def register_jobs(scheduler, app) -> None:
    """Register every job (scheduler None: only fill the registry, e.g. for the web)."""
    _state["registered"] = True
    add_job(scheduler, "retention_cleanup", "jobs.retention:purge_expired",
            "Delete archived files whose retention has run out (not on hold)",
            hour=2, minute=0, lease=timedelta(minutes=30))
    add_job(scheduler, "sla_escalation", "jobs.operations:sla_escalation_job",
            "Escalate overdue tickets one priority step", minutes=15)
    add_job(scheduler, "reorder_report", "jobs.operations:reorder_report_job",
            "Items at or below reorder point, by preferred supplier", hour=6, minute=0)
    add_job(scheduler, "stock_recovery", "jobs.operations:stock_recovery_job",
            "Complete stock movements a crash left pending", hour=3, minute=30)
    add_job(scheduler, "nightly_backup", "jobs.backup:nightly_backup",
            "Back up the whole database and the archive; prune old backups",
            hour=1, minute=30, lease=timedelta(hours=2))
    add_job(scheduler, "privacy_erasure", "jobs.privacy:privacy_erasure",
            "Anonymise former employees whose retention ended (DSGVO Art. 17/18)",
            hour=2, minute=30)
    add_job(scheduler, "overdue_instructions", "jobs.hr:overdue_instructions_job",
            "List employees overdue with a mandatory instruction", hour=6, minute=15)
    add_job(scheduler, "offboarding_sync", "jobs.hr:offboarding_sync_job",
            "Offboarding checklists for exit dates set, moved or removed", hour=6, minute=10)
    add_job(scheduler, "webhooks", "jobs.api:deliver_webhooks",
            "Send API webhooks (new events, due retries)", minutes=1,
            lease=timedelta(minutes=5))
    add_job(scheduler, "send_mail", "jobs.mail:send_mail",
            "Send queued e-mails (due retries included)", minutes=1,
            lease=timedelta(minutes=10))
    add_job(scheduler, "task_digest", "jobs.mail:task_digest",
            "Mail every user their open tasks", day_of_week="mon-fri", hour=7, minute=0)
    add_job(scheduler, "payables_drop_folder", "jobs.payables:drop_folder_job",
            "Import supplier invoices from the drop folder", minutes=5,
            lease=timedelta(minutes=15))
    add_job(scheduler, "dunning_proposal", "jobs.dunning:propose_dunning_run",
            "Propose the dunning run (a person confirms it)", day_of_week="mon-fri",
            hour=6, minute=30)  # before the 07:00 task digest names the proposal
    add_job(scheduler, "depreciation", "jobs.fixed_assets:post_monthly_depreciation",
            "Post the fixed assets' depreciation of the past month", day=1, hour=4, minute=0,
            lease=timedelta(minutes=30))
    add_job(scheduler, "it_watch", "jobs.it:it_watch_job",
            "Warranties and licence renewals ending within 30 days, seats over-assigned",
            hour=6, minute=15)
    add_job(scheduler, "contract_reminders", "jobs.it:contract_reminders_job",
            "Contract cancellation deadlines reaching a reminder step (90/30/7 days)",
            hour=6, minute=20)
    add_job(scheduler, "compliance_overdue", "jobs.it:compliance_overdue_job",
            "Statutory deadlines overdue and not marked done", hour=6, minute=25)


def add_job(scheduler, name: str, func: str, description: str,
            lease: timedelta = timedelta(minutes=10), **when) -> JobSpec:
    """Register a job callable ("module:function") to run at `when` (Europe/Berlin)."""
    if set(when) & INTERVAL_KEYS:
        trigger = IntervalTrigger(timezone=BERLIN, **when)
    else:
        trigger = CronTrigger(timezone=BERLIN, **when)
    spec = JobSpec(name, func, trigger, description, lease)
    REGISTRY[name] = spec
    if scheduler is not None:
        from jobs.scheduler import schedule

        schedule(scheduler, spec)
    return spec


def ensure_registry(app=None) -> dict:
    """Fill the registry without a scheduler (web workers, CLI) and return it."""
    if not _state["registered"]:
        register_jobs(None, app)
    return REGISTRY
