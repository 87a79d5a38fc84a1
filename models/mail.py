"""Outgoing e-mail: the queue the scheduler sends from, and the sent-mail log in one."""
import mongoengine as me

from models.base import utcnow

MAIL_STATES = ("queued", "sent", "failed", "cancelled")
MAIL_KINDS = ("invoice", "dunning", "payslip", "approval", "reminder", "other")


class MailAttachment(me.EmbeddedDocument):
    filename = me.StringField(required=True, max_length=200)
    content_type = me.StringField(required=True, max_length=100)
    archived_file = me.ObjectIdField(required=True)   # content read from the archive
    sha256 = me.StringField(max_length=64)


class MailAttempt(me.EmbeddedDocument):
    at = me.DateTimeField(required=True)
    error = me.StringField(max_length=500)


class OutgoingMail(me.Document):
    """One message: queued by a service, sent (with retries) by the `send_mail` job."""

    idempotency_key = me.StringField(required=True, unique=True, max_length=200)
    kind = me.StringField(required=True, choices=MAIL_KINDS)
    to = me.ListField(me.EmailField(), required=True)
    subject = me.StringField(required=True, max_length=300)
    body = me.StringField(required=True)
    language = me.StringField(default="de", choices=("de", "en"))
    attachments = me.ListField(me.EmbeddedDocumentField(MailAttachment))
    # the document the message is about, e.g. ("invoice", <id>) -- shown on both sides
    document_kind = me.StringField(max_length=40)
    document_id = me.ObjectIdField()
    document_label = me.StringField(max_length=120)
    state = me.StringField(default="queued", choices=MAIL_STATES)
    attempts = me.IntField(default=0)
    attempt_log = me.ListField(me.EmbeddedDocumentField(MailAttempt))
    next_attempt_at = me.DateTimeField()
    lease_until = me.DateTimeField()
    message_id = me.StringField(max_length=200)
    created_by = me.StringField(required=True)
    created_at = me.DateTimeField(required=True, default=utcnow)
    sent_at = me.DateTimeField()

    meta = {"collection": "outgoing_mail", "ordering": ["-created_at"],
            "indexes": ["state", "next_attempt_at", "document_id", "-created_at"]}

    def __str__(self):
        return f"{self.subject} → {', '.join(self.to)}"
