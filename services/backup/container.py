"""The backup file: an uncompressed tar of gzip'd BSON parts, a header first, the manifest last.

    HEADER.json                        format, whether encrypted, key id (never the key)
    data/<collection>.<nnnn>.bson.gz   documents in _id order, at most PART_BYTES raw each
    MANIFEST.json(.enc)                counts, SHA-256 per part, indexes, version, time

Encryption (optional, key from BACKOFFICE_BACKUP_KEY: 32 bytes, urlsafe base64) is
AES-256-GCM per part with a fresh 96-bit nonce and the part's name as associated data,
so a part cannot be altered, swapped or renamed unnoticed; the manifest is encrypted the
same way. Without a key the SHA-256 values find damage, not a deliberate forgery.
"""
import base64
import binascii
import hashlib
import io
import json
import os
import tarfile
import time

from services.core.messages import N_, RuleError

FORMAT = "backoffice-backup/1"
PART_BYTES = 32 * 2**20
MAGIC = b"BOENC1"
HEADER = "HEADER.json"
MANIFEST = "MANIFEST.json"
KEY_ENV = "BACKOFFICE_BACKUP_KEY"


def load_key(value: str | None) -> bytes | None:
    """Decode the backup key (urlsafe base64 of 32 bytes); None when not set."""
    if not value:
        return None
    try:
        key = base64.urlsafe_b64decode(value.strip() + "=" * (-len(value.strip()) % 4))
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise RuleError(N_("Der Sicherungsschlüssel %(env)s muss 32 Byte in URL-sicherem "
                           "Base64 sein (z. B. aus `backoffice backup keygen`)."), env=KEY_ENV)
    return key


def new_key() -> str:
    """A fresh random key in the form BACKOFFICE_BACKUP_KEY takes."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def key_id(key: bytes) -> str:
    """A short, non-secret name of a key (to tell which key a backup needs)."""
    return hashlib.sha256(b"backoffice-backup-key-id\0" + key).hexdigest()[:16]


def seal(data: bytes, name: str, key: bytes | None) -> bytes:
    """Encrypt a part (AES-256-GCM, name bound as associated data), or return it as is."""
    if key is None:
        return data
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    return MAGIC + nonce + AESGCM(key).encrypt(nonce, data, name.encode())


def unseal(data: bytes, name: str, key: bytes | None) -> bytes:
    """Decrypt a sealed part; refuse a wrong key or altered bytes."""
    if not data.startswith(MAGIC):
        return data
    if key is None:
        raise RuleError(N_("Die Sicherung ist verschlüsselt: setzen Sie %(env)s auf den "
                           "Schlüssel, mit dem sie erstellt wurde."), env=KEY_ENV)
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = data[len(MAGIC):len(MAGIC) + 12]
    try:
        return AESGCM(key).decrypt(nonce, data[len(MAGIC) + 12:], name.encode())
    except InvalidTag:
        raise RuleError(N_("Teil %(name)s der Sicherung lässt sich nicht entschlüsseln: "
                           "falscher Schlüssel oder veränderte Datei."), name=name) from None


def add_member(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    """Append one member with its bytes."""
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(time.time()), 0o600
    tar.addfile(info, io.BytesIO(data))


def json_bytes(value) -> bytes:
    return json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False).encode()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
