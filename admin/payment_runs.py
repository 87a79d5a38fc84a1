"""Payment runs and dunning: payees of liability payments, dunning levels, base rates, blocks."""
from views.i18n import _l

from admin.ajax import ReferenceLookup
from admin.base import SecuredModelView, current_user_label
from admin.ledger import FinanceLink
from models.customer import Customer
from models.invoice import Invoice


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


class DunningLevelView(SecuredModelView):
    """Mahnstufen: days after the due date, fee, text, whether default interest is charged."""

    read_roles = ("admin", "finance", "auditor")
    write_roles = ("admin", "finance")
    allow_delete = False
    column_list = ("level", "days_after_due", "title", "fee", "charge_interest")
    form_columns = ("level", "days_after_due", "title", "text", "fee", "charge_interest")
    column_default_sort = "level"


class BaseRateView(SecuredModelView):
    """Basiszinssatz (§ 247 BGB) as the Bundesbank publishes it each 1 January and 1 July."""

    read_roles = ("admin", "finance", "auditor")
    write_roles = ("admin", "finance")
    allow_delete = False
    column_list = ("valid_from", "rate")
    form_columns = ("valid_from", "rate")
    column_default_sort = ("valid_from", True)


class DunningBlockView(SecuredModelView):
    """Mahnsperren: a customer or one invoice is not dunned, with the reason."""

    read_roles = ("admin", "finance", "auditor")
    write_roles = ("admin", "finance")
    column_list = ("customer", "invoice", "reason", "created_by", "created_at")
    form_columns = ("customer", "invoice", "reason")
    form_ajax_refs = {"customer": ReferenceLookup("dunning_customer", Customer,
                                                  ("customer_no", "name")),
                      "invoice": ReferenceLookup("dunning_invoice", Invoice, ("number",))}

    def on_model_change(self, form, model, is_created):
        if is_created:
            model.created_by = current_user_label()


def dunning_menu_link(category) -> FinanceLink:
    """The Finance menu entry of the dunning runs."""
    return FinanceLink(name=_l("Mahnläufe"), url="/dunning/", category=category)


class SepaMandateView(SecuredModelView):
    """SEPA direct-debit mandates: reference, signature date, CORE/B2B, recurring or one-off."""

    read_roles = ("admin", "finance", "auditor")
    write_roles = ("admin", "finance")
    allow_delete = False  # collections refer to the reference: revoke instead
    column_list = ("reference", "customer", "account_holder", "iban", "signed_on", "scheme",
                   "mandate_type", "status", "last_collected_on")
    column_searchable_list = ("reference", "account_holder", "iban")
    column_filters = ("scheme", "mandate_type", "status")
    form_columns = ("reference", "customer", "account_holder", "iban", "bic", "signed_on",
                    "scheme", "mandate_type", "pre_notification_days", "status", "revoked_on")
    column_details_exclude_list = ("first_run", "final_run", "released_until")
    form_ajax_refs = {"customer": ReferenceLookup("mandate_customer", Customer,
                                                  ("customer_no", "name"))}


def direct_debit_menu_link(category) -> FinanceLink:
    """The Finance menu entry of the direct-debit collections."""
    return FinanceLink(name=_l("Lastschrifteinzüge (SEPA)"), url="/direct-debit/",
                       category=category)
