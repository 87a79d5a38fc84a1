"""Users of the panel, their roles and password hashes."""
import functools
import secrets
from datetime import datetime, timezone

import mongoengine as me
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from models.messages import N_, Message

ROLES = ("admin", "finance", "hr", "warehouse", "support", "auditor", "employee")
MIN_PASSWORD_LENGTH = 10
# A change to any of these ends every open session of the user.
SESSION_ENDING_FIELDS = {"password_hash", "roles", "active"}

_hasher = PasswordHasher()
# Test suites hash hundreds of passwords; the fast parameters are used only there.
_fast_hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def check_password_policy(password: str) -> None:
    """Raise ValueError when a password is too weak to be accepted."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(Message(N_("Das Passwort braucht mindestens %(count)s Zeichen"),
                                 count=MIN_PASSWORD_LENGTH))
    if password.isalpha() or password.isdigit():
        raise ValueError(Message(N_("Das Passwort braucht Buchstaben und mindestens eine Ziffer "
                                    "oder ein Sonderzeichen")))


def verify_hash(password_hash: str, password: str) -> bool:
    """Return True when the password matches the Argon2 hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@functools.cache
def _dummy_hash() -> str:
    # Same parameters as real hashes, so an unknown e-mail costs as much as a known one.
    return _hasher.hash(secrets.token_hex(16))


def verify_unknown_user(password: str) -> bool:
    """Spend one full Argon2 verification for a log-in without a usable user; always False."""
    verify_hash(_dummy_hash(), password)
    return False


class User(me.Document):
    email = me.EmailField(required=True, unique=True)
    name = me.StringField(max_length=120)
    roles = me.ListField(me.StringField(choices=ROLES), required=True)
    password_hash = me.StringField(required=True)
    active = me.BooleanField(default=True)
    created_at = me.DateTimeField(default=lambda: datetime.now(timezone.utc))
    last_login_at = me.DateTimeField()
    locale = me.StringField(choices=("de", "en"))  # UI language; unset = browser's
    # Sessions carry the version they were opened with; a change bumps it (issue 13.7).
    session_version = me.IntField(default=0)
    # the employee record of this user (self-service, and a manager's approvals)
    employee = me.ReferenceField("Employee")
    # Art. 17/18 DSGVO (services.privacy.erasure_parties): kept restricted until, then anonymised
    restricted_until = me.DateField()
    erased_at = me.DateTimeField()

    meta = {"collection": "users", "indexes": ["roles", "employee", "restricted_until"]}

    def __str__(self):
        return self.email

    def clean(self):
        self.email = (self.email or "").strip().lower()
        changed = {name.split(".")[0] for name in self._get_changed_fields()}
        if self.pk is not None and not self._created and SESSION_ENDING_FIELDS & changed:
            self.session_version = (self.session_version or 0) + 1

    def set_password(self, password: str, fast: bool = False) -> None:
        """Check the policy and store an Argon2id hash of the password."""
        check_password_policy(password)
        self.password_hash = (_fast_hasher if fast else _hasher).hash(password)

    def check_password(self, password: str) -> bool:
        """Return True when the password matches the stored hash."""
        return verify_hash(self.password_hash or "", password)

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    # Flask-Login's user protocol, without importing Flask here.
    @property
    def is_authenticated(self):
        return True

    @property
    def is_active(self):
        return self.active

    @property
    def is_anonymous(self):
        return False

    def get_id(self):
        return str(self.pk)
