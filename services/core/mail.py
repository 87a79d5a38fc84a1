"""Outgoing e-mail: queue a message from any area, send it from the scheduler process.

`queue_mail` stores the message (attachments as references to archived files, so the
sent-mail log shows exactly what left); a repeated idempotency key queues nothing new.
`send_due` runs in the `send_mail` job: it takes one message at a time under a lease
(compare-and-set in the filter, so two scheduler processes never send the same message),
sends it over SMTP and records the outcome. A failed attempt is retried after 1, 2, 4 ...
minutes (at most 1 h); after MAX_ATTEMPTS the message is `failed` and shows in the
admin's task list. A process killed between the SMTP hand-over and the record sends the
message again after the lease: at-least-once, with the same Message-ID, so the receiving
side can recognise the repeat.
"""
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from mongoengine.errors import NotUniqueError
from pymongo.errors import DuplicateKeyError

from models.mail import MailAttachment, MailAttempt, OutgoingMail
from services.core.messages import N_, RuleError

LEASE = timedelta(minutes=5)
FIRST_RETRY = timedelta(minutes=1)
MAX_BACKOFF = timedelta(hours=1)
MAX_ATTEMPTS = 8
BATCH = 50


@dataclass(frozen=True)
class SmtpSettings:
    server: str
    port: int = 587
    security: str = "starttls"      # starttls | ssl | none
    username: str = ""
    password: str = ""
    sender: str = ""
    timeout: float = 30.0
    cafile: str = ""                # a private CA for an internal relay; system CAs otherwise

    @classmethod
    def from_config(cls, config) -> "SmtpSettings":
        return cls(server=config.get("MAIL_SERVER", ""), port=int(config.get("MAIL_PORT", 587)),
                   security=config.get("MAIL_SECURITY", "starttls"),
                   username=config.get("MAIL_USERNAME", ""),
                   password=config.get("MAIL_PASSWORD", ""), sender=config.get("MAIL_FROM", ""),
                   cafile=config.get("MAIL_CA_FILE", ""))

    def tls_context(self) -> ssl.SSLContext:
        """Certificate and host name are always checked; only the trusted CAs can change."""
        return ssl.create_default_context(cafile=self.cafile or None)

    def check(self) -> None:
        if not self.server or not self.sender:
            raise RuleError(N_("Kein Mailserver eingerichtet: MAIL_SERVER und MAIL_FROM in der "
                               "Umgebung setzen."))
        if self.security not in ("starttls", "ssl", "none"):
            raise RuleError(N_("MAIL_SECURITY muss starttls, ssl oder none sein."))


def queue_mail(*, key: str, kind: str, to: list[str], subject: str, body: str, user: str,
               attachments: list[dict] = (), document=None, language: str = "de") -> OutgoingMail:
    """Queue one message; the same key returns the message queued first (nothing twice)."""
    recipients = [address.strip() for address in to if address and address.strip()]
    if not recipients:
        raise RuleError(N_("Keine E-Mail-Adresse hinterlegt: bitte beim Empfänger eintragen."))
    mail = OutgoingMail(
        idempotency_key=key, kind=kind, to=recipients, subject=subject, body=body,
        language=language, created_by=user, next_attempt_at=datetime.now(timezone.utc),
        attachments=[MailAttachment(**a) for a in attachments])
    if document is not None:
        kind_, pk, label = document
        mail.document_kind, mail.document_id, mail.document_label = kind_, pk, label
    mail.validate()
    try:
        mail.save(force_insert=True)
    except (DuplicateKeyError, NotUniqueError):
        return OutgoingMail.objects.get(idempotency_key=key)
    return mail


def send_due(settings: SmtpSettings, read_file, now: datetime | None = None) -> dict:
    """Send every queued message that is due; return counts for the Jobs screen.

    `read_file(archived_file_id) -> bytes` reads an attachment (the archive's reader).
    """
    settings.check()
    now = now or datetime.now(timezone.utc)
    counts = {"sent": 0, "retry": 0, "failed": 0}
    due = OutgoingMail.objects(state="queued", next_attempt_at__lte=now).only("id").limit(BATCH)
    for mail_id in [m.pk for m in due]:
        outcome = send_one(mail_id, settings, read_file, now)
        if outcome:
            counts[outcome] += 1
    return counts


def send_one(mail_id, settings: SmtpSettings, read_file, now: datetime) -> str | None:
    """Send one queued message under a lease; None when someone else holds it or it is done."""
    coll = OutgoingMail._get_collection()
    taken = coll.find_one_and_update(
        {"_id": mail_id, "state": "queued",
         "$or": [{"lease_until": None}, {"lease_until": {"$lt": now}}]},
        {"$set": {"lease_until": now + LEASE}})
    if taken is None:
        return None
    mail = OutgoingMail.objects.get(pk=mail_id)
    message_id = mail.message_id or make_msgid(domain=_domain(settings.sender))
    if not mail.message_id:
        coll.update_one({"_id": mail_id}, {"$set": {"message_id": message_id}})
    try:
        _deliver(settings, _build(mail, settings, message_id, read_file))
    except (OSError, smtplib.SMTPException) as exc:
        return _record_failure(mail, now, f"{type(exc).__name__}: {exc}")
    coll.update_one({"_id": mail_id, "state": "queued"},
                    {"$set": {"state": "sent", "sent_at": now, "lease_until": None},
                     "$inc": {"attempts": 1},
                     "$push": {"attempt_log": {"at": now, "error": None}}})
    return "sent"


def _record_failure(mail: OutgoingMail, now: datetime, error: str) -> str:
    attempts = (mail.attempts or 0) + 1
    state = "failed" if attempts >= MAX_ATTEMPTS else "queued"
    OutgoingMail._get_collection().update_one(
        {"_id": mail.pk, "state": "queued"},
        {"$set": {"state": state, "attempts": attempts, "lease_until": None,
                  "next_attempt_at": now + backoff(attempts)},
         "$push": {"attempt_log": {"at": now, "error": error[:500]}}})
    return "failed" if state == "failed" else "retry"


def backoff(attempts: int) -> timedelta:
    """Wait after the n-th failed attempt: 1, 2, 4 ... minutes, at most 1 h."""
    return min(FIRST_RETRY * (2 ** (attempts - 1)), MAX_BACKOFF)


def retry_now(mail_id) -> bool:
    """Put a failed message back in the queue (an admin's decision)."""
    result = OutgoingMail._get_collection().update_one(
        {"_id": mail_id, "state": "failed"},
        {"$set": {"state": "queued", "attempts": 0, "next_attempt_at": datetime.now(timezone.utc)}})
    return bool(result.modified_count)


def _build(mail: OutgoingMail, settings: SmtpSettings, message_id: str, read_file) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = ", ".join(mail.to)
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id
    message["Content-Language"] = mail.language
    message.set_content(mail.body)
    for att in mail.attachments:
        maintype, _, subtype = att.content_type.partition("/")
        message.add_attachment(read_file(att.archived_file), maintype=maintype,
                               subtype=subtype or "octet-stream", filename=att.filename)
    return message


def _deliver(settings: SmtpSettings, message: EmailMessage) -> None:
    if settings.security == "ssl":
        smtp = smtplib.SMTP_SSL(settings.server, settings.port, timeout=settings.timeout,
                                context=settings.tls_context())
    else:
        smtp = smtplib.SMTP(settings.server, settings.port, timeout=settings.timeout)
    with smtp:
        if settings.security == "starttls":
            smtp.starttls(context=settings.tls_context())
        if settings.username:
            smtp.login(settings.username, settings.password)
        smtp.send_message(message)


def _domain(sender: str) -> str:
    return sender.rpartition("@")[2].strip("> ") or "backoffice.local"
