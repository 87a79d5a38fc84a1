"""Download and preview of archived files (checked against the category's roles)."""
from urllib.parse import quote

from flask import Blueprint, Response, abort
from flask_login import current_user, login_required

from models.archive import ArchivedFile
from services.archive.upload import filename_for
from views.params import document_or_404

bp = Blueprint("archive", __name__, url_prefix="/archive")
INLINE_TYPES = {"application/pdf", "image/png", "image/jpeg"}


def content_disposition(filename: str, inline: bool) -> str:
    """Build a header value that keeps umlauts (RFC 5987) and cannot inject headers."""
    ascii_name = "".join(c if 32 <= ord(c) < 127 and c not in '"\\;' else "_"
                         for c in filename)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _readable_record(file_id: str) -> ArchivedFile:
    record = document_or_404(ArchivedFile, file_id)
    if not set(record.category.read_roles) & set(current_user.roles):
        abort(403)
    return record


def _send(record: ArchivedFile, inline: bool) -> Response:
    content = record.content.get()
    if content is None:
        abort(404)

    def chunks():  # one GridFS chunk at a time: a 50 MB file never sits in memory
        while data := content.readchunk():
            yield data

    response = Response(chunks(), mimetype=record.content_type)
    response.headers["Content-Length"] = str(record.size)
    # Files archived before the name followed the type: the download still does.
    name = filename_for(record.filename, record.content_type)
    response.headers["Content-Disposition"] = content_disposition(name, inline)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<file_id>/download")
@login_required
def download(file_id):
    """Send the content of an archived file the user may read, as an attachment."""
    return _send(_readable_record(file_id), inline=False)


@bp.route("/<file_id>/preview")
@login_required
def preview(file_id):
    """Show a PDF or image in the browser; other types are downloaded."""
    record = _readable_record(file_id)
    inline = record.content_type in INLINE_TYPES
    response = _send(record, inline=inline)
    if inline:
        # Shown inside the panel's own pages (the document beside a typing form): framing
        # by the same origin only (the browser's PDF viewer needs its own resources).
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        response.headers["Content-Security-Policy"] = "frame-ancestors 'self'"
    return response


@bp.app_template_filter("berlin")
def berlin_time(value) -> str:
    """Show a UTC timestamp as Europe/Berlin local time in the page's language."""
    from views.i18n import de_datetime

    return de_datetime(value)
