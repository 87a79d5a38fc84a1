"""Fixed assets: the AfA table (asset classes) and the asset register (entered by hand here)."""
from admin.base import SecuredModelView, money_formatter
from admin.ledger import FINANCE_READ, FINANCE_WRITE
from services.fixed_assets.register import prepare_asset


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
    form_columns = ("name", "asset_class", "acquisition_date", "cost", "supplier_name")

    def on_model_change(self, form, model, is_created):
        if is_created:
            prepare_asset(model)
