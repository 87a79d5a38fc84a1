"""User accounts: authenticate, end sessions, deactivate, change roles, reset passwords."""
from models.user import ROLES, User, verify_unknown_user
from services.core.messages import N_, RuleError


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with this e-mail and password, else None.

    Unknown and deactivated accounts are verified against a dummy hash, so the answer
    takes as long as for a wrong password and does not tell which e-mails exist.
    """
    user = User.objects(email=email.strip().lower()).first()
    if user is None or not user.active:
        verify_unknown_user(password)
        return None
    return user if user.check_password(password) else None


def end_sessions(user: User) -> None:
    """Invalidate every open session of the user (log-out ends them on all devices)."""
    User.objects(pk=user.pk).update_one(inc__session_version=1)


def deactivate_user(email: str) -> User:
    """Deactivate a user: no more log-ins, open sessions end; the audit log keeps the name."""
    user = _existing(email)
    user.active = False
    user.save()
    return user


def set_roles(email: str, roles: list[str]) -> User:
    """Replace the roles of a user; open sessions end so the new roles apply at once."""
    unknown = [r for r in roles if r not in ROLES]
    if not roles or unknown:
        raise RuleError(N_("Unbekannte oder fehlende Rolle: %(roles)s. Erlaubt: %(allowed)s."),
                        roles=tuple(unknown) or ("–",), allowed=ROLES)
    user = _existing(email)
    user.roles = list(roles)
    user.save()
    return user


def reset_password(email: str, password: str, fast: bool = False) -> User:
    """Set a new password; open sessions end."""
    user = _existing(email)
    try:
        user.set_password(password, fast=fast)
    except ValueError as exc:
        raise RuleError(N_("Passwort abgelehnt: %(reason)s"), reason=str(exc)) from None
    user.save()
    return user


def _existing(email: str) -> User:
    user = User.objects(email=email.strip().lower()).first()
    if user is None:
        raise RuleError(N_("Es gibt keinen Benutzer mit der E-Mail-Adresse %(email)s."),
                        email=email)
    return user
