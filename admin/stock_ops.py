"""Warehouse screens: post a movement, valuation, inventory count, reorder list."""
import uuid
from datetime import date
from decimal import Decimal

from bson import ObjectId
from bson.errors import InvalidId
from flask import flash, redirect, request, url_for
from flask_admin import expose

from admin.base import SecuredModelView, current_user_label, qty_formatter
from admin.labels import STOCK
from admin.secured import SecuredBaseView
from models.stock import StockItem
from services.core.formatting import parse_date
from services.imports.csv_reader import parse_decimal
from services.core.errors import BusinessRuleError
from services.operations.purchasing import on_order_by_item
from services.operations.stock import MovementRequest, post_movement
from services.operations.stock_reports import (count_sheet, create_reorder_drafts, new_count_id,
                                    post_count, reorder_list, supplier_names, valuation)
from views.i18n import _, _l, translated

STOCK_READ = ("admin", "finance", "warehouse", "auditor")
STOCK_WRITE = ("admin", "warehouse")


class StockMovementView(SecuredModelView):
    """The movement journal: read-only, movements are posted on the booking screen."""

    read_roles, write_roles = STOCK_READ, STOCK_WRITE
    allow_create = allow_edit = allow_delete = False
    column_labels = {**STOCK, "created_at": _l("Erfasst"), "quantity": _l("Menge (±)")}
    column_list = ("created_at", "date", "kind", "item", "quantity", "reason", "reference",
                   "from_location", "to_location", "user", "state", "refusal")
    column_filters = ("kind", "state", "date", "reference", "user")
    column_searchable_list = ("reason", "reference", "user")
    column_default_sort = ("created_at", True)
    column_formatters = {"quantity": qty_formatter("quantity")}


class StockOpsView(SecuredBaseView):
    read_roles, write_roles = STOCK_READ, STOCK_WRITE

    @expose("/", methods=("GET", "POST"))
    def index(self):
        """Post a receipt, issue, adjustment or transfer for one item."""
        form = request.form if request.method == "POST" else request.args
        if request.method == "POST":
            try:
                movement = post_movement(_movement_request(form))
                flash(_("Bewegung gebucht: %(what)s", what=str(movement)), "success")
                return redirect(url_for(".index", sku=form.get("sku", "")))
            except BusinessRuleError as exc:
                flash(translated(exc), "error")
        return self.render("admin/stock/move.html", form=form, key=uuid.uuid4().hex,
                           today=date.today().isoformat())

    @expose("/valuation/")
    def valuation_view(self):
        """Stock value per item, per location and in total."""
        return self.render("admin/stock/valuation.html", result=valuation())

    @expose("/count/", methods=("GET", "POST"))
    def count_view(self):
        """Inventory count: enter counted quantities, post the differences."""
        location = request.values.get("location") or None
        if request.method == "POST":
            result = post_count(request.form["count_id"], _counted_rows(request.form),
                                current_user_label())
            flash(_("Inventur: %(posted)s Differenzen gebucht, %(same)s ohne Differenz.",
                    posted=result["posted"], same=result["unchanged"]), "success")
            for error in result["errors"]:
                flash(translated(error), "error")
            return redirect(url_for(".count_view", location=location or ""))
        return self.render("admin/stock/count.html", rows=count_sheet(location),
                           location=location or "", count_id=new_count_id())

    @expose("/reorder/", methods=("GET", "POST"))
    def reorder_view(self):
        """Items at or below the reorder point by supplier; one draft order per click."""
        if request.method == "POST":
            try:
                order = create_reorder_drafts(ObjectId(request.form["supplier"]),
                                              current_user_label())
                flash(_("Bestellentwurf angelegt."), "success")
                return redirect(url_for("purchase_orders.edit_view", id=str(order.pk)))
            except (BusinessRuleError, InvalidId, KeyError) as exc:
                flash(translated(exc), "error")
        groups = reorder_list(on_order_by_item())
        return self.render("admin/stock/reorder.html", groups=groups,
                           names=supplier_names(groups))


def _movement_request(form) -> MovementRequest:
    item = StockItem.objects(sku=(form.get("sku") or "").strip()).first()
    if item is None:
        raise BusinessRuleError(_("Unbekannte Artikelnummer '%(sku)s'.", sku=form.get("sku", "")))
    try:
        quantity = parse_decimal(form.get("quantity") or "0")
        on = parse_date(form["date"]) if form.get("date") else None
    except ValueError as exc:
        raise BusinessRuleError(str(exc)) from None
    return MovementRequest(kind=form.get("kind", ""), item_id=item.pk, quantity=quantity,
                           reason=form.get("reason", ""), user=current_user_label(),
                           key=form.get("key") or uuid.uuid4().hex, on=on,
                           reference=form.get("reference") or None,
                           to_location=form.get("to_location") or None,
                           location=form.get("location") or None)


def _counted_rows(form) -> list[tuple]:
    """(item id, location, listed, counted) of every row with a counted quantity."""
    rows, n = [], 0
    while f"row-{n}-item" in form:
        value = form.get(f"row-{n}-counted", "").strip()
        if value:
            try:
                rows.append((ObjectId(form[f"row-{n}-item"]), form.get(f"row-{n}-location", ""),
                             # listed is our own hidden "10.000" (not German input)
                             Decimal(form[f"row-{n}-listed"]), parse_decimal(value)))
            except (ValueError, InvalidId, ArithmeticError):
                flash(_("'%(value)s' ist keine Zahl; Zeile übersprungen.", value=value), "error")
        n += 1
    return rows
