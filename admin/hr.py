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
    column_descriptions = {
        "state": "state of residence",
        "workplace_state": "state of the workplace (Betriebsstätte): church-tax rate, "
                           "Saxony care split; empty = state of residence",
        "health_fund": "Krankenkasse: add-on and U1/U2 rates come from it",
        "private_health_premium": "only if privately insured: monthly basic premium",
        "minijob_pension_exempt": "minijob exempted from pension insurance on request",
        "social_security_no": "Versicherungsnummer, e.g. 15070649C103",
        "tax_id": "Steuer-Identifikationsnummer, 11 digits",
    }
    form_excluded_columns = ("created_at", "updated_at", "restricted_until", "erased_at")
