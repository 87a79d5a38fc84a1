"""Customers, company master data and invoices (drafts editable; issued ones frozen)."""
import json

from flask import url_for
from flask_admin.actions import action
from markupsafe import Markup

from admin.ajax import ReferenceLookup
from admin.base import (FrozenDocumentsMixin, RestrictedHiddenMixin, SecuredModelView,
                        current_user_label, run_step)
from admin.ledger import FINANCE_READ, FINANCE_WRITE
from models.customer import Customer
from models.invoice import INVOICE_STATUSES, Invoice
from services.invoicing import issuing as invoicing
from services.ledger import personal_accounts
from views.i18n import _, _l, money


class CustomerView(RestrictedHiddenMixin, SecuredModelView):
    read_roles, write_roles = FINANCE_READ, FINANCE_WRITE
    allow_delete = False  # invoices refer to customers: deactivate instead
    column_list = ("customer_no", "account_no", "name", "postal_code", "city", "country",
                   "vat_id", "email", "active")
    column_searchable_list = ("customer_no", "name", "city", "vat_id", "email")
    column_filters = ("country", "active")
    column_default_sort = "name"
    form_excluded_columns = ("created_at", "updated_at", "account_no", "restricted_until",
                             "erased_at")

    def after_model_change(self, form, model, is_created):
        """A new customer gets its personal account (Debitor) at once."""
        personal_accounts.assign_personal_account(model)


class CompanyView(SecuredModelView):
    read_roles, write_roles = FINANCE_READ, FINANCE_WRITE
    allow_delete = False
    column_list = ("name", "city", "vat_id", "tax_number", "iban")
    form_excluded_columns = ("key", "created_at", "updated_at")


def _money(field):
    def fmt(view, context, model, name):
        value = getattr(model, field)
        if value is None and model.status == "draft" and model.lines:
            value = invoicing.totals_of(model).gross
        return money(value)
    fmt.numeric = True  # right-aligned in the list
    return fmt


def _documents(view, context, model, name):
    if not model.pdf_file:
        return ""
    links = [(url_for("invoices.pdf", invoice_id=model.pk), "PDF"),
             (url_for("invoices.xml", invoice_id=model.pk), "XML")]
    if model.kind == "invoice" and model.status == "issued" and view.may_write():
        links.append((url_for("invoices.payment", invoice_id=model.pk), _("Zahlung erfassen")))
    return Markup(" · ").join(Markup('<a href="{}">{}</a>').format(u, t) for u, t in links)


class InvoiceView(FrozenDocumentsMixin, SecuredModelView):
    """Invoices: edit drafts; issue, cancel, record payments, download PDF and XML."""

    read_roles, write_roles = FINANCE_READ, FINANCE_WRITE
    frozen_statuses = tuple(s for s in INVOICE_STATUSES if s != "draft")
    action_disallowed_list = ["delete"]
    column_list = ("number", "kind", "customer", "issue_date", "gross_total", "paid_total",
                   "status", "documents")
    column_searchable_list = ("number",)
    column_filters = ("status", "kind", "issue_date")
    column_default_sort = ("created_at", True)
    column_formatters = {"gross_total": _money("gross_total"),
                         "paid_total": _money("paid_total"), "documents": _documents}
    column_details_list = ("number", "kind", "status", "customer", "issue_date",
                           "service_date", "service_date_end", "due_date", "skonto_until",
                           "skonto_percent", "cost_center", "lines",
                           "tax_lines", "net_total", "vat_total", "gross_total", "paid_total",
                           "payments", "payment_terms", "notes", "pdf_sha256", "documents",
                           "issued_by", "issued_at")
    column_formatters_detail = {"documents": _documents, "gross_total": _money("gross_total")}
    form_columns = ("customer", "issue_date", "service_date", "service_date_end",
                    "cost_center", "lines", "payment_terms", "payment_days", "skonto_days", "skonto_percent", "notes")
    form_subdocuments = {"lines": {"form_subdocuments": {None: {
        "form_columns": ("description", "quantity", "unit", "unit_price", "vat_rate",
                         "exemption_reason", "cost_center"),
    }}}}
    form_ajax_refs = {"customer": ReferenceLookup("customer", Customer,
                                                  ("customer_no", "name"))}
    edit_template = "admin/invoice_edit.html"
    create_template = "admin/invoice_create.html"

    def on_model_change(self, form, model, is_created):
        if is_created:
            model.created_by = current_user_label()

    def vat_rates_json(self) -> str:
        """The VAT rates by code for the editor's live totals."""
        return json.dumps({code: float(rate.rate) for code, rate in invoicing.rate_table().items()})

    def is_action_allowed(self, name):
        return self.may_write() and super().is_action_allowed(name)

    @action("issue", _l("Ausstellen"), _l("Die markierten Entwürfe ausstellen (Nummer, Buchung, PDF)?"))
    def action_issue(self, ids):
        """Issue the selected drafts."""
        for inv in Invoice.objects(pk__in=ids).order_by("created_at"):
            run_step(lambda i=inv: invoicing.issue_invoice(i, current_user_label()), inv,
                     _("ausgestellt"), name_result=True)

    @action("mail", _l("Per E-Mail senden"),
            _l("Die markierten ausgestellten Rechnungen per E-Mail an die Kunden senden?"))
    def action_mail(self, ids):
        """Queue the selected issued invoices for e-mail (the scheduler sends them)."""
        from services.invoicing.mailing import queue_invoice_mail

        for inv in Invoice.objects(pk__in=ids):
            run_step(lambda i=inv: queue_invoice_mail(i, current_user_label()), inv,
                     _("zum Versand per E-Mail eingereiht"))

    @action("cancel", _l("Stornieren (Stornorechnung)"),
            _l("Die markierten Rechnungen mit einer Stornorechnung stornieren?"))
    def action_cancel(self, ids):
        """Cancel the selected invoices by credit notes."""
        for inv in Invoice.objects(pk__in=ids):
            run_step(lambda i=inv: invoicing.cancel_invoice(i, current_user_label()), inv,
                     _("storniert"), name_result=True)

