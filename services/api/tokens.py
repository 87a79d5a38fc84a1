"""API tokens: created once (the secret is shown once), stored as SHA-256, scoped, revocable."""
import hashlib
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

from mongoengine import NotUniqueError

from models.api import API_SCOPES, ApiToken
from services.core.errors import BusinessRuleError

TOKEN_PREFIX = "bo_"


class TokenRefused(BusinessRuleError):
    """The presented token cannot be used; `status` is 401 (who?) or 403 (not allowed)."""

    def __init__(self, message: str, status: int = 401):
        super().__init__(message)
        self.status = status


@dataclass
class CreatedToken:
    token: ApiToken
    secret: str  # shown once, never stored


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
    return token


def authenticate(secret: str | None, client_ip: str, now: datetime | None = None) -> ApiToken:
    """Return the live token for a presented secret, or raise TokenRefused."""
    if not secret:
        raise TokenRefused("Kein API-Token angegeben: Header 'Authorization: Bearer <token>'.")
    token = ApiToken.objects(token_hash=hash_secret(secret.strip())).first()
    if token is None:
        raise TokenRefused("Der API-Token ist unbekannt.")
    now = now or datetime.now(timezone.utc)
    if token.revoked_at is not None:
        raise TokenRefused("Der API-Token wurde widerrufen.")
    if token.expires_at is not None and _aware(token.expires_at) <= now:
        raise TokenRefused("Der API-Token ist abgelaufen.")
    if token.ip_ranges and not _ip_allowed(client_ip, token.ip_ranges):
        raise TokenRefused(f"Der API-Token ist für die Adresse {client_ip} nicht freigegeben.",
                           status=403)
    ApiToken.objects(pk=token.pk).update_one(set__last_used_at=now,
                                             set__last_used_ip=client_ip)
    return token


def require_scope(token: ApiToken, scope: str) -> None:
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
