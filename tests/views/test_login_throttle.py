"""Log-in throttling under parallel guesses and behind the proxy; no timing oracle (13.5, 13.9)."""
import threading

import pytest

import models.user
from app import create_app
from models import User
from tests.conftest import PASSWORD, csrf_token_from
from tests.factories import make_user

GUESSES = 16
LIMIT = 5  # the default LOGIN_MAX_FAILURES: guesses at one account from one address


@pytest.fixture
def verified(monkeypatch):
    """Record every Argon2 verification (the hash each password was checked against)."""
    calls, lock, real = [], threading.Lock(), models.user._hasher

    class SpyHasher:
        def verify(self, password_hash, password):
            with lock:
                calls.append(password_hash)
            return real.verify(password_hash, password)

        def __getattr__(self, name):
            return getattr(real, name)

    monkeypatch.setattr(models.user, "_hasher", SpyHasher())
    return calls


def _attempt(client, email, password, addr=None):
    headers = {"X-Forwarded-For": addr} if addr else {}
    token = csrf_token_from(client.get("/login", headers=headers).data)
    return client.post("/login", headers=headers, data={
        "email": email, "password": password, "csrf_token": token})


def _slow_user(*roles):
    """A user hashed with the production Argon2 parameters: each check takes real time."""
    user = make_user(*roles)
    user.set_password(PASSWORD)
    return user.save()


def test_parallel_guesses_verify_at_most_the_limit(app, verified):
    user = _slow_user("finance")
    clients = [app.test_client() for _ in range(GUESSES)]
    tokens = [csrf_token_from(c.get("/login").data) for c in clients]
    start, statuses = threading.Barrier(GUESSES), []

    def guess(client, token, n):
        start.wait(timeout=30)
        response = client.post("/login", data={"email": user.email, "csrf_token": token,
                                               "password": f"Wrong-pass-{n}"})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=guess, args=(c, t, n))
               for n, (c, t) in enumerate(zip(clients, tokens))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert len(verified) == LIMIT
    assert sorted(statuses) == [200] * LIMIT + [429] * (GUESSES - LIMIT)
    right = _attempt(app.test_client(), user.email, PASSWORD)
    assert right.status_code == 429 and len(verified) == LIMIT  # refused without a check


def test_the_limit_holds_exactly_one_by_one(client, verified):
    user = make_user("hr")
    for n in range(LIMIT):
        assert _attempt(client, user.email, f"Wrong-pass-{n}").status_code == 200
    assert _attempt(client, user.email, PASSWORD).status_code == 429
    assert len(verified) == LIMIT


@pytest.fixture
def proxied_app(app):
    """The same database, served as in production behind one trusted reverse proxy."""
    return create_app({"TESTING": True, "MONGODB_URI": app.config["MONGODB_URI"],
                       "MONGODB_DB": app.config["MONGODB_DB"], "DATA_DIR": app.config["DATA_DIR"],
                       "TRUSTED_PROXIES": 1})


def test_behind_the_proxy_a_flood_from_one_address_locks_only_that_address(proxied_app):
    owner, others = make_user("admin"), [make_user("finance") for _ in range(3)]
    attacker = proxied_app.test_client()
    for n in range(25):  # at the owner's and others' accounts, far past every limit
        target = (owner, *others)[n % 4]
        _attempt(attacker, target.email, f"Wrong-pass-{n}", addr="203.0.113.9")
    assert _attempt(attacker, others[0].email, PASSWORD, addr="203.0.113.9").status_code == 429
    owner_client = proxied_app.test_client()
    assert _attempt(owner_client, owner.email, PASSWORD, addr="198.51.100.4").status_code == 302
    colleague = proxied_app.test_client()
    assert _attempt(colleague, others[1].email, PASSWORD, addr="198.51.100.5").status_code == 302


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(app):
    user = make_user("finance")
    client = app.test_client()
    for n in range(LIMIT):  # a different claimed address each time: still one client
        _attempt(client, user.email, f"Wrong-pass-{n}", addr=f"192.0.2.{n}")
    assert _attempt(client, user.email, PASSWORD, addr="192.0.2.99").status_code == 429


def test_an_account_is_limited_across_addresses_too(proxied_app):
    proxied_app.config["LOGIN_MAX_FAILURES_ACCOUNT"] = 8
    user = make_user("finance")
    client = proxied_app.test_client()
    for n in range(8):  # spread over addresses, below the per-address limits
        assert _attempt(client, user.email, "Wrong-pass-1", addr=f"192.0.2.{n}").status_code == 200
    assert _attempt(client, user.email, PASSWORD, addr="192.0.2.200").status_code == 429


def test_successes_do_not_use_up_the_address(proxied_app):
    proxied_app.config["LOGIN_MAX_FAILURES_ADDRESS"] = 3
    users = [make_user("finance") for _ in range(6)]
    for user in users:  # one office address, more log-ins than the failure limit
        client = proxied_app.test_client()
        assert _attempt(client, user.email, PASSWORD, addr="198.51.100.7").status_code == 302


@pytest.mark.parametrize("case", ["unknown", "deactivated", "wrong password"])
def test_every_failed_log_in_runs_one_argon2_verification(client, verified, case):
    """Unknown and deactivated accounts cost a verification too: no timing oracle."""
    user = make_user("finance", active=case != "deactivated")
    email = "niemand@firma.example.com" if case == "unknown" else user.email
    password = "Wrong-pass-1" if case == "wrong password" else PASSWORD
    response = _attempt(client, email, password)
    assert response.status_code == 200
    assert "E-Mail-Adresse oder Passwort ist falsch." in response.get_data(as_text=True)
    assert len(verified) == 1
    if case != "wrong password":  # against a hash that is not the user's
        assert verified[0] != user.password_hash
        assert verified[0].startswith("$argon2id$") and "m=65536,t=3" in verified[0]
    assert User.objects.get(pk=user.pk).last_login_at is None
