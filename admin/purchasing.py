"""Purchase orders: drafts edited as forms, then sent, received, cancelled, printed."""
import uuid

from flask import Response, flash, redirect, request, url_for
from flask_admin import expose
from wtforms.validators import ValidationError

from admin.ajax import ReferenceLookup
from admin.base import SecuredModelView, current_user_label
from admin.labels import COMMON
from admin.secured import SecuredBaseView
from models.purchase_order import PurchaseOrder
from models.stock import StockItem
from models.supplier import Supplier
from services.imports.csv_reader import parse_decimal
from services.core.errors import BusinessRuleError
from services.operations.purchasing import cancel_order, receive, send_order
from views.i18n import _, money, translated

PO_READ = ("admin", "finance", "warehouse", "auditor")
PO_WRITE = ("admin", "finance", "warehouse")


def _status_formatter(view, context, model, name):
    return {"draft": _("Entwurf"), "sent": _("versendet"),
            "partly_received": _("teilweise geliefert"), "received": _("geliefert"),
            "cancelled": _("storniert")}.get(model.status, model.status)


class PurchaseOrderView(SecuredModelView):
    read_roles, write_roles = PO_READ, PO_WRITE
    allow_delete = False  # sent orders keep their number; drafts are cancelled instead
    details_template = "admin/purchase_order_details.html"
    column_labels = COMMON
    column_list = ("number", "supplier", "status", "order_date", "net_total", "created_at")
    column_filters = ("status", "number", "order_date")
    column_searchable_list = ("number",)
    column_default_sort = ("created_at", True)
    column_formatters = {"status": _status_formatter,
                         "net_total": lambda v, c, m, n: money(m.net_total)}
    form_columns = ("supplier", "lines", "note")
    form_ajax_refs = {
        "supplier": ReferenceLookup("supplier", Supplier, ("supplier_no", "name")),
    }
    form_subdocuments = {"lines": {"form_subdocuments": {None: {
        "form_columns": ("item", "quantity", "unit_price"),
        "form_ajax_refs": {"item": ReferenceLookup("item", StockItem, ("sku", "name"))},
    }}}}

    def on_model_change(self, form, model, is_created):
        if not is_created and model.status != "draft":
            raise ValidationError(_("Nur Entwürfe können geändert werden."))
        if is_created:
            model.created_by = current_user_label()

    def render(self, template, **kwargs):
        if template == self.details_template and kwargs.get("model") is not None:
            kwargs["receipt_token"] = uuid.uuid4().hex
            kwargs["may_write"] = self.may_write()
        return super().render(template, **kwargs)


class PurchaseOpsView(SecuredBaseView):
    """Send, receive, cancel and print an order (POSTs from the order's detail page)."""

    read_roles, write_roles = PO_READ, PO_WRITE

    def is_visible(self):
        return False  # reached from the detail pages, not the menu

    @expose("/")
    def index(self):
        return redirect(url_for("purchase_orders.index_view"))

    @expose("/<order_id>/send", methods=("POST",))
    def send(self, order_id):
        return self._do(order_id, lambda o: send_order(o.pk), _("Bestellung versendet."))

    @expose("/<order_id>/cancel", methods=("POST",))
    def cancel(self, order_id):
        return self._do(order_id, lambda o: cancel_order(o.pk), _("Bestellung storniert."))

    @expose("/<order_id>/receive", methods=("POST",))
    def receive_view(self, order_id):
        def book(order):
            quantities = [parse_decimal(request.form.get(f"qty-{i}") or "0")
                          for i in range(len(order.lines))]
            return receive(order.pk, quantities, request.form["token"], current_user_label())
        return self._do(order_id, book, _("Wareneingang gebucht."))

    @expose("/<order_id>/pdf")
    def pdf(self, order_id):
        from flask import current_app, render_template

        from services.core.pdf import company_letterhead, html_to_pdf

        order = _order_or_404(order_id)
        company = current_app.config.get("COMPANY") or company_letterhead()
        data = html_to_pdf(render_template("pdf/purchase_order.html", order=order,
                                           company=company))
        name = f"Bestellung-{order.number or 'Entwurf'}.pdf"
        return Response(data, mimetype="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{name}"'})

    def _do(self, order_id, action, message):
        order = _order_or_404(order_id)
        try:
            action(order)
            flash(message, "success")
        except (BusinessRuleError, ValueError) as exc:
            flash(translated(exc), "error")
        return redirect(url_for("purchase_orders.details_view", id=str(order.pk)))


def _order_or_404(order_id) -> PurchaseOrder:
    from views.params import document_or_404

    return document_or_404(PurchaseOrder, order_id)
