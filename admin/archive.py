"""Archived files: upload, metadata, download through an access-checked URL."""
import io

from flask import current_app, url_for
from flask_login import current_user
from markupsafe import Markup, escape
from wtforms import FileField, validators

from admin.base import SecuredModelView, current_user_label
from models.archive import DocumentCategory
from services.archive import read_upload, safe_filename

ARCHIVE_READ = ("admin", "finance", "hr", "warehouse", "support", "auditor")
ARCHIVE_WRITE = ("admin", "finance", "hr", "warehouse", "support")


def readable_categories(user) -> list[str]:
    """Codes of the document categories the user may see."""
    return [c.code for c in DocumentCategory.objects.only("code", "read_roles")
            if any(role in c.read_roles for role in user.roles)]


def _download_link(view, context, model, name):
    url = url_for("archive.download", file_id=str(model.pk))
    return Markup(f'<a href="{url}">{escape(model.filename)}</a>')


class ArchivedFileView(SecuredModelView):
    read_roles, write_roles = ARCHIVE_READ, ARCHIVE_WRITE
    allow_delete = False  # deletion only by the retention job
    column_list = ("filename", "category", "document_date", "size", "content_type",
                   "uploaded_by", "uploaded_at")
    column_searchable_list = ("filename", "sha256", "uploaded_by")
    column_filters = ("document_date", "uploaded_by", "content_type", "uploaded_at")
    column_default_sort = ("uploaded_at", True)
    column_formatters = {"filename": _download_link}
    column_details_list = ("filename", "category", "document_date", "description", "size",
                           "content_type", "sha256", "uploaded_by", "uploaded_at")
    form_columns = ("upload", "category", "document_date", "description")
    form_extra_fields = {"upload": FileField("File")}

    def get_query(self):
        return super().get_query().filter(category__in=readable_categories(current_user))

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        del form.upload  # archived content is immutable; only metadata can change
        return form

    def create_form(self, obj=None):
        form = super().create_form(obj)
        form.upload.validators = [validators.InputRequired()]
        return form

    def on_model_change(self, form, model, is_created):
        if model.category and not set(model.category.read_roles) & set(current_user.roles):
            raise validators.ValidationError("you may not file documents in this category")
        if not is_created:
            return
        upload = form.upload.data
        filename = safe_filename(upload.filename)
        sniffed = read_upload(upload.stream, filename,
                              current_app.config["MAX_CONTENT_LENGTH"])
        model.content.put(io.BytesIO(sniffed.data), filename=filename,
                          content_type=sniffed.content_type)
        model.filename = filename
        model.content_type = sniffed.content_type
        model.size = sniffed.size
        model.sha256 = sniffed.sha256
        model.uploaded_by = current_user_label()
