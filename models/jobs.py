"""Scheduled-job history and the leases that keep a job from running twice at once."""
import mongoengine as me

JOB_STATUSES = ("queued", "running", "ok", "failed", "skipped")


class JobRun(me.Document):
    """One run of a job; its _id (job + scheduled time) makes each occurrence run once."""

    run_id = me.StringField(primary_key=True)
    job = me.StringField(required=True)
    scheduled_for = me.DateTimeField(required=True)
    trigger = me.StringField(required=True, choices=("schedule", "manual"))
    requested_by = me.StringField()
    status = me.StringField(required=True, choices=JOB_STATUSES)
    started_at = me.DateTimeField()
    finished_at = me.DateTimeField()
    summary = me.DictField()
    error = me.StringField()
    host = me.StringField()

    meta = {"collection": "job_runs", "ordering": ["-scheduled_for"],
            "indexes": ["job", "-scheduled_for", "status",
                        # a job's last runs (Jobs screen, start page) without its whole history
                        ("job", "-scheduled_for")]}

    def __str__(self):
        return self.run_id


class JobLease(me.Document):
    """Held by the run that is executing a job; expires if its process dies."""

    job = me.StringField(primary_key=True)
    run_id = me.StringField()
    expires_at = me.DateTimeField()

    meta = {"collection": "job_leases"}
