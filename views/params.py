"""Request values turned into what a view needs, or a 400/404 answer, never a 500 (13.13)."""
from bson import ObjectId
from flask import abort, request

MAX_PAGE = 100_000  # far beyond any real list; larger numbers overflow the database's skip


def document_or_404(model, raw_id: str, **filters):
    """Return the document with this id; unknown and malformed ids answer 404."""
    if not ObjectId.is_valid(raw_id):
        abort(404)
    document = model.objects(pk=ObjectId(raw_id), **filters).first()
    if document is None:
        abort(404)
    return document


def page_arg(name: str = "page", first: int = 1) -> int:
    """Return the page number of the request; a negative or absurd page answers 400."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return first
    try:
        page = int(raw)
    except ValueError:
        abort(400)
    if not first <= page <= MAX_PAGE + first:
        abort(400)
    return page


def refuse_nul_bytes() -> None:
    """Answer 400 to a NUL byte in the path or query: no value of ours contains one,
    and the database refuses it in a search pattern."""
    if "\x00" in request.path or any("\x00" in k or "\x00" in v
                                     for k, v in request.args.items(multi=True)):
        abort(400)
