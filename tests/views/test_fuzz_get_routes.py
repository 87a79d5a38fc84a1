"""No GET route answers 500 to hostile parameter values (issue 13.13).

Every GET rule of app.url_map is called by a user holding every role, with each path
variable and a set of common query parameters replaced by hostile values. Any status
is fine except a server error (or an exception escaping the view).
"""
import pytest

from models.user import ROLES
from tests.factories import make_entry, make_invoice, make_ticket

# For path variables (ids, names, kinds): malformed and unknown ids, control bytes, paths.
HOSTILE = ["-1", "99999999999999999999", "abc", "x" * 24, "ffffffffffffffffffffffff",
           "a\x00b", "../../etc/passwd", '{"$gt": ""}', "ü€😀", "%", "(", "9" * 400]
# The values most likely to break a parameter, for the query strings of every route.
QUERY_HOSTILE = ["-1", "x" * 24, "a\x00b", "99999999999999999999", '{"$gt": ""}', "ü€(",
                 "9" * 400]
# Query parameters the panel reads somewhere, in two groups so that one refused parameter
# does not hide another: Flask-Admin's list and look-up arguments, then the report ones.
QUERY_GROUPS = [("page", "page_size", "sort", "desc", "search", "flt0_0", "flt1_1", "id",
                 "url", "name", "query", "offset", "limit"),
                ("year", "month", "account", "format", "from", "to", "q", "next", "category",
                 "status", "date", "lang", "kind", "type")]
SKIP = {"static", "admin.static", "auth.logout"}


def _get_rules(app):
    return [r for r in app.url_map.iter_rules()
            if "GET" in r.methods and r.endpoint not in SKIP
            and not r.endpoint.endswith(".static")]


def _url(rule, value):
    path = rule.rule
    for arg in rule.arguments:
        conv = rule._converters[arg]
        path = path.replace(f"<{type(conv).__name__.lower()[:-9]}:{arg}>", value)
        for form in (f"<{arg}>", f"<string:{arg}>", f"<path:{arg}>", f"<int:{arg}>"):
            path = path.replace(form, value)
    return path


@pytest.fixture
def superuser_client(client, login):
    login(*ROLES)
    make_entry(), make_invoice(), make_ticket()
    return client


def _status(client, path, params):
    try:
        return client.get(path, query_string=params).status_code
    except Exception as exc:  # an exception escaping the view is a 500 in production
        return f"{type(exc).__name__}: {str(exc)[:120]}"


@pytest.mark.timeout(1800)  # every GET route with hostile values: minutes on a loaded CI machine
def test_no_get_route_answers_500(app, superuser_client):
    failures = []
    for rule in _get_rules(app):
        values = HOSTILE if rule.arguments else [None]
        for value in values:
            path = _url(rule, value) if value is not None else rule.rule
            if "<" in path:
                continue
            queries = [{name: v for name in group} for v in QUERY_HOSTILE
                       for group in QUERY_GROUPS] if value in (None, "-1") else []
            for params in ({}, *queries):
                status = _status(superuser_client, path, params)
                if not isinstance(status, int) or status >= 500:
                    shown = {k: v[:30] for k, v in params.items()}
                    failures.append(f"{rule.rule} {str(value)[:30]!r} {shown} -> {status}")
    assert not failures, "\n".join(failures[:60]) + f"\n… {len(failures)} in all"


NON_HEX_ID = "g" * 24  # 24 characters like an ObjectId, but not hex


@pytest.mark.parametrize("url, status, page_text", [
    ("/admin/journal/?page=-1", 400, "ist ungültig"),
    ("/admin/employees/?page=99999999999999999999", 400, "ist ungültig"),
    (f"/import/run/{NON_HEX_ID}", 404, "gibt es nicht"),
    (f"/import/run/{NON_HEX_ID}/status.json", 404, "gibt es nicht"),
    (f"/invoices/{NON_HEX_ID}/pdf", 404, "gibt es nicht"),
    (f"/archive/{NON_HEX_ID}/download", 404, "gibt es nicht"),
    (f"/admin/purchase-ops/{NON_HEX_ID}/pdf", 404, "gibt es nicht"),
    ("/admin/suppliers/?search=M%00ller", 400, "ist ungültig"),
    ("/admin/audit/?search=%00", 400, "ist ungültig"),
])
def test_bad_input_answers_4xx_with_the_normal_error_page(superuser_client, url, status,
                                                          page_text):
    response = superuser_client.get(url)
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert page_text in html and "Zur Startseite" in html and "Traceback" not in html


def test_a_payroll_run_page_number_below_one_is_refused(app, superuser_client):
    from tests.factories import make_employee
    from services.payroll import runs

    make_employee()
    run = runs.create_run(2026, 3, "tester")
    assert superuser_client.get(f"/payroll/runs/{run.pk}?page=-1").status_code == 400
    assert superuser_client.get(f"/payroll/runs/{run.pk}?page=2").status_code == 200
