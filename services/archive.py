"""Storing archived files: hash while streaming, sniff the type from the bytes."""
import hashlib
import io
from dataclasses import dataclass

CHUNK = 256 * 1024

# Magic numbers of the allowed types; the client's content type is never trusted.
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"PK\x03\x04", "application/zip"),  # office formats are zip containers
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
)
OFFICE_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
}


class ArchiveError(ValueError):
    """An upload was refused; the message says why and what to do."""


@dataclass
class Sniffed:
    data: bytes
    sha256: str
    size: int
    content_type: str


def read_upload(stream, filename: str, max_bytes: int) -> Sniffed:
    """Read an upload up to max_bytes, hash it and decide its content type."""
    digest, buf, size = hashlib.sha256(), io.BytesIO(), 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise ArchiveError(
                f"'{filename}' is larger than {max_bytes // (1024 * 1024)} MB; "
                "split it or ask an administrator to raise the limit")
        digest.update(chunk)
        buf.write(chunk)
    if size == 0:
        raise ArchiveError(f"'{filename}' is empty")
    data = buf.getvalue()
    return Sniffed(data, digest.hexdigest(), size, sniff_content_type(data, filename))


def safe_filename(name: str) -> str:
    """Keep only the last path component and printable characters of a client filename."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|:*?')
    base = base.strip(" .")
    return base[:200] or "upload"


def sniff_content_type(data: bytes, filename: str) -> str:
    """Return the content type the bytes show, or raise ArchiveError if not allowed."""
    head = data[:16]
    ext = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    for magic, kind in SIGNATURES:
        if head.startswith(magic):
            if kind in ("application/zip", "application/x-ole-storage"):
                if ext in OFFICE_TYPES:
                    return OFFICE_TYPES[ext]
                break
            return kind
    else:
        text_type = _text_type(data, ext)
        if text_type:
            return text_type
    raise ArchiveError(
        f"'{filename}' is not an allowed type: upload PDF, PNG, JPEG, TIFF, XML, CSV, "
        "TXT or office documents")


def _text_type(data: bytes, ext: str) -> str | None:
    sample = data[:8192]
    if b"\x00" in sample:
        return None
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = sample.decode("cp1252")
        except UnicodeDecodeError:
            return None
    stripped = text.lstrip("\ufeff \r\n\t")
    if stripped.startswith("<?xml") or (ext == ".xml" and stripped.startswith("<")):
        return "application/xml"
    if ext == ".csv":
        return "text/csv"
    return "text/plain"
