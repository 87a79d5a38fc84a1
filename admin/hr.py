"""Employees: visible to HR and admin only."""
from admin.base import SecuredModelView, money_formatter

HR_ROLES = ("admin", "hr")


class EmployeeView(SecuredModelView):
    read_roles = write_roles = HR_ROLES
    column_list = ("personnel_no", "last_name", "first_name", "department", "position",
                   "hire_date", "monthly_gross", "status")
    column_searchable_list = ("personnel_no", "last_name", "first_name", "email",
                              "department")
    column_filters = ("department", "status", "tax_class", "state", "hire_date",
                      "monthly_gross")
    column_default_sort = "last_name"
    column_formatters = {"monthly_gross": money_formatter("monthly_gross")}
    form_excluded_columns = ("created_at", "updated_at")
