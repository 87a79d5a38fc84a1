"""Archived files: upload (one or many), metadata, search; retention rules, deletion log."""
from flask import current_app, flash, url_for
from flask_admin.contrib.mongoengine.filters import FilterEqual
from flask_login import current_user
from markupsafe import Markup, escape
from wtforms import MultipleFileField, StringField, validators

from admin.base import SecuredModelView, current_user_label, record_audit
from models.archive import DocumentCategory
from services.archive.metadata import change_file_metadata
from services.archive.retention_rules import refresh_category
from services.archive.store import archive_file
from services.core.audit import snapshot
from services.core.errors import BusinessRuleError
from seeds.reference import DOCUMENT_CATEGORIES
from views.i18n import _, _l
from admin.labels import category_label

ARCHIVE_READ = ("admin", "finance", "hr", "warehouse", "support", "auditor")
ARCHIVE_WRITE = ("admin", "finance", "hr", "warehouse", "support")
PREVIEW_TYPES = {"application/pdf", "image/png", "image/jpeg"}


def readable_categories(user, categories=None) -> list[str]:
    """Codes of the document categories the user may see (of `categories`, read if None)."""
    if categories is None:
        categories = DocumentCategory.objects.only("code", "read_roles")
    return [c.code for c in categories if any(role in c.read_roles for role in user.roles)]


_SEEDED_CATEGORIES = tuple((code, category_label(code)) for code, _name, _roles in DOCUMENT_CATEGORIES)


def _category_options():
    return [(c.code, c.name) for c in DocumentCategory.objects.only("code", "name")]


def _download_link(view, context, model, name):
    url = url_for("archive.download", file_id=str(model.pk))
    link = f'<a href="{url}">{escape(model.filename)}</a>'
    if model.content_type in PREVIEW_TYPES:
        preview = url_for("archive.preview", file_id=str(model.pk))
        link += f' <a href="{preview}" target="_blank" rel="noopener">(Vorschau)</a>'
    return Markup(link)


def _hold(view, context, model, name):
    reason = model.hold_reason or (model.category.hold_reason if model.category else None)
    return Markup(f'<span class="badge badge-warning">{escape(reason)}</span>') if reason else ""


def _category(view, context, model, name):
    return category_label(getattr(model, name))


class ArchivedFileView(SecuredModelView):
    read_roles, write_roles = ARCHIVE_READ, ARCHIVE_WRITE
    allow_delete = False  # deletion only by the retention job
    column_list = ("filename", "category", "document_date", "keep_until", "hold_reason",
                   "size", "content_type", "uploaded_by", "uploaded_at")
    column_labels = {"upload": _l("Dateien")}
    column_searchable_list = ("filename", "sha256", "uploaded_by")
    # Static options: Flask-Admin builds filters when the app starts, before any query may run.
    column_filters = (FilterEqual("category", _l("Kategorie"), options=_SEEDED_CATEGORIES),
                      "filename", "document_date", "uploaded_by", "uploaded_at",
                      "keep_until", "sha256", "content_type")
    column_default_sort = ("uploaded_at", True)
    column_formatters = {"filename": _download_link, "hold_reason": _hold,
                         "category": _category}
    column_details_list = ("filename", "category", "document_date", "keep_until",
                           "hold_reason", "hold_by", "hold_at", "description", "size",
                           "content_type", "sha256", "uploaded_by", "uploaded_at")
    column_formatters_detail = {"filename": _download_link, "category": _category}
    form_columns = ("upload", "category", "document_date", "description", "retention_reason")
    form_extra_fields = {
        "upload": MultipleFileField(_l("Dateien"), render_kw={"multiple": True}),
        "retention_reason": StringField(
            _l("Grund für die kürzere Aufbewahrung"),
            description=_l("Nur die Administration darf Datum oder Kategorie so ändern, dass die "
                           "Datei kürzer aufbewahrt wird; der Grund steht im Audit-Log.")),
    }
    form_args = {"document_date": {"validators": [validators.InputRequired()]},
                 "category": {"label_modifier": category_label}}

    def get_query(self):
        query = super().get_query()
        categories = list(DocumentCategory.objects.only("code", "read_roles"))
        readable = readable_categories(current_user, categories)
        if len(readable) == len(categories):
            # every category is readable (a file's category references that list): no
            # condition. `category IN (all)` made the embedded server read the category
            # index for every row and sort them all by upload time (11 s per page at
            # 100,000 files) instead of walking the upload-time index.
            return query
        return query.filter(category__in=readable)

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        del form.upload  # archived content is immutable; only metadata can change
        if "admin" not in current_user.roles:
            del form.retention_reason
        return form

    def create_form(self, obj=None):
        form = super().create_form(obj)
        del form.retention_reason
        form.upload.validators = [validators.InputRequired(_l("Bitte mindestens eine Datei auswählen."))]
        return form

    def create_model(self, form):
        """Archive every chosen file; report each refusal by name."""
        category = form.category.data
        if category and not set(category.read_roles) & set(current_user.roles):
            flash(_("In dieser Kategorie dürfen Sie keine Dokumente ablegen."), "error")
            return False
        stored, refused = [], []
        for upload in [f for f in form.upload.data or [] if getattr(f, "filename", None)]:
            try:
                record = archive_file(
                    upload.stream, upload.filename, category=category.pk,
                    document_date=form.document_date.data,
                    uploaded_by=current_user_label(), description=form.description.data,
                    max_bytes=current_app.config["ARCHIVE_MAX_FILE_BYTES"])
            except BusinessRuleError as exc:
                refused.append(str(exc))
                continue
            record_audit("create", record, {}, snapshot(record))
            stored.append(record)
        return self._report(stored, refused)

    def _report(self, stored, refused):
        if stored:
            flash(_("Archiviert: %(files)s", files=", ".join(r.filename for r in stored)), "success")
        for message in refused:
            flash(_("Abgelehnt: %(reason)s", reason=message), "error")
        if not stored and not refused:
            flash(_("Bitte mindestens eine Datei auswählen."), "error")
        return stored[-1] if stored and not refused else False

    def update_model(self, form, model):
        """Change the metadata through the service: retention is never shortened silently."""
        category = form.category.data
        if not category or not set(category.read_roles) & set(current_user.roles):
            flash(_("In dieser Kategorie dürfen Sie keine Dokumente ablegen."), "error")
            return False
        reason_field = getattr(form, "retention_reason", None)
        reason = reason_field.data if reason_field is not None else None
        try:
            change_file_metadata(model.pk, category=category.pk,
                                 document_date=form.document_date.data,
                                 description=form.description.data, user=current_user_label(),
                                 roles=current_user.roles, reason=reason)
        except BusinessRuleError as exc:
            flash(_("Nicht gespeichert: %(reason)s", reason=str(exc)), "error")
            return False
        return True


class RetentionRuleView(SecuredModelView):
    read_roles = ("admin", "finance", "hr", "auditor")
    write_roles = ("admin",)
    allow_delete = False  # a category without a rule is kept forever; change, don't drop
    column_list = ("category", "period", "unit", "start", "fixed_start", "legal_basis")
    column_formatters = {"category": _category}
    column_formatters_detail = {"category": _category}
    form_columns = ("category", "period", "unit", "start", "fixed_start", "legal_basis")

    def create_form(self, obj=None):
        return self._with_category_check(super().create_form(obj))

    def edit_form(self, obj=None):
        return self._with_category_check(super().edit_form(obj))

    def _with_category_check(self, form):
        form.category.validators = [validators.InputRequired(), validators.AnyOf(
            [c for c, _ in _category_options()], message=_l("Bitte eine vorhandene Kategorie wählen."))]
        return form

    def after_model_change(self, form, model, is_created):
        changed = refresh_category(model.category, current_user_label())
        flash(_("Aufbewahrungsfristen neu berechnet: %(count)s Datei(en) geändert.", count=changed), "info")


class DeletionLogView(SecuredModelView):
    read_roles = ("admin", "auditor")
    write_roles = ()
    allow_create = allow_edit = allow_delete = False
    column_list = ("deleted_at", "filename", "category", "document_date", "keep_until",
                   "sha256", "run_id", "file_id")
    column_searchable_list = ("filename", "sha256", "run_id", "category")
    column_filters = ("category", "deleted_at", "document_date", "run_id")
    column_default_sort = ("deleted_at", True)
    column_formatters = {"category": _category}
