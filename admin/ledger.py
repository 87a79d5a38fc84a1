"""Chart of accounts and journal entries."""
from admin.base import SecuredModelView, money_formatter

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


class JournalEntryView(SecuredModelView):
    read_roles, write_roles = FINANCE_READ, FINANCE_WRITE
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
