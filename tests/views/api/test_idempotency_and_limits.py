"""Idempotency keys (also under 10 parallel POSTs) and the per-token rate limit."""
import threading
from datetime import datetime, timedelta, timezone

from models.api import IdempotencyRecord
from models.audit import AuditEntry
from models.customer import Customer
from services.api import idempotency
from tests.views.api.conftest import post_headers

BODY = {"customer_no": "K-500", "name": "Gärtnerei Blümchen"}


def test_same_key_same_body_replays_the_first_answer(client, make_token):
    headers, _ = make_token("customers:write")
    h = post_headers(headers, "order-4711")
    first = client.post("/api/v1/customers", json=BODY, headers=h)
    second = client.post("/api/v1/customers", json=BODY, headers=h)
    assert first.status_code == second.status_code == 201
    assert first.get_json() == second.get_json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.headers["Location"] == first.headers["Location"]
    assert Customer.objects(customer_no="K-500").count() == 1
    assert AuditEntry.objects(collection="customers").count() == 1


def test_same_key_other_body_is_422_and_changes_nothing(client, make_token):
    headers, _ = make_token("customers:write")
    h = post_headers(headers, "order-4712")
    assert client.post("/api/v1/customers", json=BODY, headers=h).status_code == 201
    other = client.post("/api/v1/customers", json={**BODY, "name": "Anders"}, headers=h)
    assert other.status_code == 422 and other.mimetype == "application/problem+json"
    assert "andere Anfrage" in other.get_json()["detail"]
    assert Customer.objects.get(customer_no="K-500").name == BODY["name"]


def test_a_key_belongs_to_one_token(client, make_token):
    one, _ = make_token("customers:write")
    two, _ = make_token("customers:write")
    assert client.post("/api/v1/customers", json=BODY,
                       headers=post_headers(one, "k")).status_code == 201
    # the other token's same key is its own: a new request (here refused as a duplicate)
    assert client.post("/api/v1/customers", json=BODY,
                       headers=post_headers(two, "k")).status_code == 409


def test_post_without_key_is_400(client, make_token):
    headers, _ = make_token("customers:write")
    response = client.post("/api/v1/customers", json=BODY, headers=headers)
    assert response.status_code == 400 and "Idempotency-Key" in response.get_json()["detail"]
    assert Customer.objects.count() == 0


def test_refusals_are_kept_too_but_server_errors_release_the_key(app, client, make_token):
    headers, token = make_token("customers:write")
    h = post_headers(headers, "bad-1")
    bad = {"customer_no": "K-1", "name": "X", "postal_code": "1"}
    assert client.post("/api/v1/customers", json=bad, headers=h).status_code == 422
    replay = client.post("/api/v1/customers", json=bad, headers=h)
    assert replay.status_code == 422 and replay.headers["Idempotent-Replayed"] == "true"
    idempotency.claim(token.pk, "crash", "POST /x", b"{}")
    idempotency.complete(token.pk, "crash", idempotency.StoredAnswer(500, "x", b"", None))
    assert idempotency.claim(token.pk, "crash", "POST /x", b"{}") is None  # usable again


def test_answers_are_kept_24_hours(app, make_token):
    _, token = make_token("customers:write")
    assert idempotency.claim(token.pk, "k", "POST /x", b"1") is None
    idempotency.complete(token.pk, "k", idempotency.StoredAnswer(201, "application/json",
                                                                 b"{}", None))
    coll = IdempotencyRecord._get_collection()
    rid = idempotency.record_id(token.pk, "k")
    coll.update_one({"_id": rid}, {"$set": {
        "created_at": datetime.now(timezone.utc) - timedelta(hours=23, minutes=59)}})
    assert idempotency.claim(token.pk, "k", "POST /x", b"1").status == 201
    coll.update_one({"_id": rid}, {"$set": {
        "created_at": datetime.now(timezone.utc) - timedelta(hours=24, minutes=1)}})
    assert idempotency.purge_expired() == 1
    assert idempotency.claim(token.pk, "k", "POST /x", b"other body") is None


def test_ten_parallel_posts_with_one_key_create_one_customer(app, make_token):
    headers, _ = make_token("customers:write")
    h = post_headers(headers, "parallel-1")
    results, barrier = [], threading.Barrier(10)

    def post():
        client = app.test_client()
        barrier.wait(timeout=30)
        response = client.post("/api/v1/customers", json=BODY, headers=h)
        results.append((response.status_code, response.get_json().get("id")))

    threads = [threading.Thread(target=post) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    assert Customer.objects(customer_no="K-500").count() == 1
    created = str(Customer.objects.get(customer_no="K-500").pk)
    assert len(results) == 10
    # every caller got the one object (or, if the first was still running, 409 to retry)
    assert all(r == (201, created) or r[0] == 409 for r in results), results
    assert sum(r[0] == 201 for r in results) >= 1


def test_rate_limit_answers_429_with_retry_after_per_token(app, client, make_token):
    headers, _ = make_token("customers:read", rate_limit=3)
    other, _ = make_token("customers:read", rate_limit=3)
    codes = [client.get("/api/v1/customers", headers=headers).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.get("/api/v1/customers", headers=headers)
    assert limited.status_code == 429 and limited.mimetype == "application/problem+json"
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert client.get("/api/v1/customers", headers=other).status_code == 200


def test_rate_limit_window_is_per_minute_and_configurable(app, make_token):
    from services.api import rate_limit

    _, token = make_token("customers:read")
    minute = datetime(2026, 3, 2, 10, 0, 30, tzinfo=timezone.utc)
    assert [rate_limit.hit(token.pk, 2, minute) for _ in range(3)] == [None, None, 30]
    assert rate_limit.hit(token.pk, 2, minute + timedelta(seconds=30)) is None  # next minute
    app.config["API_RATE_LIMIT_PER_MINUTE"] = 1
    headers, _ = make_token("customers:read")
    client = app.test_client()
    assert [client.get("/api/v1/customers", headers=headers).status_code
            for _ in range(2)] == [200, 429]
