"""Chart of accounts and journal entries."""
from flask import flash
from flask_admin.actions import action
from flask_admin.menu import MenuLink
from flask_login import current_user
from markupsafe import Markup, escape

from admin.labels import menu_label
from views.i18n import _, _l
from admin.base import (FrozenDocumentsMixin, SecuredModelView, current_user_label,
                        money_formatter, run_step)
from models.ledger import JournalEntry
from services.ledger import posting

FINANCE_READ = ("admin", "finance", "auditor")
FINANCE_WRITE = ("admin", "finance")


class AccountView(SecuredModelView):
    read_roles, write_roles = FINANCE_READ, FINANCE_WRITE
    allow_delete = False  # accounts are deactivated, never removed
    column_list = ("number", "name", "type", "vat_key", "chart", "cost_center_required",
                   "active")
    column_searchable_list = ("number", "name")
    column_filters = ("type", "chart", "active")
    column_default_sort = "number"
    form_excluded_columns = ("created_at", "updated_at")


class CostCenterView(SecuredModelView):
    """Kostenstellen: added and deactivated, never removed (posted lines name them)."""

    read_roles, write_roles = FINANCE_READ, FINANCE_WRITE
    allow_delete = False
    column_list = ("code", "name", "active")
    column_searchable_list = ("code", "name")
    column_filters = ("active",)
    column_default_sort = "code"
    form_excluded_columns = ("created_at", "updated_at")


class JournalEntryView(FrozenDocumentsMixin, SecuredModelView):
    """Journal: drafts are edited here; posted entries only viewed, posted, reversed."""

    read_roles, write_roles = FINANCE_READ, FINANCE_WRITE
    frozen_statuses = ("posted",)
    action_disallowed_list = ["delete"]  # bulk delete would bypass the per-row rule
    column_list = ("number", "date", "text", "voucher_ref", "total", "status", "source")
    column_searchable_list = ("text", "voucher_ref")
    column_filters = ("date", "status", "source", "fiscal_year")
    column_default_sort = ("date", True)
    column_formatters = {"total": money_formatter("total_debit")}
    column_details_list = ("number", "fiscal_year", "date", "text", "voucher_ref", "lines",
                           "status", "source", "reversal_of", "reversed_by", "posted_by",
                           "posted_at", "hash", "prev_hash", "created_by", "created_at",
                           "updated_at")
    column_formatters_detail = {
        "reversal_of": lambda v, c, m, n: _entry_link(v, m.reversal_of),
        "reversed_by": lambda v, c, m, n: _entry_link(v, m.reversed_by),
    }
    form_columns = ("date", "text", "voucher_ref", "lines")
    form_subdocuments = {"lines": {"form_subdocuments": {None: {
        "form_columns": ("account", "debit", "credit", "tax_key", "cost_center", "text"),
    }}}}

    def on_model_change(self, form, model, is_created):
        if is_created:
            model.created_by = current_user_label()

    def is_action_allowed(self, name):
        return self.may_write() and super().is_action_allowed(name)

    @action("post", _l("Buchen (festschreiben)"),
            _l("Die markierten Entwürfe buchen? Gebuchte Einträge sind danach unveränderlich."))
    def action_post(self, ids):
        """Post the selected drafts; each one that cannot be posted is named."""
        for entry in JournalEntry.objects(pk__in=ids).order_by("date"):
            run_step(lambda e=entry: posting.post_entry(e, current_user_label()),
                     entry, _("gebucht"))

    @action("reverse", _l("Stornieren"),
            _l("Die markierten gebuchten Einträge mit heutigem Datum stornieren?"))
    def action_reverse(self, ids):
        """Post a reversal entry for each selected posted entry."""
        for entry in JournalEntry.objects(pk__in=ids):
            run_step(lambda e=entry: posting.reverse_entry(e, current_user_label()),
                     entry, _("storniert"))

    @action("correct", _l("Stornieren und korrigieren"),
            _l("Stornieren und einen neuen Entwurf mit denselben Zeilen zur Korrektur anlegen?"))
    def action_correct(self, ids):
        """Reverse each selected entry and open a draft copy of it for the correction."""
        for entry in JournalEntry.objects(pk__in=ids):
            draft = run_step(lambda e=entry: posting.reverse_and_copy(
                e, current_user_label()), entry, _("storniert"))
            if draft is not None:
                flash(Markup('{}: <a href="{}">{}</a>').format(
                    _("Korrektur-Entwurf angelegt"), self.get_url(".edit_view", id=draft.pk),
                    _("bearbeiten")), "info")




def _entry_link(view, pk):
    if pk is None:
        return ""
    target = JournalEntry.objects(pk=pk).first()
    label = escape(str(target)) if target else escape(str(pk))
    return Markup('<a href="{}">{}</a>').format(view.get_url(".details_view", id=pk), label)


class FinanceLink(MenuLink):
    """A menu link to a ledger screen, shown only to finance readers."""

    def is_accessible(self):
        return current_user.is_authenticated and current_user.has_role(*FINANCE_READ)


def add_ledger_links(admin) -> None:
    """Add the ledger report and period screens to the Finance menu."""
    for name, url in ((_l("Summen- und Saldenliste"), "/ledger/trial-balance"),
                      (_l("Kontoblatt"), "/ledger/account-ledger"),
                      (_l("Perioden und Hash-Kette"), "/ledger/periods"),
                      (_l("Jahresabschluss (GuV, Bilanz, BWA)"), "/closing/statements"),
                      (_l("Umsatzsteuer-Voranmeldung und ZM"), "/closing/vat"),
                      (_l("DATEV-Export"), "/datev/"),
                      (_l("Anlagenspiegel"), "/fixed-assets/register"),
                      (_l("Budget: Plan und Ist"), "/budgets/")):
        admin.add_link(FinanceLink(name=name, url=url, category=menu_label("Finance")))
