"""Helpdesk tickets: list with SLA due times, workflow buttons, my tickets, SLA targets."""
from bson import ObjectId
from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.mongoengine.filters import BaseMongoEngineFilter
from flask_login import current_user
from markupsafe import Markup

from admin.ajax import ReferenceLookup
from admin.base import SecuredModelView, _page_datetime, current_user_label
from admin.labels import COMMON
from admin.secured import SecuredBaseView
from models.base import utcnow
from models.employee import Employee
from models.it_asset import Asset
from models.ticket import Ticket
from models.user import User
from services.core.errors import BusinessRuleError
from services.operations.tickets import (STATUS_LABELS, add_comment, allowed_transitions, apply_sla,
                              assign, change_status, overdue_query)
from views.i18n import _, _l, translated

SUPPORT_READ = ("admin", "support", "auditor")
SUPPORT_WRITE = ("admin", "support")


class OverdueFilter(BaseMongoEngineFilter):
    """Only open tickets past a due time (yes) or all others (no)."""

    def apply(self, query, value):
        ids = [raw["_id"] for raw in Ticket._get_collection().find(overdue_query(utcnow()), {"_id": 1})]
        return query.filter(pk__in=ids) if value == "1" else query.filter(pk__nin=ids)

    def operation(self):
        return _l("ist")


class SupportStaffLookup(ReferenceLookup):
    """Assignees are active support staff (and administrators) only."""

    def base_query(self):
        return User.objects(roles__in=["support", "admin"], active=True)


def _due_formatter(field):
    def fmt(view, context, model, name):
        value = getattr(model, field)
        if model.status == "waiting":
            return Markup('<span class="badge badge-secondary">%s</span>') % _("pausiert")
        if value is None:
            return ""
        text = _page_datetime(view, value)
        if model.is_overdue(utcnow()) and value < utcnow():
            return Markup('<span class="badge badge-danger" title="%s">%s</span>') % (
                _("überfällig"), text)
        return text
    return fmt


def _status_formatter(view, context, model, name):
    return _(STATUS_LABELS.get(model.status, model.status))


class TicketView(SecuredModelView):
    read_roles, write_roles = SUPPORT_READ, SUPPORT_WRITE
    details_template = "admin/ticket_details.html"
    column_list = ("number", "title", "priority", "status", "requester", "assignee",
                   "response_due_at", "due_at", "created_at")
    column_labels = COMMON
    column_searchable_list = ("number", "title")
    column_filters = ("status", "priority", "due_at", "created_at",
                      OverdueFilter(column="due_at", name=_l("Überfällig"),
                                    options=(("1", _l("ja")), ("0", _l("nein")))))
    column_default_sort = ("created_at", True)
    column_formatters = {"due_at": _due_formatter("due_at"),
                         "response_due_at": _due_formatter("response_due_at"),
                         "status": _status_formatter}
    form_columns = ("title", "description", "requester", "assignee", "priority", "asset",
                    "comments")
    form_subdocuments = {"comments": {"form_subdocuments": {None: {
        "form_columns": ("text", "internal"),
    }}}}
    form_ajax_refs = {
        "requester": ReferenceLookup("requester", Employee,
                                     ("personnel_no", "last_name", "first_name")),
        "assignee": SupportStaffLookup("assignee", User, ("email", "name")),
        "asset": ReferenceLookup("asset", Asset, ("asset_tag", "serial_number", "model")),
    }

    def on_model_change(self, form, model, is_created):
        if model.assignee and not model.assignee.has_role("support", "admin"):
            from wtforms.validators import ValidationError
            raise ValidationError(_("Tickets können nur Support-Mitarbeitern zugewiesen werden."))
        for comment in model.comments:
            if not comment.author:
                comment.author = current_user_label()
        if is_created:
            apply_sla(model)

    def render(self, template, **kwargs):
        if template == self.details_template and kwargs.get("model") is not None:
            model = kwargs["model"]
            kwargs["transitions"] = [(s, _(STATUS_LABELS[s])) for s in allowed_transitions(model.status)]
            kwargs["may_write"] = self.may_write()
            kwargs["status_labels"] = STATUS_LABELS
        return super().render(template, **kwargs)


class MyTicketView(TicketView):
    """The open and closed tickets assigned to the logged-in user."""

    read_roles, write_roles = SUPPORT_WRITE, SUPPORT_WRITE
    allow_create = False

    def get_query(self):
        return super().get_query().filter(assignee=current_user.pk)

    def get_one(self, id):
        if not ObjectId.is_valid(id):
            return None  # Flask-Admin answers "record does not exist"
        return super().get_query().filter(assignee=current_user.pk, pk=ObjectId(id)).first()


class SlaPolicyView(SecuredModelView):
    read_roles, write_roles = SUPPORT_READ, ("admin",)
    allow_delete = False
    column_labels = COMMON
    column_list = ("priority", "response_minutes", "resolution_minutes", "holiday_subdivision")
    form_columns = ("priority", "response_minutes", "resolution_minutes", "holiday_subdivision")


class TicketOpsView(SecuredBaseView):
    """Workflow actions posted from a ticket's detail page."""

    read_roles, write_roles = SUPPORT_READ, SUPPORT_WRITE

    def is_visible(self):
        return False  # reached from the detail pages, not the menu

    @expose("/")
    def index(self):
        return redirect(url_for("tickets.index_view"))

    @expose("/<ticket_id>/status", methods=("POST",))
    def status(self, ticket_id):
        return self._do(ticket_id, lambda t: change_status(
            t.pk, request.form.get("to", ""), current_user_label()), _("Status geändert."))

    @expose("/<ticket_id>/comment", methods=("POST",))
    def comment(self, ticket_id):
        return self._do(ticket_id, lambda t: add_comment(
            t.pk, request.form.get("text", ""), current_user_label(),
            internal=request.form.get("internal") == "y"), _("Kommentar gespeichert."))

    @expose("/<ticket_id>/assign-me", methods=("POST",))
    def assign_me(self, ticket_id):
        return self._do(ticket_id, lambda t: assign(t.pk, current_user.pk),
                        _("Ticket übernommen."))

    def _do(self, ticket_id, action, message):
        from flask import abort

        ticket = Ticket.objects(pk=ticket_id).first() if len(ticket_id) == 24 else None
        if ticket is None:
            abort(404)
        try:
            action(ticket)
            flash(message, "success")
        except BusinessRuleError as exc:
            flash(translated(exc), "error")
        return redirect(url_for("tickets.details_view", id=str(ticket.pk)))

