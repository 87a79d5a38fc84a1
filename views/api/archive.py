"""Archive documents through the API: upload into a category the token allows, metadata."""


from flask import current_app, g, request, url_for
from flask_smorest import Blueprint, abort
from marshmallow import RAISE

from models.archive import ArchivedFile
from services.core.errors import BusinessRuleError
from views.api import schemas as s
from views.api.problems import register_problem_handlers
from views.api.paging import get_or_404
from views.api.security import actor, audit, scope

bp = Blueprint("Archive", __name__, url_prefix="/api/v1/archive-documents",
               description="Archive documents: upload to an allowed category, read metadata")
register_problem_handlers(bp)


def dump_file(f: ArchivedFile) -> dict:
    return {"id": str(f.pk), "filename": f.filename, "content_type": f.content_type,
            "size": f.size, "sha256": f.sha256, "category": f.category.pk,
            "document_date": f.document_date, "description": f.description,
            "uploaded_at": f.uploaded_at}


@bp.route("", methods=["POST"])
@scope("archive:write")
@bp.arguments(s.ArchiveUploadArgs, location="query", unknown=RAISE)
@bp.response(201, s.ArchiveDocumentSchema)
@bp.doc(requestBody={"required": True, "content": {"application/octet-stream": {
    "schema": {"type": "string", "format": "binary"}}}})
def upload_document(args):
    """Upload a file (raw body, file name in the X-Filename header) into a category."""
    from services.archive.store import archive_file

    if args["category"] not in (g.api_token.archive_categories or []):
        abort(403, message=f"Der Token '{g.api_token.name}' darf nicht in die Kategorie "
                           f"'{args['category']}' ablegen.")
    data = request.get_data()
    if not data:
        abort(422, message="Die Datei ist leer.", messages={"body": {"file": ["leer"]}})
    import io

    try:
        record = archive_file(io.BytesIO(data), request.headers.get("X-Filename", "upload.bin"),
                              category=args["category"], document_date=args["document_date"],
                              uploaded_by=actor(), description=args.get("description"),
                              max_bytes=current_app.config["ARCHIVE_MAX_FILE_BYTES"])
    except BusinessRuleError as exc:
        abort(422, message=str(exc))
    audit("create", record)
    return dump_file(record), 201, {
        "Location": url_for("Archive.get_document", document_id=str(record.pk))}


@bp.route("/<document_id>", methods=["GET"])
@scope("archive:read")
@bp.response(200, s.ArchiveDocumentSchema)
def get_document(document_id):
    """Read the metadata of a document in a category the token may use."""
    doc = get_or_404(ArchivedFile, document_id)
    if doc.category.pk not in (g.api_token.archive_categories or []):
        abort(404, message=f"ArchivedFile {document_id} existiert nicht.")
    return dump_file(doc)



