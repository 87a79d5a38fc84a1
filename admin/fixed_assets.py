"""Fixed assets: the AfA table (asset classes) and the asset register (entered by hand here)."""
import mongoengine as me
from flask_login import current_user

from admin.base import SecuredModelView, money_formatter, run_step
from admin.ledger import FINANCE_READ, FINANCE_WRITE
from services.core.errors import BusinessRuleError
from services.fixed_assets.register import check_acquisition, post_acquisition, prepare_asset
from views.i18n import _, _l, translated


class AssetClassView(SecuredModelView):
    read_roles, write_roles = FINANCE_READ, FINANCE_WRITE
    allow_delete = False  # assets refer to their class
    column_list = ("code", "name", "useful_life_years", "source", "account_skr03",
                   "account_skr04")
    form_columns = ("code", "name", "useful_life_years", "source", "account_skr03",
                    "account_skr04")


class FixedAssetView(SecuredModelView):
    """Acquisition by hand; depreciation and disposal go through the service (screen, job)."""

    read_roles, write_roles = FINANCE_READ, FINANCE_WRITE
    allow_edit = allow_delete = False  # the register keeps every asset; disposal is a posting
    column_list = ("number", "name", "asset_class", "acquisition_date", "cost", "method",
                   "account", "status", "disposal_date")
    column_searchable_list = ("name",)
    column_filters = ("status", "method", "acquisition_date")
    column_default_sort = "number"
    column_formatters = {"cost": money_formatter("cost")}
    form_columns = ("name", "asset_class", "acquisition_date", "cost", "supplier_name",
                    "counter_account", "input_vat")
    form_args = {"counter_account": {"description": _l(
        "z. B. 1200 Bank, 1000 Kasse, 1890 Privateinlagen (SKR03); leer: die Anschaffung "
        "wird mit der Eingangsrechnung gebucht")}}

    def on_model_change(self, form, model, is_created):
        if is_created:
            try:
                prepare_asset(model)
                check_acquisition(model)  # refuse before anything is saved
            except BusinessRuleError as exc:
                message = translated(exc)
                raise me.ValidationError(message, errors={"counter_account": message}) \
                    from None

    def after_model_change(self, form, model, is_created):
        if is_created and model.counter_account:
            run_step(lambda: post_acquisition(model, current_user.email), str(model),
                     _("Anschaffung gebucht"))
