"""The sent-mail log: every queued, sent and failed message, linked to its document."""
from flask import flash
from flask_admin.actions import action
from markupsafe import Markup

from admin.base import SecuredModelView
from services.core.mail import retry_now
from views.i18n import _, _l


def _document(view, context, model, name):
    if model.document_kind == "invoice" and model.document_id:
        return Markup('<a href="/admin/invoice/details/?id={}">{}</a>').format(
            model.document_id, model.document_label or model.document_id)
    return model.document_label or ""


class OutgoingMailView(SecuredModelView):
    """Read-only log; a failed message can be queued again by an admin."""

    read_roles = ("admin", "auditor")
    write_roles = ("admin",)
    allow_create = allow_edit = allow_delete = False
    can_view_details = True
    column_list = ("created_at", "kind", "to", "subject", "document_label", "state",
                   "attempts", "sent_at")
    column_details_list = ("created_at", "created_by", "kind", "to", "subject", "body",
                           "language", "attachments", "document_label", "state", "attempts",
                           "attempt_log", "next_attempt_at", "message_id", "sent_at")
    column_filters = ("state", "kind", "created_at")
    column_searchable_list = ("subject",)
    column_default_sort = ("created_at", True)
    column_formatters = {"document_label": _document}
    column_formatters_detail = {"document_label": _document}

    def is_action_allowed(self, name):
        return self.may_write() and super().is_action_allowed(name)

    @action("retry", _l("Erneut senden"), _l("Die markierten fehlgeschlagenen E-Mails erneut senden?"))
    def action_retry(self, ids):
        """Queue failed messages again."""
        from bson import ObjectId

        done = sum(retry_now(ObjectId(i)) for i in ids)
        flash(_("%(n)s E-Mail(s) wieder in die Warteschlange gestellt.", n=done), "success")
