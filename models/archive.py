"""Archived files: content in GridFS (stored once per SHA-256), metadata and category here."""
import mongoengine as me

from models.base import utcnow
from models.frozen import AppendOnlyQuerySet
from models.user import ROLES
from models.messages import N_, invalid

RETENTION_UNITS = ("years", "months")
# When the retention period starts counting (AO §147 (4): end of the calendar year).
RETENTION_STARTS = ("year_end", "document_date", "fixed_date")


class DocumentCategory(me.Document):
    code = me.StringField(primary_key=True, regex=r"^[a-z_]+$")
    name = me.StringField(required=True, max_length=80)
    read_roles = me.ListField(me.StringField(choices=ROLES), required=True)
    # A legal hold on the whole category (tax audit, appeal): nothing in it is deleted.
    hold_reason = me.StringField(max_length=500)
    hold_by = me.StringField()
    hold_at = me.DateTimeField()

    meta = {"collection": "document_categories"}

    def __str__(self):
        return self.name


class RetentionRule(me.Document):
    """How long documents of one category must be kept (a parameter of the law, as data)."""

    category = me.StringField(primary_key=True, regex=r"^[a-z_]+$")
    period = me.IntField(required=True, min_value=1, max_value=100)
    unit = me.StringField(required=True, choices=RETENTION_UNITS)
    start = me.StringField(required=True, choices=RETENTION_STARTS)
    fixed_start = me.DateField()  # only for start == "fixed_date"
    legal_basis = me.StringField(max_length=200)

    meta = {"collection": "retention_rules"}

    def clean(self):
        if self.start == "fixed_date" and not self.fixed_start:
            raise invalid("fixed_start", N_("Beim Fristbeginn „festes Datum“ bitte das Datum "
                                            "angeben."))

    def __str__(self):
        return f"{self.category}: {self.period} {self.unit} from {self.start}"


class ArchiveContent(me.Document):
    """One stored content per SHA-256; `refs` lists the records that point to it.

    Records are added to `refs` before they are saved and removed before they are
    deleted, so content is never removed while a record still needs it; `pending` holds
    the record ids whose save is not yet confirmed (a crash leaves them to be swept).
    """

    sha256 = me.StringField(primary_key=True, regex=r"^[0-9a-f]{64}$")
    grid_id = me.ObjectIdField(required=True)
    size = me.IntField(required=True, min_value=0)
    content_type = me.StringField(required=True)
    refs = me.ListField(me.ObjectIdField())
    pending = me.ListField(me.ObjectIdField())
    writer = me.ObjectIdField()  # the upload that writes the GridFS file
    stored = me.BooleanField(default=False)  # the GridFS file is complete
    write_attempts = me.IntField(default=0)  # > 0 before a write: chunks may be left over
    deleting = me.BooleanField(default=False)  # no new refs; content is being removed
    created_at = me.DateTimeField(default=utcnow)

    meta = {"collection": "archive_contents"}


class ArchivedFile(me.Document):
    content = me.FileField(collection_name="archive")
    filename = me.StringField(required=True, max_length=255)
    content_type = me.StringField(required=True, max_length=100)
    size = me.IntField(required=True, min_value=0)
    sha256 = me.StringField(required=True, regex=r"^[0-9a-f]{64}$")
    category = me.ReferenceField(DocumentCategory, required=True,
                                 reverse_delete_rule=me.DENY)
    document_date = me.DateField(required=True)
    description = me.StringField(max_length=500)
    uploaded_by = me.StringField(required=True)
    uploaded_at = me.DateTimeField(required=True, default=utcnow)
    keep_until = me.DateField()  # last day it must be kept; None = no rule, kept
    # Retention may not be shortened by editing the document date or category
    # (services.archive.metadata): keep_until_min is the lawful floor (the value computed
    # at filing, lowered only by an admin with a reason); a shortening starts a grace
    # period in which the cleanup does not delete the file unless an admin released it.
    keep_until_min = me.DateField()
    keep_until_shortened_at = me.DateTimeField()
    keep_until_shortened_by = me.StringField()
    keep_until_shortened_reason = me.StringField(max_length=500)
    deletion_released_at = me.DateTimeField()
    deletion_released_by = me.StringField()
    hold_reason = me.StringField(max_length=500)
    hold_by = me.StringField()
    hold_at = me.DateTimeField()

    meta = {"collection": "archived_files", "ordering": ["-uploaded_at"],
            "indexes": ["sha256", "category", "document_date", "filename", "keep_until",
                        "-uploaded_at", "uploaded_by"]}

    def __str__(self):
        return self.filename


class PurgeBatch(me.Document):
    """A batch of files the cleanup has decided to delete (its claim, one insert).

    Open (`done` false) until every file in it is logged and deleted; `doomed` lists the
    contents removed with it (SHA-256 and GridFS id) before their documents go, so a run
    that crashed leaves no chunks behind.
    """

    batch_id = me.StringField(primary_key=True)
    run_id = me.StringField(required=True)
    ids = me.ListField(me.ObjectIdField())
    doomed = me.ListField(me.DictField())
    done = me.BooleanField(default=False)
    created_at = me.DateTimeField(default=utcnow)

    meta = {"collection": "archive_purge_batches"}


class DeletionLogEntry(me.Document):
    """One immutable line per deleted archived file (its _id is the file's id)."""

    file_id = me.ObjectIdField(primary_key=True)
    filename = me.StringField(required=True)
    category = me.StringField(required=True)
    sha256 = me.StringField(required=True)
    document_date = me.DateField(required=True)
    keep_until = me.DateField(required=True)
    deleted_at = me.DateTimeField(required=True, default=utcnow)
    run_id = me.StringField(required=True)

    meta = {"collection": "archive_deletion_log", "ordering": ["-deleted_at"],
            "indexes": ["-deleted_at", "run_id"], "queryset_class": AppendOnlyQuerySet}

    def save(self, *args, **kwargs):
        raise invalid(None, N_("Einträge des Löschprotokolls schreibt nur die Löschung."))

    def delete(self, *args, **kwargs):
        raise invalid(None, N_("Einträge des Löschprotokolls können nicht gelöscht werden."))

    def __str__(self):
        return f"{self.filename} ({self.deleted_at:%Y-%m-%d})"
