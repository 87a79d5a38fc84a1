"""Contracts register (with the computed next deadline), the budget screen, the compliance calendar."""
from datetime import date, timedelta

from flask import Response, abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user

from admin.ajax import ReferenceLookup
from admin.base import SecuredModelView, current_user_label, money_formatter
from admin.secured import SecuredBaseView
from models.archive import ArchivedFile
from models.compliance import ComplianceSettings
from models.customer import Customer
from models.supplier import Supplier
from models.user import User
from services.compliance.calendar import berlin_today, calendar_for, mark_done
from services.compliance.ical import to_ical
from services.contracts.register import annual_cost, budget, deadline_of
from services.core.formatting import format_date_de
from views.i18n import _l
from views.i18n import _, gettext

CONTRACT_READ = ("admin", "finance", "auditor")
CONTRACT_WRITE = ("admin", "finance")
CALENDAR_READ = ("admin", "finance", "hr", "support", "auditor")
CALENDAR_WRITE = ("admin", "finance", "hr", "support")


def _deadline(view, context, model, name):
    found = deadline_of(model, berlin_today())
    if found is None:
        return format_date_de(model.ends_on or model.end) if (model.ends_on or model.end) else ""
    return format_date_de(found.deadline) if name == "next_deadline" else \
        format_date_de(found.renews_on or found.ends_on)


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
                         "annual_cost": lambda v, c, m, n: f"{annual_cost(m)} €"}
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


class ComplianceSettingsView(SecuredModelView):
    read_roles, write_roles = CONTRACT_READ, CONTRACT_WRITE
    allow_delete = False
    column_list = ("vat_return_interval", "permanent_extension", "wage_tax_interval",
                   "ec_sales_list_interval", "holiday_subdivision", "annual_statements")
    form_columns = column_list


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


def _range():
    today = berlin_today()
    try:
        days = int(request.args.get("days", 120))
    except ValueError:
        abort(400)
    return today - timedelta(days=31), today + timedelta(days=max(1, min(days, 800)))


class ComplianceCalendarView(SecuredBaseView):
    """The user's deadlines (auditors see all), overdue first; iCal export; mark as done."""

    read_roles, write_roles = CALENDAR_READ, CALENDAR_WRITE

    def _items(self, start, end):
        return calendar_for(current_user, start, end)

    @expose("/")
    def index(self):
        start, end = _range()
        today = berlin_today()
        items = self._items(start, end)
        return self.render("admin/compliance_calendar.html", items=items, today=today,
                           may_write=self.may_write())

    @expose("/calendar.ics")
    def ical(self):
        start, end = _range()
        body = to_ical(self._items(start, end),
                       lambda item: gettext(item.title, **item.params),
                       name=_("Fristenkalender"))
        return Response(body, mimetype="text/calendar",
                        headers={"Content-Disposition": "attachment; filename=fristen.ics"})

    @expose("/done", methods=("POST",))
    def done(self):
        key = request.form.get("key", "")
        start, end = _range()
        if key not in {i.key for i in self._items(start - timedelta(days=365), end)}:
            abort(404)
        mark_done(key, current_user_label())
        flash(_("Als erledigt markiert."), "success")
        return redirect(url_for(".index"))
