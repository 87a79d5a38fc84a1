"""The API's frame: OpenAPI 3.1, the offline docs page, problem details, customers CRUD."""
from datetime import datetime, timedelta, timezone

from models.audit import AuditEntry
from models.customer import Customer
from tests.factories import make_customer
from tests.views.api.conftest import post_headers

PROBLEM = "application/problem+json"


def test_openapi_document_is_3_1_and_names_every_operations_scope(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    ops = [op for item in spec["paths"].values() for m, op in item.items()
           if m in ("get", "post", "patch")]
    assert len(ops) >= 18
    assert all(op["security"][0]["bearerAuth"] == [op["x-scope"]] for op in ops)
    posts = [op for item in spec["paths"].values() for m, op in item.items() if m == "post"]
    assert all(any(p["name"] == "Idempotency-Key" and p["required"]
                   for p in op["parameters"]) for op in posts)


def test_docs_page_is_rendered_here_without_external_assets(client):
    page = client.get("/api/v1/docs")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "/api/v1/customers/{customer_id}" in html and "customers:write" in html
    assert "https://" not in html and "http://" not in html and "<script" not in html


def test_no_token_is_401_problem_with_www_authenticate(client):
    response = client.get("/api/v1/customers")
    assert response.status_code == 401 and response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == 401 and body["title"] == "Unauthorized"
    assert "Bearer" in body["detail"] and response.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = client.get("/api/v1/customers", headers={"Authorization": "Bearer bo_nonsense"})
    assert wrong.status_code == 401 and "unbekannt" in wrong.get_json()["detail"]


def test_unknown_api_address_and_method_are_problems_but_panel_404_stays_html(client,
                                                                              make_token):
    headers, _ = make_token("customers:read")
    missing = client.get("/api/v1/nothing-here", headers=headers)
    assert missing.status_code == 404 and missing.mimetype == PROBLEM
    wrong_method = client.delete("/api/v1/customers", headers=headers)
    assert wrong_method.status_code == 405 and wrong_method.mimetype == PROBLEM
    assert client.get("/no-such-page").mimetype == "text/html"


def test_unknown_customer_id_is_404_problem(client, make_token):
    headers, _ = make_token("customers:read")
    for bad in ("0123456789abcdef01234567", "not-an-id"):
        response = client.get(f"/api/v1/customers/{bad}", headers=headers)
        assert response.status_code == 404 and response.mimetype == PROBLEM


def test_create_customer_is_audited_under_the_tokens_name(client, make_token):
    headers, token = make_token("customers:read", "customers:write", name="webshop")
    body = {"customer_no": "K-9001", "name": "Café Überall GmbH", "street": "Ring 1",
            "postal_code": "50667", "city": "Köln", "vat_id": "DE 136 695 976"}
    response = client.post("/api/v1/customers", json=body, headers=post_headers(headers))
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["vat_id"] == "DE136695976"  # normalised by the same model rule
    assert response.headers["Location"].endswith(f"/api/v1/customers/{created['id']}")
    entry = AuditEntry.objects(document_id=created["id"]).get()
    assert entry.user == "api:webshop" and entry.action == "create"
    assert {c.field for c in entry.changes} >= {"name", "customer_no", "vat_id"}


def test_invalid_fields_are_422_with_field_level_messages(client, make_token):
    headers, _ = make_token("customers:write")
    response = client.post("/api/v1/customers", headers=post_headers(headers),
                           json={"name": "", "email": "no-mail", "extra": 1})
    assert response.status_code == 422 and response.mimetype == PROBLEM
    fields = {e["field"] for e in response.get_json()["errors"]}
    assert fields >= {"customer_no", "name", "email", "extra"}
    # a rule of the model (German postal code) also comes back on its field
    rule = client.post("/api/v1/customers", headers=post_headers(headers),
                       json={"customer_no": "K-1", "name": "X", "postal_code": "123"})
    assert rule.status_code == 422
    assert [e["field"] for e in rule.get_json()["errors"]] == ["postal_code"]
    assert "fünf Ziffern" in str(rule.get_json()["errors"])  # German, saying what to fix
    vat = client.post("/api/v1/customers", headers=post_headers(headers),
                      json={"customer_no": "K-1", "name": "X", "vat_id": "DE123"})
    assert vat.status_code == 422
    assert [e["field"] for e in vat.get_json()["errors"]] == ["vat_id"]
    assert "USt-IdNr. 'DE123' ist ungültig" in str(vat.get_json()["errors"])
    assert not Customer.objects(customer_no="K-1").first()


def test_duplicate_customer_number_is_409(client, make_token):
    headers, _ = make_token("customers:write")
    make_customer(customer_no="K-7")
    response = client.post("/api/v1/customers", headers=post_headers(headers),
                           json={"customer_no": "K-7", "name": "Zweiter"})
    assert response.status_code == 409 and response.mimetype == PROBLEM


def test_patch_customer_changes_only_given_fields_and_is_audited(client, make_token):
    headers, _ = make_token("customers:write", name="crm")
    customer = make_customer(city="Berlin")
    response = client.patch(f"/api/v1/customers/{customer.pk}", headers=headers,
                            json={"city": "Potsdam"})
    assert response.status_code == 200 and response.get_json()["city"] == "Potsdam"
    assert Customer.objects.get(pk=customer.pk).name == customer.name
    entry = AuditEntry.objects(document_id=str(customer.pk), action="update").get()
    assert entry.user == "api:crm"
    assert [(c.field, c.old, c.new) for c in entry.changes] == [("city", "Berlin", "Potsdam")]


def test_cursor_pages_cover_every_customer_once_in_id_order(client, make_token):
    headers, _ = make_token("customers:read")
    made = sorted(str(make_customer().pk) for _ in range(7))
    seen, cursor = [], None
    while True:
        query = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/customers", headers=headers, query_string=query).get_json()
        seen += [c["id"] for c in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == made


def test_updated_since_returns_only_changed_customers(client, make_token):
    headers, _ = make_token("customers:read", "customers:write")
    old = make_customer()
    Customer.objects(pk=old.pk).update_one(
        set__updated_at=datetime.now(timezone.utc) - timedelta(days=2))
    fresh = make_customer()
    since = (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat()
    page = client.get("/api/v1/customers", headers=headers,
                      query_string={"updated_since": since}).get_json()
    assert [c["id"] for c in page["items"]] == [str(fresh.pk)]


def test_suppliers_are_read_only_and_never_show_bank_details(client, make_token):
    from tests.factories import make_supplier

    supplier = make_supplier(iban="DE89370400440532013000")
    headers, _ = make_token("suppliers:read", "suppliers:write")
    one = client.get(f"/api/v1/suppliers/{supplier.pk}", headers=headers)
    listed = client.get("/api/v1/suppliers", headers=headers)
    assert one.status_code == listed.status_code == 200
    assert one.get_json()["name"] == listed.get_json()["items"][0]["name"] == supplier.name
    for text in (one.get_data(as_text=True), listed.get_data(as_text=True)):
        assert "DE89" not in text and "iban" not in text
    assert client.post("/api/v1/suppliers", headers=post_headers(headers),
                       json={"name": "Neu"}).status_code == 405


def test_list_filters_narrow_by_their_field_and_an_empty_one_does_not(client, make_token):
    """The optional equality filters of the customer, stock and invoice lists (one shared
    helper, views.api.paging.filtered_page): each given value narrows, none leaves all."""
    from tests.factories import make_invoice, make_stock_item

    headers, _ = make_token("customers:read", "stock:read", "invoices:read")

    def ids(url, **query):
        response = client.get(url, headers=headers, query_string=query)
        assert response.status_code == 200, response.get_json()
        return sorted(item["id"] for item in response.get_json()["items"])

    first, second = make_customer(customer_no="K-100"), make_customer(customer_no="K-200")
    assert ids("/api/v1/customers", customer_no="K-200") == [str(second.pk)]
    assert ids("/api/v1/customers", customer_no="K-999") == []
    assert ids("/api/v1/customers", customer_no="") == sorted([str(first.pk), str(second.pk)])
    bolts, nuts = make_stock_item(sku="SKU-B"), make_stock_item(sku="SKU-N")
    assert ids("/api/v1/stock-items", sku="SKU-N") == [str(nuts.pk)]
    assert ids("/api/v1/stock-items") == sorted([str(bolts.pk), str(nuts.pk)])
    mine, other = make_invoice(customer=first), make_invoice(customer=second)
    assert ids("/api/v1/invoices", customer_id=str(first.pk)) == [str(mine.pk)]
    assert ids("/api/v1/invoices", status="draft") == sorted([str(mine.pk), str(other.pk)])
    assert ids("/api/v1/invoices", status="draft", customer_id=str(second.pk)) == \
        [str(other.pk)]
    assert ids("/api/v1/invoices", status="paid") == []
