"""Contracts register (with the computed next deadline) and the annual-cost screen."""
from flask import abort, request
from flask_admin import expose

from admin.ajax import ReferenceLookup
from admin.base import SecuredModelView, money_formatter
from admin.secured import SecuredBaseView
from models.archive import ArchivedFile
from models.customer import Customer
from models.supplier import Supplier
from models.user import User
from services.compliance.calendar import berlin_today
from services.contracts.register import annual_cost, budget, deadline_of
from views.i18n import _l, money
from views.i18n import day as page_day

CONTRACT_READ = ("admin", "finance", "auditor")
CONTRACT_WRITE = ("admin", "finance")


def _deadline(view, context, model, name):
    found = deadline_of(model, berlin_today())
    day = None if found is None else (
        found.deadline if name == "next_deadline" else found.renews_on)
    return page_day(day) if day else ""


class ContractView(SecuredModelView):
    read_roles, write_roles = CONTRACT_READ, CONTRACT_WRITE
    # same field names as elsewhere, another meaning in a contract
    column_labels = {"subject": _l("Gegenstand"), "counterparty_name": _l("Vertragspartner")}
    allow_delete = False          # a register of record: end or cancel, never delete
    column_list = ("number", "subject", "category", "counterparty_name", "owner", "start",
                   "end", "next_deadline", "next_renewal", "cost", "payment_interval",
                   "cost_centre")
    column_details_list = ("number", "subject", "category", "counterparty_kind", "supplier",
                           "customer", "counterparty_name", "owner", "start", "end",
                           "minimum_term_months", "notice_period", "notice_unit", "notice_to",
                           "notice_form", "renewal_months", "next_deadline", "next_renewal",
                           "cost", "payment_interval", "annual_cost", "booking_account",
                           "cost_centre", "documents", "cancelled_on", "ends_on",
                           "remind_days", "notes")
    column_export_list = column_list
    column_searchable_list = ("number", "subject", "counterparty_name")
    column_filters = ("category", "cost_centre", "start", "end")
    column_formatters = {"next_deadline": _deadline, "next_renewal": _deadline,
                         "cost": money_formatter("cost"),
                         "annual_cost": lambda v, c, m, n: money(annual_cost(m))}
    form_columns = ("number", "subject", "category", "counterparty_kind", "supplier", "customer",
                    "counterparty_name", "owner", "start", "end", "minimum_term_months",
                    "notice_period", "notice_unit", "notice_to", "notice_form",
                    "renewal_months", "cost", "payment_interval", "booking_account",
                    "cost_centre", "documents", "cancelled_on", "ends_on", "remind_days",
                    "notes")
    form_ajax_refs = {
        "supplier": ReferenceLookup("supplier", Supplier, ("supplier_no", "name")),
        "customer": ReferenceLookup("customer", Customer, ("customer_no", "name")),
        "owner": ReferenceLookup("owner", User, ("email", "name")),
        "documents": ReferenceLookup("documents", ArchivedFile, ("filename", "description")),
    }


class ContractBudgetView(SecuredBaseView):
    """Annual contract cost by category and by cost centre."""

    read_roles, write_roles = CONTRACT_READ, CONTRACT_WRITE

    @expose("/")
    def index(self):
        try:
            year = int(request.args.get("year") or berlin_today().year)
        except ValueError:
            abort(400)
        if not 1900 <= year <= 2200:
            abort(400)
        return self.render("admin/contract_budget.html", year=year, figures=budget(year))
