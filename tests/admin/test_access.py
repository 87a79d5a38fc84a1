"""Who may open which URL: generated from the app's own URL map and views."""
import pytest
from flask_admin.contrib.mongoengine import ModelView

from models.user import ROLES
from tests.conftest import csrf_token_from

READ_ENDPOINTS = {"index_view": "GET", "details_view": "GET", "export": "GET"}
WRITE_ENDPOINTS = {"create_view": ("GET", "allow_create"), "edit_view": ("GET", "allow_edit"),
                   "delete_view": ("POST", "allow_delete"), "action_view": ("POST", None),
                   "ajax_update": ("POST", "allow_edit"),
                   # issue 13.11: look-ups serve the forms, so only form writers get them
                   "ajax_lookup": ("GET", None)}
# Non-admin endpoints and what an anonymous visitor gets from them.
PUBLIC = {"auth.login": 200, "auth.root": 302, "health.healthz": 200, "static": None,
          "admin.static": None, "_debug_toolbar": None}
# The policy the business asked for, stated independently of the view classes.
EXPECTED_READERS = {
    "employees": {"admin", "hr"},
    "payroll_parameters": {"admin", "hr"},
    "health_funds": {"admin", "hr"},
    "accounts": {"admin", "finance", "auditor"},
    "journal": {"admin", "finance", "auditor"},
    "invoice": {"admin", "finance", "auditor"},
    "customers": {"admin", "finance", "auditor"},
    "company": {"admin", "finance", "auditor"},
    "suppliers": {"admin", "finance", "warehouse", "auditor"},
    "stock": {"admin", "finance", "warehouse", "auditor"},
    "tickets": {"admin", "support", "auditor"},
    "archive_files": set(ROLES),
    "retention_rules": {"admin", "finance", "hr", "auditor"},
    "deletion_log": {"admin", "auditor"},
    "job_runs": {"admin"},
    "users": {"admin"},
    "audit": {"admin", "auditor"},
    # issue 7: operations
    "stock_movements": {"admin", "finance", "warehouse", "auditor"},
    "purchase_orders": {"admin", "finance", "warehouse", "auditor"},
    "sla_policies": {"admin", "support", "auditor"},
    "my_tickets": {"admin", "support"},
    "import_runs": set(ROLES),  # each sees only the collections it imports (or audits)
}


def model_views(app):
    admin = app.extensions["admin"][0]
    return [v for v in admin._views if isinstance(v, ModelView)]


def test_every_model_view_has_an_explicit_policy(app):
    endpoints = {view.endpoint for view in model_views(app)}
    assert endpoints == set(EXPECTED_READERS)
    for view in model_views(app):
        assert set(view.read_roles) == EXPECTED_READERS[view.endpoint], view.endpoint
        assert set(view.write_roles) <= set(view.read_roles)
        assert "auditor" not in view.write_roles  # auditors only read


def _url_for(app, rule):
    values = {arg: "0" * 24 for arg in rule.arguments}
    with app.test_request_context():
        from flask import url_for
        return url_for(rule.endpoint, **values)


def _admin_rules(app):
    for rule in app.url_map.iter_rules():
        view_name, _, method = rule.endpoint.partition(".")
        yield rule, view_name, method


def _expected(view, role, method_name):
    if role is None:
        return "login"
    if method_name in READ_ENDPOINTS:
        return "ok" if role in view.read_roles else 403
    if method_name in WRITE_ENDPOINTS:
        _, allow = WRITE_ENDPOINTS[method_name]
        allowed = role in view.write_roles and (allow is None or getattr(view, allow))
        return "ok" if allowed else 403
    return "ok" if role in view.read_roles else 403


@pytest.mark.parametrize("role", [None, *ROLES])
def test_admin_urls_follow_the_roles(app, client, login, role):
    if role:
        login(role)
    # A valid token, so POSTs reach the access check instead of stopping at CSRF.
    token = csrf_token_from(client.get("/login" if role is None else "/admin/").data)
    views = {v.endpoint: v for v in model_views(app)}
    checked = 0
    for rule, view_name, method_name in _admin_rules(app):
        view = views.get(view_name)
        if view is None or method_name == "api_file_view":
            continue
        http = "POST" if "POST" in rule.methods and "GET" not in rule.methods else "GET"
        if method_name in WRITE_ENDPOINTS:
            http = WRITE_ENDPOINTS[method_name][0]
        url = _url_for(app, rule)
        if method_name == "ajax_lookup":
            url += "?name=x&query=a"
        data = {"csrf_token": token, "id": "0" * 24, "action": "delete",
                "rowid": "0" * 24} if http == "POST" else None
        response = client.open(url, method=http, data=data)
        expected = _expected(view, role, method_name)
        where = f"{role} {http} {url} -> {response.status_code}"
        if expected == "login":
            assert response.status_code == 302 and "/login" in response.location, where
        elif expected == 403:
            assert response.status_code == 403, where
        else:
            assert response.status_code in (200, 302, 404), where
            if response.status_code == 302:
                assert "/login" not in response.location, where
        checked += 1
    assert checked > 60


def test_gridfs_file_api_is_closed_for_everyone(app, client, login):
    login("admin")
    for view in model_views(app):
        url = f"/admin/{view.endpoint}/api/file/?id=0&coll=archive.files&db=default"
        assert client.get(url).status_code == 404


def test_anonymous_gets_no_data_from_any_url(app, client):
    """Every rule of the app: anonymous requests are sent to log in or refused."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC or rule.endpoint.endswith(".static"):
            continue
        url = _url_for(app, rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            where = f"anonymous {method} {url} -> {response.status_code}"
            if response.status_code == 302:
                assert "/login" in response.location, where
            else:
                assert response.status_code in (400, 401, 403, 404, 405), where
            assert b"@" not in response.data or b"/login" in response.data, where


def test_public_endpoints_reveal_nothing(app, client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/").status_code == 302
    assert client.get("/login").status_code == 200


def test_forbidden_page_is_friendly(client, login):
    login("warehouse")
    response = client.get("/admin/employees/")
    assert response.status_code == 403
    assert "Ihre Rolle umfasst diesen Bereich nicht" in response.get_data(as_text=True)


def test_menu_shows_only_the_role_s_areas(client, login):
    login("warehouse")
    page = client.get("/admin/").get_data(as_text=True)
    assert "/admin/stock/" in page and "/admin/suppliers/" in page
    assert "/admin/employees/" not in page and "/admin/users/" not in page
    assert "/admin/journal/" not in page
