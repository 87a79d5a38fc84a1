"""API tokens: shown once, stored as SHA-256, scoped, expiring, IP-bound, revocable (service + CLI)."""
import hashlib
from datetime import datetime, timedelta, timezone

import pytest

from models.api import ApiToken
from services.api.tokens import TokenRefused, authenticate, create_token, require_scope, revoke_token
from services.core.errors import BusinessRuleError


def test_secret_is_shown_once_and_only_its_sha256_is_stored(app):
    made = create_token("shop", ["customers:read"], "admin")
    raw = ApiToken._get_collection().find_one({"name": "shop"})
    assert raw["token_hash"] == hashlib.sha256(made.secret.encode()).hexdigest()
    assert made.secret not in str(raw)
    assert len(made.secret) > 40 and raw["prefix"] == made.secret[:10]


def test_authenticate_records_last_use_and_checks_scope(app):
    made = create_token("shop", ["customers:read", "invoices:write"], "admin")
    token = authenticate(made.secret, "127.0.0.1")
    stored = ApiToken.objects.get(name="shop")
    assert stored.last_used_ip == "127.0.0.1" and stored.last_used_at is not None
    require_scope(token, "invoices:write")
    with pytest.raises(TokenRefused) as refused:
        require_scope(token, "invoices:read")  # write does not imply read
    assert refused.value.status == 403


def test_wrong_revoked_and_expired_tokens_are_401(app):
    made = create_token("shop", ["customers:read"], "admin")
    with pytest.raises(TokenRefused) as wrong:
        authenticate(made.secret + "x", "127.0.0.1")
    assert wrong.value.status == 401
    later = create_token("short", ["customers:read"], "admin",
                         expires_at=datetime.now(timezone.utc) + timedelta(hours=1))
    authenticate(later.secret, "127.0.0.1")
    with pytest.raises(TokenRefused, match="abgelaufen"):
        authenticate(later.secret, "127.0.0.1",
                     now=datetime.now(timezone.utc) + timedelta(hours=1, seconds=1))
    revoke_token("shop", "admin")
    with pytest.raises(TokenRefused, match="widerrufen"):
        authenticate(made.secret, "127.0.0.1")


def test_ip_ranges_bind_the_token(app):
    made = create_token("pos", ["stock:read"], "admin", ip_ranges=["10.0.0.0/8", "192.0.2.7"])
    authenticate(made.secret, "10.255.1.2")
    authenticate(made.secret, "192.0.2.7")
    for outside in ("11.0.0.1", "192.0.2.8", "garbage"):
        with pytest.raises(TokenRefused) as refused:
            authenticate(made.secret, outside)
        assert refused.value.status == 403


def test_creation_refuses_bad_input_with_a_message(app):
    create_token("shop", ["customers:read"], "admin")
    for kwargs, text in (({"name": "shop", "scopes": ["customers:read"]}, "existiert schon"),
                         ({"name": "x", "scopes": ["customers:delete"]}, "Unbekannte"),
                         ({"name": "x", "scopes": []}, "mindestens eine"),
                         ({"name": " ", "scopes": ["customers:read"]}, "Namen"),
                         ({"name": "x", "scopes": ["stock:read"], "ip_ranges": ["10.0.0/33"]},
                          "IP-Bereich"),
                         ({"name": "x", "scopes": ["stock:read"],
                           "expires_at": datetime(2020, 1, 1, tzinfo=timezone.utc)},
                          "Vergangenheit")):
        with pytest.raises(BusinessRuleError, match=text):
            create_token(created_by="admin", **kwargs)


def test_cli_creates_lists_and_revokes(runner):
    result = runner.invoke(args=["api", "token", "create", "webshop", "--scope",
                                 "customers:read", "--scope", "invoices:write",
                                 "--expires", "2099-12-31", "--ip", "10.0.0.0/8"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    token = ApiToken.objects.get(name="webshop")
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.scopes == ["customers:read", "invoices:write"]
    assert token.ip_ranges == ["10.0.0.0/8"] and token.expires_at.year == 2099
    listed = runner.invoke(args=["api", "token", "list"])
    assert "webshop" in listed.output and secret not in listed.output and "active" in listed.output
    assert runner.invoke(args=["api", "token", "revoke", "webshop"]).exit_code == 0
    assert "revoked" in runner.invoke(args=["api", "token", "list"]).output
    again = runner.invoke(args=["api", "token", "create", "webshop", "--scope", "stock:read"])
    assert again.exit_code == 1 and "existiert schon" in again.output


T0 = datetime(2026, 3, 2, 10, 0, 0, tzinfo=timezone.utc)


def _stored(name):
    raw = ApiToken._get_collection().find_one({"name": name})
    value = raw["last_used_at"]
    return value.replace(tzinfo=timezone.utc) if value and value.tzinfo is None else value


def test_a_token_read_is_kept_10_seconds_then_a_revocation_elsewhere_counts(app):
    from services.api import tokens

    made = create_token("shop", ["customers:read"], "admin")
    authenticate(made.secret, "127.0.0.1", now=T0)
    # another worker process revokes it (straight in the database, this process not told)
    ApiToken._get_collection().update_one({"name": "shop"}, {"$set": {"revoked_at": T0}})
    assert tokens.CACHE_SECONDS == 10
    authenticate(made.secret, "127.0.0.1", now=T0 + timedelta(seconds=9.999))  # kept copy
    with pytest.raises(TokenRefused, match="widerrufen"):
        authenticate(made.secret, "127.0.0.1", now=T0 + timedelta(seconds=10))


def test_revoking_in_this_process_counts_at_once_and_expiry_is_checked_every_time(app):
    made = create_token("shop", ["customers:read"], "admin",
                        expires_at=datetime.now(timezone.utc) + timedelta(hours=1))
    now = datetime.now(timezone.utc)
    authenticate(made.secret, "127.0.0.1", now=now)
    with pytest.raises(TokenRefused, match="abgelaufen"):  # the kept copy knows its expiry
        authenticate(made.secret, "127.0.0.1", now=now + timedelta(hours=1))
    authenticate(made.secret, "127.0.0.1", now=now)
    revoke_token("shop", "admin")
    with pytest.raises(TokenRefused, match="widerrufen"):
        authenticate(made.secret, "127.0.0.1", now=now)


def test_last_use_is_written_at_most_once_a_minute(app):
    made = create_token("shop", ["customers:read"], "admin")
    authenticate(made.secret, "10.0.0.1", now=T0)
    assert _stored("shop") == T0
    for seconds in (1, 30, 59.999):  # the copy is read again after 10 s: still no write
        authenticate(made.secret, "10.0.0.2", now=T0 + timedelta(seconds=seconds))
        assert _stored("shop") == T0
    assert ApiToken.objects.get(name="shop").last_used_ip == "10.0.0.1"
    authenticate(made.secret, "10.0.0.3", now=T0 + timedelta(seconds=60))
    assert _stored("shop") == T0 + timedelta(seconds=60)
    assert ApiToken.objects.get(name="shop").last_used_ip == "10.0.0.3"


def test_a_second_worker_does_not_write_the_last_use_again_within_the_minute(app):
    from services.api import tokens

    made = create_token("shop", ["customers:read"], "admin")
    authenticate(made.secret, "10.0.0.1", now=T0)
    # a worker whose copy was read before the first use still sees no last use: the
    # condition in the update filter keeps the first one
    stale = tokens.LiveToken(pk=ApiToken.objects.get(name="shop").pk, name="shop",
                             scopes=("customers:read",), archive_categories=(), ip_ranges=(),
                             expires_at=None, revoked_at=None, rate_limit=None,
                             last_used_at=None, read_at=T0)
    tokens._record_use(tokens.hash_secret(made.secret), stale, "10.0.0.9",
                       T0 + timedelta(seconds=59))
    assert _stored("shop") == T0
    tokens._record_use(tokens.hash_secret(made.secret), stale, "10.0.0.9",
                       T0 + timedelta(seconds=60))
    assert _stored("shop") == T0 + timedelta(seconds=60)
