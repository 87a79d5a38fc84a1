"""Every API request: token (401), IP range and scope (403), rate limit (429), idempotency."""
from flask import Response, current_app, g, request

from models.audit import AuditEntry
from services.api import idempotency, rate_limit, tokens
from views.api.problems import problem

PUBLIC_ENDPOINTS = {"api-docs.openapi_json", "api_docs.docs"}


def scope(name: str):
    """Declare the scope an operation needs (checked before the view, shown in OpenAPI)."""
    def decorate(view):
        view._api_scope = name
        doc = getattr(view, "_apidoc", {})
        view._apidoc = doc
        doc.setdefault("manual_doc", {}).update(
            security=[{"bearerAuth": [name]}], **{"x-scope": name})
        return view
    return decorate


def before_api_request():
    """Authenticate, authorise, count and (for POST) claim the idempotency key."""
    if not request.path.startswith("/api/v1/") or request.endpoint in PUBLIC_ENDPOINTS \
            or request.endpoint is None:
        return None
    view = current_app.view_functions.get(request.endpoint)
    needed = getattr(view, "_api_scope", None)
    if needed is None:
        return None
    header = request.headers.get("Authorization", "")
    secret = header[7:] if header[:7].lower() == "bearer " else None
    try:
        token = tokens.authenticate(secret, request.remote_addr or "")
        tokens.require_scope(token, needed)
    except tokens.TokenRefused as exc:
        extra = {"WWW-Authenticate": 'Bearer realm="backoffice-api"'} \
            if exc.status == 401 else {}
        return problem(exc.status, "Unauthorized" if exc.status == 401 else "Forbidden",
                       str(exc), headers=extra)
    g.api_token = token
    limit = token.rate_limit or current_app.config.get("API_RATE_LIMIT_PER_MINUTE",
                                                       rate_limit.DEFAULT_PER_MINUTE)
    retry_after = rate_limit.hit(token.pk, limit)
    if retry_after is not None:
        return problem(429, "Too Many Requests",
                       f"Mehr als {limit} Anfragen pro Minute für den Token '{token.name}'; "
                       f"bitte nach {retry_after} s erneut senden.",
                       headers={"Retry-After": str(retry_after)})
    if request.method == "POST":
        return _claim_idempotency_key(token)
    return None


def _claim_idempotency_key(token):
    key = request.headers.get("Idempotency-Key", "")
    try:
        stored = idempotency.claim(token.pk, key, f"POST {request.path}", request.get_data())
    except idempotency.KeyConflict as exc:
        titles = {400: "Bad Request", 409: "Conflict", 422: "Unprocessable Content"}
        return problem(exc.status, titles[exc.status], str(exc))
    if stored is not None:
        response = Response(stored.body, status=stored.status, content_type=stored.content_type)
        if stored.location:
            response.headers["Location"] = stored.location
        response.headers["Idempotent-Replayed"] = "true"
        return response
    g.api_idempotency_key = key
    return None


def after_api_request(response):
    """Keep the first answer of a POST under its idempotency key."""
    key = g.pop("api_idempotency_key", None)
    if key is not None:
        idempotency.complete(g.api_token.pk, key, idempotency.StoredAnswer(
            response.status_code, response.content_type, response.get_data(),
            response.headers.get("Location")))
    return response


def teardown_api_request(error=None):
    """A request that died without an answer gives its idempotency key back."""
    key = g.pop("api_idempotency_key", None)
    if key is not None:
        idempotency.release(g.api_token.pk, key)


def actor() -> str:
    """The name writes are recorded under: the token's name."""
    return f"api:{g.api_token.name}"


def audit(action: str, document, label: str | None = None, changes=()) -> None:
    """Record an API write in the audit log under the token's name."""
    from models.audit import FieldChange

    AuditEntry(user=actor(), action=action, collection=document._get_collection_name(),
               document_id=str(document.pk), label=label or str(document)[:200],
               changes=[FieldChange(field=f, old=o, new=n) for f, o, n in changes]).save()


def init_app(app) -> None:
    app.before_request(before_api_request)
    app.after_request(after_api_request)
    app.teardown_request(teardown_api_request)
