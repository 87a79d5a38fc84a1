"""The record of every bulk CSV import: who, when, which file, what happened."""
import mongoengine as me

from models.base import utcnow

IMPORT_MODES = ("insert", "upsert")
# uploaded: analysed in the wizard, not started; interrupted: died and was taken over by a re-run.
IMPORT_STATUSES = ("uploaded", "running", "succeeded", "partial", "failed", "interrupted")
MAX_STORED_ERRORS = 200


class ImportRun(me.Document):
    collection = me.StringField(required=True, max_length=40)
    filename = me.StringField(required=True, max_length=255)
    sha256 = me.StringField(required=True, regex=r"^[0-9a-f]{64}$")
    size = me.IntField(min_value=0)
    mode = me.StringField(required=True, default="insert", choices=IMPORT_MODES)
    dry_run = me.BooleanField(default=False)
    skip_invalid = me.BooleanField(default=False)
    user = me.StringField(required=True)
    started_at = me.DateTimeField(required=True, default=utcnow)
    finished_at = me.DateTimeField()
    heartbeat_at = me.DateTimeField(default=utcnow)
    status = me.StringField(required=True, default="running", choices=IMPORT_STATUSES)
    phase = me.StringField(max_length=20)  # checking / writing / done
    encoding = me.StringField(max_length=20)
    delimiter = me.StringField(max_length=4)
    rows_total = me.IntField(default=0)
    rows_done = me.IntField(default=0)
    inserted = me.IntField(default=0)
    updated = me.IntField(default=0)
    unchanged = me.IntField(default=0)
    rejected = me.IntField(default=0)
    error_count = me.IntField(default=0)
    errors = me.ListField(me.StringField())  # the first MAX_STORED_ERRORS messages
    message = me.StringField()  # the file error or the crash, in words
    host = me.StringField(max_length=255)
    pid = me.IntField()
    resumed_run = me.StringField(max_length=24)  # the interrupted run this one completed

    meta = {"collection": "import_runs", "ordering": ["-started_at"],
            "indexes": ["-started_at", "sha256", "collection", "status"]}

    def __str__(self):
        return f"{self.collection} {self.filename} ({self.status})"

    @property
    def summary(self) -> str:
        """Return the counts as the CLI prints them."""
        return (f"inserted={self.inserted} updated={self.updated} "
                f"unchanged={self.unchanged} rejected={self.rejected}")

    @property
    def progress_percent(self) -> int:
        """Return how far the run is, 0-100."""
        if self.status in ("succeeded", "partial", "failed", "interrupted"):
            return 100
        return min(99, int(100 * self.rows_done / self.rows_total)) if self.rows_total else 0
