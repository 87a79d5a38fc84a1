"""Mail jobs: send the queued messages (retries included); the daily task digest."""


def send_mail(ctx) -> dict:
    """Send every due message over the configured SMTP server."""
    from flask import current_app

    from models.mail import OutgoingMail
    from services.archive.store import read_file
    from services.core.mail import SmtpSettings, send_due

    settings = SmtpSettings.from_config(current_app.config)
    if not settings.server or not settings.sender:
        # Not an error of the job: the admin's task list says that mail waits.
        return {"not_configured": OutgoingMail.objects(state="queued").count()}
    return send_due(settings, read_file, now=ctx.scheduled_for)


def task_digest(ctx) -> dict:
    """Mail each user their open tasks once a day (approvals, deadlines, overdue items)."""
    from flask import current_app

    from flask_babel import force_locale, gettext

    from services.core.digest import queue_digests

    def translate(msgid: str, language: str) -> str:
        with force_locale(language):
            return gettext(msgid)

    return queue_digests(ctx.today, current_app.config.get("PUBLIC_URL", ""), translate)
