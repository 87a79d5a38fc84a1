"""Budget lines entered in the panel (twelve monthly plan figures per account and cost centre)."""
from admin.base import SecuredModelView
from admin.ledger import FINANCE_READ, FINANCE_WRITE
from models.budget import MONTH_FIELDS


class BudgetView(SecuredModelView):
    read_roles, write_roles = FINANCE_READ, FINANCE_WRITE
    column_list = ("year", "account", "cost_center", *MONTH_FIELDS)
    column_filters = ("year", "account", "cost_center")
    column_default_sort = "account"
    form_columns = ("year", "account", "cost_center", *MONTH_FIELDS, "note")
