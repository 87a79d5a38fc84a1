"""The base view every admin screen inherits: access rules, formats, audit log."""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import mongoengine as me
from bson import DBRef, ObjectId
from bson.errors import InvalidId
from flask import abort, flash, g, has_request_context, redirect, request, url_for
from flask_admin import AdminIndexView, expose
from flask_admin.contrib.mongoengine import ModelView
from flask_admin.model import template
from flask_admin.contrib.mongoengine.typefmt import DEFAULT_FORMATTERS
from flask_login import current_user
from flask_wtf import FlaskForm
from jinja2 import pass_context
from markupsafe import Markup, escape

from admin.dates import LocaleDateField
from admin.filters import BackofficeFilterConverter
from admin.numbers import LocaleDecimalField
from admin.labels import code_choices, code_label, field_label
from flask_admin.contrib.mongoengine.form import CustomModelConverter
from models.audit import AuditEntry, FieldChange
from models.fields import FixedDecimalField
from services.core.audit import diff, snapshot
from services.core.errors import BusinessRuleError
from services.core.formatting import format_date_de, format_decimal_de
from views.params import MAX_PAGE

BERLIN = ZoneInfo("Europe/Berlin")
NUMERIC_FIELDS = (FixedDecimalField, me.IntField, me.FloatField, me.DecimalField)
# ajax_lookup only serves the forms' reference fields: who cannot write gets no look-up.
WRITE_VIEWS = {"create_view", "edit_view", "delete_view", "action_view", "ajax_update",
               "ajax_lookup"}
# The permission each write URL needs beyond the write role.
WRITE_PERMISSION = {"create_view": "can_create", "edit_view": "can_edit",
                    "delete_view": "can_delete", "ajax_update": "can_edit"}


class AdminForm(FlaskForm):
    """Flask-WTF form base: every admin form and delete button carries a CSRF token."""


def _format_datetime(view, value, *args):
    """Exports (CSV, German convention): 31.12.2026 14:05 in Europe/Berlin."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    return value.astimezone(BERLIN).strftime("%d.%m.%Y %H:%M")


def _places(value) -> int:
    return min(max(2, -value.as_tuple().exponent) if value.as_tuple().exponent < 0 else 2, 4)


def _format_decimal(view, value, *args):
    """Exports (CSV, German convention): 1.234,50."""
    return format_decimal_de(value, _places(value))


def _page_datetime(view, value, *args):
    from views.i18n import de_datetime
    return de_datetime(value)


def _page_decimal(view, value, *args):
    from views.i18n import number
    return number(value, _places(value))


def _page_date(view, value, *args):
    from views.i18n import day
    return day(value)


def _list_of_codes(view, value, *args):
    return ", ".join(str(code_label(v)) for v in value)


FORMATTERS = dict(DEFAULT_FORMATTERS)
# On the screens in the page's language; the CSV export stays German (EXPORT_FORMATTERS).
# Flask-Admin takes the first type the value is an instance of: datetime before date (a
# datetime is a date too; the other way round every timestamp lost its time).
FORMATTERS.update({
    datetime: _page_datetime,
    date: _page_date,
    Decimal: _page_decimal,
    bool: lambda view, value, *a: Markup("&#10003;") if value else "",
    list: _list_of_codes,
})
EXPORT_FORMATTERS = {
    date: lambda view, value, *a: format_date_de(value),
    datetime: _format_datetime,
    Decimal: _format_decimal,
}


def money_formatter(field: str):
    """Column formatter that shows an amount as 1.234,56 € (English page: €1,234.56)."""
    def fmt(view, context, model, name):
        from views.i18n import money
        return money(getattr(model, field))
    fmt.numeric = True
    return fmt


def qty_formatter(field: str):
    """Column formatter for a quantity without needless decimals: 55 (not 55,000, which an
    English reader takes for fifty-five thousand), 2,5 / 2.5."""
    def fmt(view, context, model, name):
        from views.i18n import qty
        return qty(getattr(model, field))
    fmt.numeric = True
    return fmt


def unit_formatter(view, context, model, name):
    """A unit code as its name in the page's language: XPK -> Paket / package."""
    from views.i18n import unit_label
    return unit_label(getattr(model, name))


def current_user_label() -> str:
    return current_user.email if current_user.is_authenticated else "anonymous"


class LabelledModelConverter(CustomModelConverter):
    """Form fields with the German (translatable) label and enumeration labels over codes."""

    def convert(self, model, field, field_args):
        args = dict(field_args or {})
        if not args.get("label") and getattr(field, "name", None):
            args["label"] = self.view.get_column_name(field.name) if hasattr(
                self.view, "get_column_name") else field_label(field.name)
        return super().convert(model, field, args)

    def _convert_choices(self, choices):
        return code_choices(choices)

    def __init__(self, view):
        super().__init__(view)
        # models.fields' exact decimals: an input in the page's number format
        self.converters["FixedDecimalField"] = self.conv_FixedDecimal
        self.converters["MoneyField"] = self.conv_FixedDecimal

    def conv_Date(self, model, field, kwargs):
        return LocaleDateField(**kwargs)

    def conv_FixedDecimal(self, model, field, kwargs):
        return LocaleDecimalField(places=field.places, min_value=field.min_value,
                                  max_value=field.max_value, **kwargs)



class SecuredModelView(ModelView):
    """A CRUD view whose read and write access is limited to named roles."""

    model_form_converter = LabelledModelConverter

    read_roles: tuple[str, ...] = ("admin",)
    write_roles: tuple[str, ...] = ("admin",)
    allow_create = allow_edit = allow_delete = True

    form_base_class = AdminForm
    can_export = True
    can_view_details = True
    page_size = 50
    list_template = "admin/model/backoffice_list.html"
    can_set_page_size = True
    column_type_formatters = FORMATTERS
    column_type_formatters_export = EXPORT_FORMATTERS
    column_type_formatters_detail = FORMATTERS
    filter_converter = BackofficeFilterConverter()

    def __init__(self, model, *args, **kwargs):
        # Enumeration fields show their labels; the stored codes stay as they are.
        choices = {name: code_choices(field.choices) for name, field in model._fields.items()
                   if getattr(field, "choices", None)}
        self.column_choices = {**choices, **(self.column_choices or {})}
        super().__init__(model, *args, **kwargs)

    def numeric_columns(self) -> list[str]:
        """The listed columns that show figures (right-aligned by the list template)."""
        names = []
        for name, _ in self._list_columns:
            field = self.model._fields.get(name)
            formatter = (self.column_formatters or {}).get(name)
            if getattr(formatter, "numeric", False) or (
                    formatter is None and isinstance(field, NUMERIC_FIELDS)
                    and not getattr(field, "choices", None)):
                names.append(name)
        return names

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True,
                 page_size=None):
        """The page's rows, with the documents their listed reference columns point to.

        Without this every row of a list with a reference column (a stock movement's item)
        made its own look-up when the template read the column: 50 round trips per page.
        Here each such column costs one `_id` `$in` query for the whole page.
        """
        if page_size is None:
            page_size = self.page_size
        if not execute or page or not page_size or self.simple_list_pager:
            count, query = super().get_list(page, sort_column, sort_desc, search, filters,
                                            execute=execute, page_size=page_size)
            if not execute:
                return count, query
            rows = list(query)
        else:
            count, rows = self._first_page(sort_column, sort_desc, search, filters, page_size)
        prefetch_references(rows, [name for name, _ in self._list_columns])
        return count, rows

    def _first_page(self, sort_column, sort_desc, search, filters, page_size):
        """The first page, and the total counted only when the page is full.

        A search usually finds a handful of rows: when the first page holds fewer than
        `page_size`, they are all there is, and the count (a second pass over the same
        condition, a whole-collection scan for a substring search on the embedded
        database) is not asked. Filters, search and order as Flask-Admin's `get_list`.
        """
        query = self.get_query()
        for flt, _name, value in (filters or ()) if self._filters else ():
            f = self._filters[flt]
            query = f.apply(query, f.clean(value))
        if self._search_supported and search:
            query = self._search(query, search)
        if sort_column:
            query = query.order_by(("-" if sort_desc else "") + sort_column)
        else:
            order = self._get_default_order()
            if order:
                query = query.order_by(*[("-" if desc else "") + col for col, desc in order])
        rows = list(query.limit(page_size))
        count = len(rows) if len(rows) < page_size else query.count()
        return count, rows

    @pass_context
    def row_cells(self, context, row, columns) -> Markup:
        """A list row's cells, as Flask-Admin's template writes them (`<td class="col-NAME">`,
        the value escaped unless it is markup), built in Python once per row."""
        return Markup("".join(
            f'<td class="col-{escape(name)}">{escape(self.get_list_value(context, row, name))}</td>'
            for name, _label in columns))

    def get_list_row_actions(self):
        return [_StampedRowAction(a) if type(a) in _STANDARD_ROW_ACTIONS else a
                for a in super().get_list_row_actions()]

    def _get_list_value(self, context, model, name, column_formatters,
                        column_type_formatters):
        value = super()._get_list_value(context, model, name, column_formatters,
                                        column_type_formatters)
        return "" if value is None else value  # an empty choice field, never "None"

    def get_column_name(self, field):
        """The view's own label, else the field's German label, never the code name."""
        if self.column_labels and field in self.column_labels:
            return self.column_labels[field]
        return field_label(field) or self._prettify_name(field)

    def may_read(self) -> bool:
        return current_user.is_authenticated and current_user.has_role(*self.read_roles)

    def may_write(self) -> bool:
        return current_user.is_authenticated and current_user.has_role(*self.write_roles)

    @property
    def can_create(self):
        return self.allow_create and self.may_write()

    @property
    def can_edit(self):
        return self.allow_edit and self.may_write()

    @property
    def can_delete(self):
        return self.allow_delete and self.may_write()

    def is_accessible(self):
        return self.may_read()

    def _get_list_extra_args(self):
        """Refuse a negative or absurd page number with 400 (the database refuses the skip)."""
        args = super()._get_list_extra_args()
        if not 0 <= (args.page or 0) <= MAX_PAGE:
            abort(400)
        return args

    def search_placeholder(self):
        """Tell the clerk which columns the search box looks in."""
        names = [self.get_column_name(c) for c in self.column_searchable_list or ()]
        return ", ".join(str(n) for n in names) or None

    def inaccessible_callback(self, name, **kwargs):
        return deny_or_login()

    def _handle_view(self, name, **kwargs):
        denied = super()._handle_view(name, **kwargs)
        if denied is not None:
            return denied
        if name in WRITE_VIEWS and not self.may_write():
            abort(403)
        if name in WRITE_PERMISSION and not getattr(self, WRITE_PERMISSION[name]):
            abort(403)  # the URL refuses, not only the hidden button
        return None

    def handle_view_exception(self, exc):
        """Show a validation failure as the fields and what to fix, not as an exception."""
        if isinstance(exc, me.ValidationError):
            from views.i18n import gettext

            flash(gettext("Nicht gespeichert – bitte korrigieren: %(problems)s",
                          problems=validation_message(exc)), "error")
            return True
        return super().handle_view_exception(exc)

    def get_export_value(self, model, name):
        """Neutralise spreadsheet formulas (=, +, -, @) in every exported text cell; numbers
        and dates in German format whatever the page's language (German CSV convention: the
        view's own column formatters ask views.i18n, which reads g.format_locale)."""
        from services.core.csv_safe import escape_cell

        g.format_locale = "de"
        try:
            value = super().get_export_value(model, name)
        finally:
            g.pop("format_locale", None)
        return escape_cell(value) if isinstance(value, str) else value

    @expose("/api/file/")
    def api_file_view(self):
        """Disable Flask-Admin's generic GridFS URL, which would bypass access rules."""
        abort(404)

    # Audit log: every change made through a view leaves an entry.
    def create_model(self, form):
        model = super().create_model(form)
        if model:
            record_audit("create", model, {}, snapshot(model))
        return model

    def update_model(self, form, model):
        before = snapshot(model)
        ok = super().update_model(form, model)
        if ok:
            record_audit("update", model, before, snapshot(model))
        return ok

    def delete_model(self, model):
        before = snapshot(model)
        ok = super().delete_model(model)
        if ok:
            record_audit("delete", model, before, {})
        return ok


def prefetch_references(rows: list, columns) -> None:
    """Load the documents that `columns` (plain ReferenceFields) of `rows` point to.

    One `_id` `$in` query per column; each row then holds the loaded document, as if the
    column had been read (mongoengine keeps an unread reference as a DBRef). A reference
    to a missing document is left as it was: reading it behaves as without the prefetch.
    """
    if not rows:
        return
    model = type(rows[0])
    for name in columns:
        field = model._fields.get(name)
        if type(field) is not me.ReferenceField or field.document_type._meta.get("abstract"):
            continue
        target = field.document_type
        collection = target._get_collection_name()

        def unread(ref):  # what ReferenceField.__get__ would load from `collection`
            return (isinstance(ref, DBRef) and ref.collection == collection
                    and not hasattr(ref, "cls"))
        ids = list({row._data[name].id for row in rows if unread(row._data.get(name))})
        if not ids:
            continue
        # As mongoengine's own dereference: the raw documents by _id, through _from_son.
        found = {son["_id"]: target._from_son(son)
                 for son in target._get_collection().find({"_id": {"$in": ids}})}
        for row in rows:
            ref = row._data.get(name)
            if unread(ref) and ref.id in found:
                row._data[name] = found[ref.id]


def validation_message(exc) -> str:
    """Turn a mongoengine ValidationError into 'Field: problem; Field: problem'."""
    from views.i18n import translated

    parts = []
    for field, error in _field_errors(exc):
        label = "" if field in (None, "__all__") else f"{field_label(field) or field}: "
        parts.append(label + translated(error))
    return "; ".join(parts) or translated(exc.message if isinstance(exc.message, str) else exc)


def _field_errors(exc, field=None):
    errors = getattr(exc, "errors", None)
    if isinstance(errors, dict) and errors:
        for key, nested in errors.items():
            # clean() errors arrive wrapped under "__all__"; keep the inner field name.
            yield from _field_errors(nested, field if key == "__all__" else key)
    else:
        message = exc if isinstance(exc, str) else getattr(exc, "message", None)
        yield field, message or str(exc)  # a models.messages.Message stays one


# A stand-in id no document has (24 hex digits, like every ObjectId): the row buttons are
# rendered once per page with it and then copied for each row with the row's id.
_STAMP = "00000000feedc0ffee000000"
_STANDARD_ROW_ACTIONS = (template.ViewRowAction, template.ViewPopupRowAction,
                         template.EditRowAction, template.EditPopupRowAction,
                         template.DeleteRowAction)


class _StandIn:
    pk = id = _STAMP


class _StampedRowAction(template.BaseListRowAction):
    """A standard row button (details, edit, delete) rendered once per page, copied per row.

    Rendering Flask-Admin's macros for every row (URL building, the delete form with its
    CSRF field) was about a quarter of a list page of 50 rows. The output depends on the
    row only through its id, which an ObjectId spells the same in a URL and in HTML; rows
    with any other kind of id are rendered by the macro as before.
    """

    def __init__(self, inner):
        super().__init__(inner.title)
        self.inner = inner

    def render(self, context, row_id, row):
        pk = getattr(row, "pk", None)
        if not isinstance(pk, ObjectId) or str(row_id) != str(pk):
            return self.inner.render(context, row_id, row)
        cache = g.setdefault("_row_action_html", {})
        html = cache.get(id(self))
        if html is None:
            html = cache[id(self)] = str(self.inner.render(context, _STAMP, _StandIn()))
        return Markup(html.replace(_STAMP, str(pk)))


class _UnlessFrozen(template.BaseListRowAction):
    """A row button (edit, delete) that frozen rows do not get."""

    def __init__(self, inner, view):
        super().__init__(inner.title)
        self.inner, self.view = inner, view

    def render(self, context, row_id, row):
        return "" if self.view.is_frozen(row) else self.inner.render(context, row_id, row)


class FrozenDocumentsMixin:
    """For views of documents that freeze (posted entries, issued invoices).

    A frozen row shows no edit/delete buttons, and with can_edit/can_delete False for
    the requested id the base view answers 403 on the edit and delete URLs. Subclasses
    name the `frozen_statuses`.
    """

    frozen_statuses: tuple[str, ...] = ()

    def is_frozen(self, row) -> bool:
        return row.status in self.frozen_statuses

    @property
    def can_edit(self):
        return super().can_edit and not self._requested_document_frozen()

    @property
    def can_delete(self):
        return super().can_delete and not self._requested_document_frozen()

    def get_list_row_actions(self):
        return [_UnlessFrozen(a, self) if isinstance(
                    getattr(a, "inner", a), (template.EditRowAction, template.EditPopupRowAction,
                                             template.DeleteRowAction)) else a
                for a in super().get_list_row_actions()]

    def _requested_document_frozen(self) -> bool:
        """Tell whether any document this request names (?id= and form id) is frozen.

        Flask-Admin's edit view acts on ?id=, its delete view on the form's id: every id
        the request carries is checked, so naming a draft in one place cannot cover a
        frozen document in the other.
        """
        if not has_request_context():
            return False
        raw = request.args.getlist("id") + (request.form.getlist("id") if request.form else [])
        pks = []
        for value in raw:
            try:
                pks.append(ObjectId(value))
            except (InvalidId, TypeError):
                continue  # not an id of ours: the view answers 404 for it
        return bool(pks) and self.model.objects(
            pk__in=pks, status__in=list(self.frozen_statuses)).count() > 0


def run_step(step, subject, done: str, name_result: bool = False):
    """Run a business step for one row; flash success or the rule's message, never raise."""
    try:
        result = step()
    except BusinessRuleError as exc:
        from views.i18n import translated

        flash(f"{subject}: {translated(exc)}", "error")
        return None
    flash(f"{result if name_result else subject}: {done}", "success")
    return result


def record_audit(action: str, model, before: dict, after: dict) -> AuditEntry:
    """Write one audit entry for a change to a document."""
    changes = [FieldChange(field=f, old=o, new=n) for f, o, n in diff(before, after)]
    return AuditEntry(
        user=current_user_label(), action=action,
        collection=model._get_collection_name(), document_id=str(model.pk),
        label=str(model)[:200], changes=changes,
    ).save()


def deny_or_login():
    """Send anonymous users to the login page and answer 403 to everyone else."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path))
    abort(403)


class HomeView(AdminIndexView):
    """The start page after login: the dashboard of the user's roles (views.dashboard)."""

    def is_accessible(self):
        return current_user.is_authenticated

    def inaccessible_callback(self, name, **kwargs):
        return deny_or_login()

    @expose("/")
    def index(self):
        from views.dashboard import tiles_for

        return self.render("admin/home.html", tiles=tiles_for(current_user))


class RestrictedHiddenMixin:
    """Records under restricted processing (Art. 18) stay out of lists, counts, exports and
    details for everyone but admins and auditors (services.privacy.restriction)."""

    def get_query(self):
        from services.privacy.restriction import visible_to

        return visible_to(super().get_query(), current_user)

    def get_count_query(self):
        return self.get_query()

    def get_one(self, id):
        from bson import ObjectId

        return self.get_query().filter(pk=ObjectId(id)).first() if ObjectId.is_valid(id) \
            else None
