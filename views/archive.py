"""Download of archived files, checked against the category's roles."""
from urllib.parse import quote

from flask import Blueprint, Response, abort
from flask_login import current_user, login_required

from models.archive import ArchivedFile

bp = Blueprint("archive", __name__, url_prefix="/archive")
INLINE_TYPES = {"application/pdf", "image/png", "image/jpeg"}


def content_disposition(filename: str, inline: bool) -> str:
    """Build a header value that keeps umlauts (RFC 5987) and cannot inject headers."""
    ascii_name = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_"
                         for c in filename)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


@bp.route("/<file_id>/download")
@login_required
def download(file_id):
    """Send the content of an archived file the user may read."""
    record = ArchivedFile.objects(pk=file_id).first() if len(file_id) == 24 else None
    if record is None:
        abort(404)
    if not set(record.category.read_roles) & set(current_user.roles):
        abort(403)
    content = record.content.get()
    if content is None:
        abort(404)
    inline = record.content_type in INLINE_TYPES
    response = Response(content.read(), mimetype=record.content_type)
    response.headers["Content-Disposition"] = content_disposition(record.filename, inline)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
