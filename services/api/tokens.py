"""API tokens: created once (the secret is shown once), stored as SHA-256, scoped, revocable.

Every API request authenticates, so the look-up is kept cheap: a process keeps what it read
about a token for CACHE_SECONDS, keyed by the secret's hash (expiry and IP range are checked
on every request against the kept copy). A revocation in this process takes effect at once;
in the other worker processes within CACHE_SECONDS. The last use is written at most once a
minute per token (the condition is in the update filter, so workers do not write it twice).
"""
import hashlib
import ipaddress
import secrets
import threading
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

from mongoengine import NotUniqueError

from models.api import API_SCOPES, ApiToken
from services.core.errors import BusinessRuleError

TOKEN_PREFIX = "bo_"
CACHE_SECONDS = 10
CACHE_SIZE = 1000
LAST_USE_EVERY = timedelta(minutes=1)
_FIELDS = ("name", "scopes", "archive_categories", "ip_ranges", "expires_at", "revoked_at",
           "rate_limit", "last_used_at")


class TokenRefused(BusinessRuleError):
    """The presented token cannot be used; `status` is 401 (who?) or 403 (not allowed)."""

    def __init__(self, message: str, status: int = 401):
        super().__init__(message)
        self.status = status


@dataclass
class CreatedToken:
    token: ApiToken
    secret: str  # shown once, never stored


@dataclass(frozen=True)
class LiveToken:
    """What a request needs to know about its token (read once, kept CACHE_SECONDS)."""

    pk: object
    name: str
    scopes: tuple
    archive_categories: tuple
    ip_ranges: tuple
    expires_at: datetime | None
    revoked_at: datetime | None
    rate_limit: int | None
    last_used_at: datetime | None
    read_at: datetime  # when this copy was read from the database


_cache: dict[str, LiveToken] = {}
_cache_lock = threading.Lock()


def hash_secret(secret: str) -> str:
    """The stored form of a token secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(name: str, scopes: list[str], created_by: str, *, expires_at=None,
                 ip_ranges: list[str] = (), archive_categories: list[str] = (),
                 rate_limit: int | None = None) -> CreatedToken:
    """Create a named token with the given scopes; return it with its one-time secret."""
    name = (name or "").strip()
    if not name:
        raise BusinessRuleError("Der Token braucht einen Namen.")
    unknown = sorted(set(scopes) - set(API_SCOPES))
    if unknown:
        raise BusinessRuleError(f"Unbekannte Berechtigung(en) {', '.join(unknown)}; erlaubt sind "
                                f"{', '.join(API_SCOPES)}.")
    if not scopes:
        raise BusinessRuleError("Der Token braucht mindestens eine Berechtigung (--scope).")
    ranges = [_network(r) for r in ip_ranges]
    if expires_at is not None and _aware(expires_at) <= datetime.now(timezone.utc):
        raise BusinessRuleError("Das Ablaufdatum liegt in der Vergangenheit.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=name, token_hash=hash_secret(secret), prefix=secret[:10],
                     scopes=sorted(set(scopes)), ip_ranges=ranges, expires_at=expires_at,
                     archive_categories=list(archive_categories), rate_limit=rate_limit,
                     created_by=created_by)
    try:
        token.save(force_insert=True)
    except NotUniqueError:
        raise BusinessRuleError(f"Ein Token namens '{name}' existiert schon; "
                                "bitte einen anderen Namen wählen.") from None
    return CreatedToken(token, secret)


def revoke_token(name: str, user: str) -> ApiToken:
    """Revoke a token by name (it stays listed, with who revoked it when)."""
    now = datetime.now(timezone.utc)
    ApiToken.objects(name=name, revoked_at=None).update_one(set__revoked_at=now,
                                                            set__revoked_by=user)
    token = ApiToken.objects(name=name).first()
    if token is None:
        raise BusinessRuleError(f"Es gibt keinen Token namens '{name}'.")
    with _cache_lock:
        _cache.pop(token.token_hash, None)
    return token


def authenticate(secret: str | None, client_ip: str, now: datetime | None = None
                 ) -> LiveToken:
    """Return the live token for a presented secret, or raise TokenRefused."""
    if not secret:
        raise TokenRefused("Kein API-Token angegeben: Header 'Authorization: Bearer <token>'.")
    now = now or datetime.now(timezone.utc)
    digest = hash_secret(secret.strip())
    token = _look_up(digest, now)
    if token is None:
        raise TokenRefused("Der API-Token ist unbekannt.")
    if token.revoked_at is not None:
        raise TokenRefused("Der API-Token wurde widerrufen.")
    if token.expires_at is not None and _aware(token.expires_at) <= now:
        raise TokenRefused("Der API-Token ist abgelaufen.")
    if token.ip_ranges and not _ip_allowed(client_ip, token.ip_ranges):
        raise TokenRefused(f"Der API-Token ist für die Adresse {client_ip} nicht freigegeben.",
                           status=403)
    if token.last_used_at is None or _aware(token.last_used_at) <= now - LAST_USE_EVERY:
        _record_use(digest, token, client_ip, now)
    return token


def _look_up(digest: str, now: datetime) -> LiveToken | None:
    """The token with this hash: the kept copy while it is fresh, else from the database."""
    with _cache_lock:
        kept = _cache.get(digest)
    if kept is not None and timedelta(0) <= now - kept.read_at < timedelta(seconds=CACHE_SECONDS):
        return kept
    raw = ApiToken._get_collection().find_one({"token_hash": digest},
                                               {field: 1 for field in _FIELDS})
    if raw is None:
        return None
    token = LiveToken(pk=raw["_id"], read_at=now, **{
        field: tuple(raw.get(field) or ()) if field in ("scopes", "archive_categories",
                                                         "ip_ranges") else raw.get(field)
        for field in _FIELDS})
    with _cache_lock:
        if len(_cache) >= CACHE_SIZE:
            _cache.clear()
        _cache[digest] = token
    return token


def _record_use(digest: str, token: LiveToken, client_ip: str, now: datetime) -> None:
    """Write the last use unless some process wrote it within the last minute."""
    ApiToken._get_collection().update_one(
        {"_id": token.pk, "$or": [{"last_used_at": None},
                                  {"last_used_at": {"$lte": now - LAST_USE_EVERY}}]},
        {"$set": {"last_used_at": now, "last_used_ip": client_ip}})
    with _cache_lock:
        if digest in _cache:
            _cache[digest] = replace(token, last_used_at=now)


def require_scope(token: LiveToken, scope: str) -> None:
    """Raise TokenRefused (403) unless the token carries the scope."""
    if scope not in token.scopes:
        raise TokenRefused(f"Dem Token '{token.name}' fehlt die Berechtigung '{scope}'.",
                           status=403)


def _network(text: str) -> str:
    try:
        return str(ipaddress.ip_network(text.strip(), strict=False))
    except ValueError:
        raise BusinessRuleError(f"'{text}' ist kein IP-Bereich (z. B. 10.0.0.0/8).") from None


def _ip_allowed(client_ip: str, ranges: list[str]) -> bool:
    try:
        address = ipaddress.ip_address(client_ip)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(r) for r in ranges)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
