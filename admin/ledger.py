"""Chart of accounts and journal entries."""
from bson import ObjectId
from bson.errors import InvalidId
from flask import has_request_context, request
from flask_admin.model import template

from admin.base import SecuredModelView, money_formatter
from models.ledger import JournalEntry

FINANCE_READ = ("admin", "finance", "auditor")
FINANCE_WRITE = ("admin", "finance")


class AccountView(SecuredModelView):
    read_roles, write_roles = FINANCE_READ, FINANCE_WRITE
    allow_delete = False  # accounts are deactivated, never removed
    column_list = ("number", "name", "type", "vat_key", "chart", "active")
    column_searchable_list = ("number", "name")
    column_filters = ("type", "chart", "active")
    column_default_sort = "number"
    form_excluded_columns = ("created_at", "updated_at")


class DraftOnlyRowAction(template.BaseListRowAction):
    """A row button shown only for draft entries: posted ones are frozen."""

    def __init__(self, inner):
        super().__init__(inner.title)
        self.inner = inner

    def render(self, context, row_id, row):
        return "" if row.status == "posted" else self.inner.render(context, row_id, row)


class JournalEntryView(SecuredModelView):
    """Journal: drafts are edited here; posted entries only viewed, posted, reversed."""

    read_roles, write_roles = FINANCE_READ, FINANCE_WRITE
    action_disallowed_list = ["delete"]  # bulk delete would bypass the per-row rule
    column_list = ("number", "date", "text", "voucher_ref", "total", "status", "source")
    column_searchable_list = ("text", "voucher_ref")
    column_filters = ("date", "status", "source", "fiscal_year")
    column_default_sort = ("date", True)
    column_formatters = {"total": money_formatter("total_debit")}
    column_details_list = ("number", "fiscal_year", "date", "text", "voucher_ref", "lines",
                           "status", "source", "created_by", "created_at", "updated_at")
    form_columns = ("date", "text", "voucher_ref", "lines")
    form_subdocuments = {"lines": {"form_subdocuments": {None: {
        "form_columns": ("account", "debit", "credit", "tax_key", "text"),
    }}}}

    def on_model_change(self, form, model, is_created):
        if is_created:
            from admin.base import current_user_label
            model.created_by = current_user_label()

    @property
    def can_edit(self):
        return super().can_edit and not self._requested_entry_posted()

    @property
    def can_delete(self):
        return super().can_delete and not self._requested_entry_posted()

    def get_list_row_actions(self):
        return [DraftOnlyRowAction(action) if isinstance(
                    action, (template.EditRowAction, template.EditPopupRowAction,
                             template.DeleteRowAction)) else action
                for action in super().get_list_row_actions()]

    def _requested_entry_posted(self) -> bool:
        """Tell whether the entry named in this request (?id= or form id) is posted.

        With can_edit/can_delete False the base view answers 403 on the edit and
        delete URLs and the details page shows no edit/delete buttons.
        """
        if not has_request_context():
            return False
        raw = request.args.get("id") or request.form.get("id")
        try:
            pk = ObjectId(raw) if raw else None
        except InvalidId:
            return False
        return pk is not None and JournalEntry.objects(pk=pk, status="posted").count() > 0
