"""Approval rules of supplier invoices (CRUD) and the menu link to the payables screens."""
from flask_admin.menu import MenuLink
from flask_login import current_user

from admin.base import SecuredModelView, money_formatter
from admin.labels import PAYABLES


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


class PayablesMenuLink(MenuLink):
    """Menu entry to the supplier invoice screens (finance, auditors, admin)."""

    def is_accessible(self):
        return current_user.is_authenticated and current_user.has_role("admin", "finance", "auditor")


def payables_menu_link() -> PayablesMenuLink:
    from admin.labels import menu_label

    return PayablesMenuLink(name=menu_label("Supplier invoices"), url="/payables/",
                            category=menu_label("Finance"))
