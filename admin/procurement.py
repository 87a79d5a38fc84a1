"""Suppliers and stock items."""
from admin.ajax import ReferenceLookup
from admin.base import SecuredModelView, money_formatter
from models.supplier import Supplier

SUPPLY_READ = ("admin", "finance", "warehouse", "auditor")
SUPPLY_WRITE = ("admin", "finance", "warehouse")


class SupplierView(SecuredModelView):
    read_roles, write_roles = SUPPLY_READ, SUPPLY_WRITE
    column_list = ("supplier_no", "name", "city", "country", "vat_id",
                   "payment_terms_days", "category", "active")
    column_searchable_list = ("supplier_no", "name", "city", "vat_id", "email")
    column_filters = ("country", "category", "active", "payment_terms_days")
    column_default_sort = "name"
    form_excluded_columns = ("created_at", "updated_at")


class StockItemView(SecuredModelView):
    read_roles = SUPPLY_READ
    write_roles = ("admin", "warehouse")
    column_list = ("sku", "name", "unit", "quantity", "reorder_point", "unit_cost",
                   "supplier", "location", "value")
    column_searchable_list = ("sku", "name", "location")
    column_filters = ("unit", "location", "active")
    column_default_sort = "sku"
    column_formatters = {"value": money_formatter("stock_value"),
                         "unit_cost": money_formatter("unit_cost")}
    form_excluded_columns = ("created_at", "updated_at")
    form_ajax_refs = {"supplier": ReferenceLookup("supplier", Supplier, ("supplier_no", "name"))}
