"""Every operation in the OpenAPI document: a token without its scope gets 403, with it not."""
import pytest

from models.api import API_SCOPES

DUMMY_ID = "0" * 24


def operations(app):
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in ("get", "post", "patch", "put", "delete"):
                yield method, path.replace("{", "").replace("}", "").split("/"), op["x-scope"]


def _url(parts):
    return "/".join(DUMMY_ID if p.endswith("_id") else p for p in parts)


def test_matrix_covers_every_operation_and_every_scope_is_enforced(app, make_token):
    client = app.test_client()
    ops = list(operations(app))
    assert len(ops) >= 18
    assert {scope for _, _, scope in ops} <= set(API_SCOPES)
    for method, parts, scope in ops:
        without, _ = make_token(*[s for s in API_SCOPES if s != scope])
        headers = {**without, "Idempotency-Key": "k"}
        response = client.open(_url(parts), method=method.upper(), headers=headers, json={})
        assert response.status_code == 403, (method, parts, response.status_code)
        assert scope in response.get_json()["detail"]
        only, _ = make_token(scope, archive_categories=["delivery_note"])
        allowed = client.open(_url(parts), method=method.upper(),
                              headers={**only, "Idempotency-Key": "k"}, json={})
        assert allowed.status_code not in (401, 403), (method, parts, allowed.get_json())


@pytest.mark.parametrize("scope", ["employees:read"])
def test_employees_never_show_bank_details_or_pay(app, make_token, scope):
    from tests.factories import make_employee

    employee = make_employee(iban="DE89370400440532013000")
    headers, _ = make_token(scope)
    client = app.test_client()
    one = client.get(f"/api/v1/employees/{employee.pk}", headers=headers)
    listed = client.get("/api/v1/employees", headers=headers)
    assert one.status_code == 200 and listed.status_code == 200
    for text in (one.get_data(as_text=True), listed.get_data(as_text=True)):
        assert "DE89" not in text and "iban" not in text and "3850" not in text
        assert "gross" not in text and "tax_class" not in text
    assert one.get_json()["last_name"] == listed.get_json()["items"][0]["last_name"] == "Müller"
    others, _ = make_token(*[s for s in API_SCOPES if not s.startswith("employees")])
    assert client.get("/api/v1/employees", headers=others).status_code == 403
