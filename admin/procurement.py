"""Suppliers and stock items."""
from wtforms import SelectField

from admin.ajax import ReferenceLookup
from admin.base import (RestrictedHiddenMixin, SecuredModelView, money_formatter,
                        qty_formatter, unit_formatter)
from admin.labels import COMMON, STOCK
from models.supplier import Supplier
from views.i18n import qty
from services.ledger import personal_accounts


def unit_select_choices() -> list[tuple[str, str]]:
    """The units by their names in the page's language, with the code: Stück (H87)."""
    from services.core.units import units
    from views.i18n import unit_label

    return sorted(((code, f"{unit_label(code)} ({code})") for code in units()),
                  key=lambda choice: choice[1].lower())


SUPPLY_READ = ("admin", "finance", "warehouse", "auditor")
SUPPLY_WRITE = ("admin", "finance", "warehouse")


class SupplierView(RestrictedHiddenMixin, SecuredModelView):
    read_roles, write_roles = SUPPLY_READ, SUPPLY_WRITE
    column_labels = COMMON
    column_list = ("supplier_no", "account_no", "name", "city", "country", "vat_id",
                   "payment_terms_days", "category", "active")
    column_searchable_list = ("supplier_no", "name", "city", "vat_id", "email")
    column_filters = ("country", "category", "active", "payment_terms_days")
    column_default_sort = "name"
    form_excluded_columns = ("created_at", "updated_at", "account_no", "restricted_until",
                             "erased_at")
    details_template = "admin/supplier_details.html"

    def after_model_change(self, form, model, is_created):
        """A new supplier gets its personal account (Kreditor) at once."""
        personal_accounts.assign_personal_account(model)

    def render(self, template, **kwargs):
        if template == self.details_template and kwargs.get("model") is not None:
            from models.purchase_order import OPEN_PO_STATUSES, PurchaseOrder

            orders = PurchaseOrder.objects(supplier=kwargs["model"]).order_by("-created_at")
            kwargs["open_orders"] = [o for o in orders if o.status in OPEN_PO_STATUSES]
            kwargs["past_orders"] = [o for o in orders if o.status not in OPEN_PO_STATUSES]
        return super().render(template, **kwargs)


class StockItemView(SecuredModelView):
    read_roles = SUPPLY_READ
    write_roles = ("admin", "warehouse")
    column_labels = STOCK
    column_list = ("sku", "name", "unit", "quantity", "reorder_point", "unit_cost",
                   "supplier", "location", "value")
    column_searchable_list = ("sku", "name", "location")
    column_filters = ("unit", "location", "active")
    column_default_sort = "sku"
    column_formatters = {"value": money_formatter("stock_value"),
                         "unit_cost": money_formatter("unit_cost"), "unit": unit_formatter,
                         "quantity": qty_formatter("quantity"),
                         "reorder_point": qty_formatter("reorder_point"),
                         "reorder_qty": qty_formatter("reorder_qty")}
    # the CSV export as before: unit codes, three decimals (German CSV convention)
    column_formatters_export = {"value": money_formatter("stock_value"),
                                "unit_cost": money_formatter("unit_cost")}
    form_excluded_columns = ("created_at", "updated_at", "ledger_version", "bins")
    column_details_list = ("sku", "name", "unit", "quantity", "bins", "location",
                           "reorder_point", "reorder_qty", "unit_cost", "supplier", "active")
    column_formatters_detail = {**column_formatters, "bins": lambda v, c, m, n: "; ".join(
        f"{b.location or '—'}: {qty(b.quantity)}" for b in m.bins)}
    form_ajax_refs = {"supplier": ReferenceLookup("supplier", Supplier, ("supplier_no", "name"))}

    form_overrides = {"unit": SelectField}

    def create_form(self, obj=None):
        form = super().create_form(obj)
        form.unit.choices = unit_select_choices()
        return form

    def edit_form(self, obj=None):
        """Opening stock is entered on creation; afterwards only movements change it."""
        form = super().edit_form(obj)
        form.unit.choices = unit_select_choices()
        del form.quantity
        del form.location
        return form
