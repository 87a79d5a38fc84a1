"""Bank accounts, statements, transactions, booking rules and CSV mappings."""
from flask import url_for
from flask_admin.menu import MenuLink
from flask_login import current_user
from markupsafe import Markup

from admin.base import SecuredModelView, money_formatter
from admin.ledger import FINANCE_READ, FINANCE_WRITE
from services.banking.reconcile_match import describe
from views.i18n import _, _l


def proposal_text(message: dict | None, fallback: str = "") -> str:
    """A proposal (stored as message ids, reconcile_match.describe) in the user's language."""
    return describe(message, _) if message else (fallback or "")


def _proposal(view, context, model, name):
    return proposal_text(model.proposal_msg, model.proposal)


class BankAccountView(SecuredModelView):
    read_roles, write_roles = FINANCE_READ, FINANCE_WRITE
    allow_delete = False  # statements refer to the account: deactivate instead
    column_list = ("name", "iban", "bic", "ledger_account", "auto_book_from", "active")
    column_searchable_list = ("name", "iban")
    form_excluded_columns = ("created_at", "updated_at")


def _open_link(view, context, model, name):
    if model.status != "open" or not view.may_write():
        return ""
    return Markup('<a href="{}">{}</a>').format(url_for("bank.transaction", tx_id=model.pk),
                                                 _("Abgleichen"))


class BankStatementView(SecuredModelView):
    read_roles, write_roles = FINANCE_READ, ()
    allow_create = allow_edit = allow_delete = False
    column_list = ("account", "statement_id", "format", "from_date", "to_date",
                   "opening_balance", "closing_balance", "transaction_count", "balance_ok",
                   "problems", "file_name")
    column_filters = ("format", "balance_ok", "to_date")
    column_default_sort = ("to_date", True)
    column_formatters = {"opening_balance": money_formatter("opening_balance"),
                         "closing_balance": money_formatter("closing_balance")}


class BankTransactionView(SecuredModelView):
    read_roles, write_roles = FINANCE_READ, ()
    allow_create = allow_edit = allow_delete = False
    column_list = ("booking_date", "amount", "counterparty_name", "purpose", "status",
                   "confidence", "proposal", "is_return", "reconcile")
    column_searchable_list = ("counterparty_name", "purpose", "counterparty_iban")
    column_filters = ("status", "booking_date", "is_return")
    column_default_sort = ("booking_date", True)
    column_formatters = {"amount": money_formatter("amount"), "reconcile": _open_link,
                         "proposal": _proposal}
    column_labels = {"reconcile": _l("Abgleich")}
    column_details_exclude_list = ("proposal_msg",)   # shown as "proposal" in the user's language


class BankRuleView(SecuredModelView):
    read_roles, write_roles = FINANCE_READ, FINANCE_WRITE
    column_list = ("name", "counterparty_iban", "purpose_pattern", "direction", "account",
                   "cost_center", "confidence", "active")
    column_searchable_list = ("name", "purpose_pattern", "counterparty_iban")
    form_excluded_columns = ("created_at", "updated_at", "created_by")


class BankCsvMappingView(SecuredModelView):
    read_roles, write_roles = FINANCE_READ, FINANCE_WRITE
    column_list = ("name", "booking_date", "amount", "purpose", "active")
    form_excluded_columns = ("created_at", "updated_at")


class BankMenuLink(MenuLink):
    """Menu entry to the reconciliation screen, shown to whoever may read the bank."""

    def is_accessible(self):
        return current_user.is_authenticated and current_user.has_role(*FINANCE_READ)


def bank_menu_link() -> BankMenuLink:
    from admin.labels import menu_label

    return BankMenuLink(name=menu_label("Reconciliation"), url="/bank/",
                        category=menu_label("Bank"))
