"""Approval rules of supplier invoices (CRUD) and the menu link to the payables screens."""
from flask_admin.menu import MenuLink
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from admin.base import SecuredModelView, money_formatter
from admin.labels import EXCHANGE_RATES, PAYABLES


class ApprovalRuleView(SecuredModelView):
    read_roles = ("admin", "finance", "auditor")
    write_roles = ("admin",)
    column_labels = PAYABLES
    column_list = ("priority", "name", "min_amount", "max_amount", "supplier", "approver_roles",
                   "approver_users", "active")
    column_formatters = {"min_amount": money_formatter("min_amount"),
                         "max_amount": money_formatter("max_amount")}
    column_default_sort = "priority"
    form_excluded_columns = ()


class ExchangeRateView(SecuredModelView):
    """Rates for foreign-currency supplier invoices: typed here or read in by CSV."""

    read_roles = ("admin", "finance", "auditor")
    write_roles = ("admin", "finance")
    column_labels = EXCHANGE_RATES
    column_list = ("currency", "kind", "day", "rate", "source", "entered_by")
    column_filters = ("currency", "kind", "day")
    column_default_sort = ("day", True)
    form_columns = ("currency", "kind", "day", "rate", "source")
    column_descriptions = {"rate": _l("1 EUR = Kurs × Fremdwährung (wie EZB und BMF notieren)")}

    def on_model_change(self, form, model, is_created):
        from admin.base import current_user_label

        model.currency = (model.currency or "").upper()
        if model.kind == "bmf_month" and model.day:
            model.day = model.day.replace(day=1)
        model.entered_by = current_user_label()


class PayablesMenuLink(MenuLink):
    """Menu entry to the supplier invoice screens (finance, auditors, admin)."""

    def is_accessible(self):
        return current_user.is_authenticated and current_user.has_role("admin", "finance", "auditor")


def payables_menu_link() -> PayablesMenuLink:
    from admin.labels import menu_label

    return PayablesMenuLink(name=menu_label("Supplier invoices"), url="/payables/",
                            category=menu_label("Finance"))
