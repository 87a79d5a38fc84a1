"""Backup runs: when, where, what it held and whether it succeeded (dashboard, task list)."""
import mongoengine as me

BACKUP_STATUSES = ("running", "ok", "failed")


class BackupRun(me.Document):
    """One `backup create` (by hand or by the nightly job)."""

    started_at = me.DateTimeField(required=True)
    finished_at = me.DateTimeField()
    status = me.StringField(required=True, choices=BACKUP_STATUSES)
    path = me.StringField()
    size = me.IntField()
    sha256 = me.StringField()          # of the whole backup file
    collections = me.IntField()
    documents = me.IntField()
    method = me.StringField()          # how consistency was obtained (see services.backup.snapshot)
    encrypted = me.BooleanField(default=False)
    requested_by = me.StringField()
    error = me.StringField()

    meta = {"collection": "backup_runs", "ordering": ["-started_at"],
            "indexes": ["-started_at", "status"]}

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.status}"
