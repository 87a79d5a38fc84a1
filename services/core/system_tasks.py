"""Task-list sources for admins: failed scheduled jobs, e-mails that could not be sent."""
from datetime import datetime, timedelta, timezone

from models.jobs import JobRun
from models.mail import OutgoingMail
from services.core.messages import N_
from services.core.tasks import Task, register_task_source

RECENT = timedelta(days=7)


def failed_jobs(user, now: datetime | None = None):
    """Jobs whose newest run failed (within the last week), for admins."""
    if not user.has_role("admin"):
        return
    now = now or datetime.now(timezone.utc)
    jobs = {run.job for run in JobRun.objects(status="failed", scheduled_for__gte=now - RECENT)
            .only("job").limit(200)}
    for job in sorted(jobs):
        newest = JobRun.objects(job=job).order_by("-scheduled_for").only(
            "status", "scheduled_for").first()
        if newest is not None and newest.status == "failed":
            yield Task(kind="failed_job", area="system", ref=job,
                       title=N_("Job %(job)s ist fehlgeschlagen"), params={"job": job},
                       url="/admin/job_runs/", due=newest.scheduled_for, overdue=True)


def failed_mail(user):
    """E-mails that failed for good (or wait for a mail server), for admins."""
    if not user.has_role("admin"):
        return
    failed = OutgoingMail.objects(state="failed").count()
    if failed:
        yield Task(kind="failed_job", area="system", ref="mail",
                   title=N_("%(n)s E-Mail(s) konnten nicht gesendet werden"), params={"n": failed},
                   url="/admin/outgoing_mail/", overdue=True)


register_task_source("system.failed_jobs", failed_jobs)
register_task_source("system.failed_mail", failed_mail)
