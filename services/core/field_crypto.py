"""Encryption at rest of single secret fields (licence keys) with Fernet (AES-128-CBC + HMAC).

The keys come from the environment (`BACKOFFICE_FIELD_KEYS`, comma-separated, the first
encrypts, all decrypt: a new key goes first, the old one stays until every value was
saved again) or, if unset, from the file `field_key` in the data directory, created once
with mode 0600. The key never goes into the database, so a database backup alone does not
reveal the secrets: keep the key (or the file) with the backup's own key, apart from it.
"""
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

TOKEN_PREFIX = "gAAAAA"   # every Fernet token starts so (version byte 0x80, base64)
_cipher: MultiFernet | None = None
_source: tuple[str | None, Path] | None = None


class UnreadableSecret(str):
    """A stored token no configured key opens: kept as it is, never shown."""


def load_keys(env_value: str | None, data_dir: Path) -> list[bytes]:
    """The configured keys, or the data directory's key file (created once)."""
    if env_value and env_value.strip():
        return [k.strip().encode() for k in env_value.split(",") if k.strip()]
    path = Path(data_dir) / "field_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass   # a parallel process created it first
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(Fernet.generate_key())
    return [path.read_bytes().strip()]


def configure(keys: list[bytes]) -> None:
    """Use these keys from now on (the first encrypts)."""
    global _cipher
    _cipher = MultiFernet([Fernet(k) for k in keys])


def configure_from(env_value: str | None, data_dir: Path) -> None:
    """Read the keys on first use (so `--help` or a health check creates no key file)."""
    global _cipher, _source
    _cipher, _source = None, (env_value, Path(data_dir))


def _require() -> MultiFernet:
    if _cipher is None and _source is not None:
        configure(load_keys(*_source))
    if _cipher is None:
        raise RuntimeError("field encryption is not configured (create_app configures it)")
    return _cipher


def encrypt(plain: str) -> str:
    """The Fernet token of a text."""
    return _require().encrypt(plain.encode()).decode()


def decrypt(stored: str) -> str:
    """The text of a token; a value stored before encryption comes back as it is."""
    if not stored.startswith(TOKEN_PREFIX):
        return stored
    try:
        return _require().decrypt(stored.encode()).decode()
    except InvalidToken:
        return UnreadableSecret(stored)


def is_token(stored: str) -> bool:
    """Whether a stored value is encrypted (for tests and the migration)."""
    return stored.startswith(TOKEN_PREFIX)


def rotate(stored: str) -> str | None:
    """The value encrypted with the first key now; None when no configured key opens it."""
    if not stored.startswith(TOKEN_PREFIX):
        return encrypt(stored)
    try:
        return _require().rotate(stored.encode()).decode()
    except InvalidToken:
        return None
