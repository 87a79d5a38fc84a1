"""RFC 9457 problem details for every error the API answers."""
from flask import jsonify, request
from werkzeug.exceptions import HTTPException

PROBLEM_TYPE = "about:blank"
MEDIA_TYPE = "application/problem+json"


def problem(status: int, title: str, detail: str | None = None, errors=None, headers=None,
            extensions: dict | None = None):
    """A problem+json response (`extensions`: further members, RFC 9457 section 3.2)."""
    body = {**(extensions or {}), "type": PROBLEM_TYPE, "title": title, "status": status,
            "instance": request.path}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = MEDIA_TYPE
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def field_errors(messages: dict) -> list[dict]:
    """Flatten webargs/marshmallow messages ({location: {field: [msg]}}) to a list."""
    out = []

    def walk(value, location, path):
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, location, path + [str(key)])
        elif isinstance(value, (list, tuple)):
            for inner in value:
                walk(inner, location, path)
        else:
            out.append({"in": location, "field": ".".join(path) or "(body)",
                        "detail": str(value)})

    for location, fields in (messages or {}).items():
        walk(fields, location, [])
    return out


def handle_http_exception(error: HTTPException):
    """Turn any HTTP error inside the API into problem details."""
    data = getattr(error, "data", None) or {}
    errors = field_errors(data.get("messages") or data.get("errors") or {})
    detail = data.get("message") or (error.description if error.code != 422 else None)
    if error.code == 422 and errors and not detail:
        detail = "Die Anfrage enthält ungültige Felder; siehe errors."
    headers = dict(data.get("headers") or {})
    return problem(error.code or 500, error.name, detail, errors, headers,
                   data.get("extensions"))


def register_problem_handlers(blueprint) -> None:
    """Answer every HTTP error in the blueprint as a problem (code-specific handlers of the
    app, e.g. its HTML 400 and 500 pages, would otherwise win over a class handler)."""
    from werkzeug.exceptions import default_exceptions

    blueprint.register_error_handler(HTTPException, handle_http_exception)
    for code in default_exceptions:
        blueprint.register_error_handler(code, handle_http_exception)
