"""Banking views: the payees of liability payments and the menu link to the SEPA runs."""
from views.i18n import _l

from admin.base import SecuredModelView
from admin.ledger import FinanceLink


class PaymentPayeeView(SecuredModelView):
    """Tax office, health funds (fund:<Betriebsnummer>), Minijob-Zentrale (minijob)."""

    read_roles = ("admin", "finance", "auditor")
    write_roles = ("admin", "finance")
    allow_delete = False
    column_list = ("key", "name", "iban", "bic")
    form_columns = ("key", "name", "iban", "bic")
    column_descriptions = {"key": _l("tax_office, minijob oder fund:<Betriebsnummer>")}


def sepa_menu_link(category) -> FinanceLink:
    """The Finance menu entry of the SEPA payment runs."""
    return FinanceLink(name=_l("Zahlungsläufe (SEPA)"), url="/sepa/", category=category)
