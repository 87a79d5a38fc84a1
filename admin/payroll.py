"""Payroll parameters: HR reads them, only admin changes rates and ceilings."""
from flask_admin.menu import MenuLink
from flask_login import current_user

from admin.base import SecuredModelView, money_formatter


class PayrollParametersView(SecuredModelView):
    read_roles = ("admin", "hr")
    write_roles = ("admin",)
    allow_delete = False  # approved runs were calculated with them; end a period instead
    column_list = ("valid_from", "valid_to", "pension_rate", "unemployment_rate",
                   "health_general_rate", "care_rate", "ceiling_pension", "ceiling_health",
                   "minijob_limit")
    column_default_sort = ("valid_from", True)
    column_formatters = {name: money_formatter(name) for name in
                         ("ceiling_pension", "ceiling_health", "minijob_limit")}
    form_excluded_columns = ("created_at", "updated_at")
    column_descriptions = {
        "pension_rate": "RV in %, half employer / half employee",
        "care_employer_rate_saxony": "PV employer share in Saxony in %",
        "care_child_reduction": "PV points less per child from the 2nd child",
        "minijob_flat_tax_rate": "employer flat wage tax on mini-jobs in %",
        "church_tax_reduced_states": "states with the reduced church-tax rate",
    }


class HealthFundView(SecuredModelView):
    """Krankenkassen: HR maintains add-on and levy rates as the funds publish them."""

    read_roles = write_roles = ("admin", "hr")
    allow_delete = False  # payslips name the fund; set inactive instead
    column_list = ("name", "betriebsnummer", "addon_rate", "u1_rate", "u2_rate", "active")
    column_searchable_list = ("name", "betriebsnummer")
    column_default_sort = "name"
    form_excluded_columns = ("created_at", "updated_at")
    column_descriptions = {
        "addon_rate": "Zusatzbeitrag in %, half employer / half employee",
        "u1_rate": "Umlage U1 in % (only while the company has at most 30 employees)",
        "u2_rate": "Umlage U2 in %",
    }


class PayrollMenuLink(MenuLink):
    """Menu entry to the payroll run screens, shown to HR and admin only."""

    def is_accessible(self):
        return current_user.is_authenticated and current_user.has_role("admin", "hr")


def payroll_menu_link() -> PayrollMenuLink:
    from admin.labels import menu_label

    return PayrollMenuLink(name=menu_label("Payroll runs"), url="/payroll/",
                           category=menu_label("HR"))
