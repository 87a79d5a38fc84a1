"""The REST API for the front office under /api/v1/ (flask-smorest, OpenAPI 3.1)."""
from flask import Blueprint, current_app, render_template_string
from flask_smorest import Api
from flask_smorest.spec import prepare_response

from views.api.problems import MEDIA_TYPE, problem
from views.api.schemas import DecimalString, ProblemSchema

docs_bp = Blueprint("api_docs", __name__, url_prefix="/api/v1")


class BackofficeApi(Api):
    """flask-smorest's Api with problem details, and without taking over the app's errors."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        """Errors are handled per API blueprint only (the panel keeps its HTML pages)."""

    def _register_responses(self):
        for status in (400, 401, 403, 404, 409, 422, 429):
            from http import HTTPStatus

            response = {"description": HTTPStatus(status).phrase, "schema": ProblemSchema}
            prepare_response(response, self.spec, MEDIA_TYPE)
            self.spec.components.response(HTTPStatus(status).name, response, lazy=True)
        response = {"description": "Problem details (RFC 9457)", "schema": ProblemSchema}
        prepare_response(response, self.spec, MEDIA_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


def init_api(app) -> BackofficeApi:
    """Attach the API (blueprints, spec, docs page, request checks) to the app."""
    from views.api import archive, links, resources, security, supplier_invoices

    csrf = app.extensions["csrf"]  # CSRFProtect: the API authenticates by token, not cookie

    app.config.setdefault("API_TITLE", "Backoffice API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {"description": "Customers, invoices, stock, tickets for the front office. "
                                "Authenticate with 'Authorization: Bearer <token>'; every "
                                "POST needs an Idempotency-Key header."},
        "servers": [{"url": "/"}]})
    api = BackofficeApi(app)
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api.register_field(DecimalString, "string", None)
    for blp in resources.BLUEPRINTS + (archive.bp, supplier_invoices.bp):
        links.document_operations(blp)
        api.register_blueprint(blp)
        csrf.exempt(blp)
    _document_post_headers(api.spec)
    security.init_app(app)
    app.register_blueprint(docs_bp)
    app.register_error_handler(405, _method_not_allowed)
    app.extensions["backoffice_api"] = api
    return api


def _document_post_headers(spec) -> None:
    """Declare the Idempotency-Key header on every POST (after the generated parameters: a
    manual `parameters` list in a view's doc would replace its query parameters)."""
    for operations in spec._paths.values():
        post = operations.get("post")
        if post is None:
            continue
        params = post.setdefault("parameters", [])
        if not any(p.get("name") == "Idempotency-Key" for p in params):
            params.append({
                "name": "Idempotency-Key", "in": "header", "required": True,
                "description": "Any unique string (max. 200); a repeat with the same "
                               "body answers with the first result (24 h).",
                "schema": {"type": "string", "minLength": 1, "maxLength": 200}})


def _method_not_allowed(error):
    from flask import request

    if request.path.startswith("/api/"):
        return problem(405, "Method Not Allowed", "Diese Methode gibt es für diese Adresse nicht.")
    return error


def api_not_found():
    """The 404 problem for an unknown address under /api/."""
    return problem(404, "Not Found", "Diese Adresse gibt es in der API nicht.")


DOCS_TEMPLATE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{{ spec.info.title }} {{ spec.info.version }}</title>
<style nonce="{{ csp_nonce() }}">body{font:15px/1.45 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem}
h2{border-bottom:1px solid #ccc}code,pre{background:#f4f4f4;padding:.1rem .3rem}.m{font-weight:bold;display:inline-block;width:4.5rem}
.op{margin:.8rem 0;padding:.5rem;border-left:4px solid #58a}table{border-collapse:collapse}td{padding:.1rem .6rem;vertical-align:top}</style>
</head><body><h1>{{ spec.info.title }} <small>{{ spec.info.version }}</small></h1>
<p>{{ spec.info.description }}</p><p>Machine-readable: <a href="{{ url_for('api-docs.openapi_json') }}">openapi.json</a> (OpenAPI {{ spec.openapi }})</p>
{% for tag in spec.tags %}<h2 id="{{ tag.name }}">{{ tag.name }}</h2><p>{{ tag.description }}</p>
{% for path, item in spec.paths.items() %}{% for method, op in item.items() if method in ('get','post','patch','put','delete') and tag.name in op.tags %}
<div class="op"><span class="m">{{ method|upper }}</span><code>{{ path }}</code> — {{ op.summary }}
{% if op['x-scope'] %}<br>Scope: <code>{{ op['x-scope'] }}</code>{% endif %}
{% if op.parameters %}<table>{% for p in op.parameters %}<tr><td><code>{{ p.name }}</code></td><td>{{ p['in'] }}</td><td>{{ 'required' if p.required }}</td><td>{{ p.description }}</td></tr>{% endfor %}</table>{% endif %}
{% if op.requestBody %}{% for ct, body in op.requestBody.content.items() %}<br>Body ({{ ct }}): {{ schema_name(body.schema) }}{% endfor %}{% endif %}
<br>Responses: {% for code, r in op.responses.items() %}<code>{{ code }}</code> {% endfor %}</div>
{% endfor %}{% endfor %}{% endfor %}
<h2>Schemas</h2>{% for name, schema in spec.components.schemas.items() %}<h3 id="schema-{{ name }}">{{ name }}</h3><table>
{% for field, f in (schema.properties or {}).items() %}<tr><td><code>{{ field }}</code></td><td>{{ f.type or schema_name(f) }}{% if f.format %} ({{ f.format }}){% endif %}</td><td>{{ 'required' if field in (schema.required or []) }}</td><td>{{ f.description }}</td></tr>{% endfor %}</table>{% endfor %}
</body></html>"""


@docs_bp.route("/docs")
def docs():
    """The API documentation, rendered here from the OpenAPI document (no external assets)."""
    spec = current_app.extensions["backoffice_api"].spec.to_dict()

    def schema_name(schema):
        ref = (schema or {}).get("$ref") or ((schema or {}).get("items") or {}).get("$ref", "")
        return ref.rsplit("/", 1)[-1] if ref else (schema or {}).get("type", "")

    return render_template_string(DOCS_TEMPLATE, spec=spec, schema_name=schema_name)
