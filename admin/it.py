"""IT hardware and software licences: CRUD views plus the workflow posts (issue, return, seats, reveal)."""
from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from wtforms import PasswordField

from admin.base import SecuredModelView, current_user_label, money_formatter
from admin.labels import code_label
from admin.secured import SecuredBaseView
from models.employee import Employee
from models.it_asset import Asset, Licence
from services.core.errors import BusinessRuleError
from services.core.formatting import parse_date
from services.it import assets as asset_rules
from services.it import licences as licence_rules
from views.i18n import _, _l, translated

IT_READ = ("admin", "support", "auditor")
IT_WRITE = ("admin", "support")


class AssetView(SecuredModelView):
    read_roles, write_roles = IT_READ, IT_WRITE
    column_labels = {"employee": _l("Mitarbeiter/in")}
    allow_delete = False          # assets are retired and disposed, never deleted
    details_template = "admin/asset_details.html"
    column_list = ("asset_tag", "asset_type", "manufacturer", "model", "serial_number",
                   "status", "employee", "location", "warranty_end")
    column_details_list = ("asset_tag", "asset_type", "manufacturer", "model", "serial_number",
                           "status", "employee", "location", "purchase_date", "purchase_price",
                           "supplier_invoice", "fixed_asset_ref", "warranty_end", "notes",
                           "created_at", "updated_at")
    column_export_list = column_details_list
    column_searchable_list = ("asset_tag", "serial_number", "manufacturer", "model")
    column_filters = ("status", "asset_type", "manufacturer", "warranty_end", "location")
    column_formatters = {"purchase_price": money_formatter("purchase_price")}
    form_columns = ("asset_tag", "asset_type", "manufacturer", "model", "serial_number",
                    "purchase_date", "purchase_price", "supplier_invoice", "fixed_asset_ref",
                    "warranty_end", "location", "notes")

    def render(self, template, **kwargs):
        model = kwargs.get("model")
        if template == self.details_template and model is not None:
            kwargs.update(
                may_write=self.may_write(), handovers=asset_rules.handovers_of_asset(model.pk),
                tickets=asset_rules.tickets_of_asset(model.pk),
                transitions=[(s, code_label(s)) for s in
                             asset_rules.allowed_transitions(model.status)])
        return super().render(template, **kwargs)


def _masked(view, context, model, name):
    return licence_rules.masked_key(model.licence_key)


def _seats(view, context, model, name):
    text = f"{model.assigned} / {model.seats if model.seats is not None else '∞'}"
    return text + (" ⚠ " + _("überbucht") if model.over_assigned else "")


class LicenceView(SecuredModelView):
    read_roles, write_roles = IT_READ, IT_WRITE
    allow_delete = False
    details_template = "admin/licence_details.html"
    column_list = ("product", "vendor", "licence_type", "seats", "assigned", "cost",
                   "renewal_date", "licence_key")
    column_details_list = ("product", "vendor", "licence_type", "seats", "assigned",
                           "allow_overassignment", "cost", "term_start", "term_end",
                           "renewal_date", "licence_key", "notes", "created_at", "updated_at")
    # the key never leaves in an export, not even masked
    column_export_list = ("product", "vendor", "licence_type", "seats", "assigned", "cost",
                          "term_start", "term_end", "renewal_date")
    column_searchable_list = ("product", "vendor")
    column_filters = ("licence_type", "vendor", "renewal_date")
    column_formatters = {"licence_key": _masked, "assigned": _seats,
                         "cost": money_formatter("cost")}
    form_columns = ("product", "vendor", "licence_type", "seats", "allow_overassignment", "cost",
                    "term_start", "term_end", "renewal_date", "new_key", "notes")
    form_extra_fields = {"new_key": PasswordField(_l("Lizenzschlüssel (neu setzen)"))}

    def on_model_change(self, form, model, is_created):
        if form.new_key.data:      # write-only: an empty field keeps the stored key
            model.licence_key = form.new_key.data.strip()

    def render(self, template, **kwargs):
        model = kwargs.get("model")
        if template == self.details_template and model is not None:
            kwargs.update(may_write=self.may_write(),
                          may_reveal=current_user.has_role(*licence_rules.REVEAL_ROLES))
        return super().render(template, **kwargs)


def _employee_by_number(number: str):
    employee = Employee.objects(personnel_no=(number or "").strip()).first()
    if employee is None:
        raise BusinessRuleError(_("Keine Mitarbeiterin und kein Mitarbeiter mit Personalnummer %(no)s.",
                                  no=number))
    return employee


def _asset_by_tag(tag: str):
    asset = Asset.objects(asset_tag=(tag or "").strip()).first()
    if asset is None:
        raise BusinessRuleError(_("Kein Gerät mit Inventarnummer %(tag)s.", tag=tag))
    return asset


def _day(name: str):
    try:
        return parse_date(request.form.get(name, ""))
    except ValueError:
        raise BusinessRuleError(_("Bitte ein Datum wie 31.12.2026 eingeben.")) from None


class ItOpsView(SecuredBaseView):
    """Workflow posts from the asset and licence detail pages."""

    read_roles, write_roles = IT_READ, IT_WRITE

    def is_visible(self):
        return False

    @expose("/")
    def index(self):
        return redirect(url_for("assets.index_view"))

    @expose("/asset/<asset_id>/issue", methods=("POST",))
    def issue(self, asset_id):
        return self._asset_step(asset_id, lambda a: asset_rules.issue_asset(
            a.pk, _employee_by_number(request.form.get("personnel_no")).pk, _day("on"),
            current_user_label(), request.form.get("note") or None), _("Gerät ausgegeben."))

    @expose("/asset/<asset_id>/return", methods=("POST",))
    def take_back(self, asset_id):
        return self._asset_step(asset_id, lambda a: asset_rules.return_asset(
            a.pk, _day("on"), current_user_label(), request.form.get("to", "in_stock"),
            request.form.get("note") or None), _("Rückgabe erfasst."))

    @expose("/asset/<asset_id>/status", methods=("POST",))
    def status(self, asset_id):
        return self._asset_step(asset_id, lambda a: asset_rules.change_status(
            a.pk, request.form.get("to", ""), current_user_label(),
            request.form.get("note") or None), _("Status geändert."))

    @expose("/licence/<licence_id>/assign", methods=("POST",))
    def assign(self, licence_id):
        def step(lic):
            number, tag = request.form.get("personnel_no"), request.form.get("asset_tag")
            return licence_rules.assign_seat(
                lic.pk, _day("on"), current_user_label(),
                employee_id=_employee_by_number(number).pk if number else None,
                asset_id=_asset_by_tag(tag).pk if tag else None)
        return self._licence_step(licence_id, step, _("Platz zugewiesen."))

    @expose("/licence/<licence_id>/release", methods=("POST",))
    def release(self, licence_id):
        return self._licence_step(licence_id, lambda lic: licence_rules.release_seat(
            lic.pk, request.form.get("seat_id", ""), current_user_label()),
            _("Zuweisung aufgehoben."))

    @expose("/licence/<licence_id>/reveal", methods=("POST",))
    def reveal(self, licence_id):
        licence = _get_or_404(Licence, licence_id)
        try:
            key = licence_rules.reveal_key(licence.pk, current_user)
        except BusinessRuleError as exc:
            flash(translated(exc), "error")
            return redirect(url_for("licences.details_view", id=str(licence.pk)))
        response = self.render("admin/licence_key.html", licence=licence, key=key)
        return response, 200, {"Cache-Control": "no-store"}

    def _asset_step(self, asset_id, action, message):
        asset = _get_or_404(Asset, asset_id)
        _run(action, asset, message)
        return redirect(url_for("assets.details_view", id=str(asset.pk)))

    def _licence_step(self, licence_id, action, message):
        licence = _get_or_404(Licence, licence_id)
        _run(action, licence, message)
        return redirect(url_for("licences.details_view", id=str(licence.pk)))


def _get_or_404(model, pk):
    from bson import ObjectId

    found = model.objects(pk=pk).first() if ObjectId.is_valid(pk) else None
    if found is None:
        abort(404)
    return found


def _run(action, document, message):
    try:
        action(document)
        flash(message, "success")
    except BusinessRuleError as exc:
        flash(translated(exc), "error")
