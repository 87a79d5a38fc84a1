"""Storing archived files: hash while streaming, sniff the type from the bytes."""
import hashlib
import io
import tempfile
import zipfile
from dataclasses import dataclass

from services.core.errors import BusinessRuleError

CHUNK = 256 * 1024
SPOOL_IN_MEMORY = 1024 * 1024  # larger uploads are spooled to a temporary file

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
# Office Open XML: the main part inside the zip says what the document is.
OOXML_PARTS = (
    ("word/document.xml",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("ppt/presentation.xml",
     "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
)
# OpenDocument: the first, uncompressed zip member "mimetype" names the type.
ODF_TYPES = {
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
}
# Legacy OLE2 compound files (Word 97, Excel 97) carry no cheap type marker: the
# extension decides among these two only; anything else OLE2 is refused.
OLE_TYPES = {".doc": "application/msword", ".xls": "application/vnd.ms-excel"}
MACRO_PARTS = ("vbaProject.bin",)


class ArchiveError(BusinessRuleError, ValueError):
    """An upload was refused; the message says why and what to do."""


@dataclass
class Sniffed:
    file: tempfile.SpooledTemporaryFile  # the content, rewound to its start
    sha256: str
    size: int
    content_type: str

    @property
    def data(self) -> bytes:
        """Return the whole content (small files and tests only)."""
        self.file.seek(0)
        data = self.file.read()
        self.file.seek(0)
        return data


def read_upload(stream, filename: str, max_bytes: int) -> Sniffed:
    """Stream an upload up to max_bytes into a spool, hashing it; decide its content type."""
    digest, size = hashlib.sha256(), 0
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            spool.close()
            raise ArchiveError(
                f"'{filename}' is larger than the limit of {_megabytes(max_bytes)}; "
                "split it or ask an administrator to raise BACKOFFICE_MAX_UPLOAD_MB")
        digest.update(chunk)
        spool.write(chunk)
    if size == 0:
        spool.close()
        raise ArchiveError(f"'{filename}' is empty; choose the file again")
    spool.seek(0)
    try:
        content_type = sniff_content_type(spool, filename)
    except ArchiveError:
        spool.close()
        raise
    spool.seek(0)
    return Sniffed(spool, digest.hexdigest(), size, content_type)


def _megabytes(limit: int) -> str:
    return f"{limit / (1024 * 1024):g} MB"


def safe_filename(name: str) -> str:
    """Keep only the last path component and printable characters of a client filename."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|:*?')
    base = base.strip(" .")
    return base[:200] or "upload"


def sniff_content_type(data, filename: str) -> str:
    """Return the content type the bytes show, or raise ArchiveError if not allowed.

    `data` is bytes or a seekable binary file positioned at the start.
    """
    fh = io.BytesIO(data) if isinstance(data, (bytes, bytearray)) else data
    head = fh.read(8192)
    ext = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    for magic, kind in SIGNATURES:
        if head.startswith(magic):
            if kind == "application/zip":
                fh.seek(0)
                office = _zip_office_type(fh)
                if office:
                    return office
                break
            if kind == "application/x-ole-storage":
                if ext in OLE_TYPES:
                    return OLE_TYPES[ext]
                break
            return kind
    else:
        text_type = _text_type(head, ext)
        if text_type:
            return text_type
    raise ArchiveError(
        f"'{filename}' is not an allowed type: upload PDF, PNG, JPEG, TIFF, XML, CSV, "
        "TXT or office documents")


def _zip_office_type(fh) -> str | None:
    """Return the office type of a zip container, or None for other (or macro) zips."""
    try:
        with zipfile.ZipFile(fh) as archive:
            names = set(archive.namelist())
            if any(n.endswith(MACRO_PARTS) for n in names):
                return None  # macro-enabled documents are not archived
            for part, kind in OOXML_PARTS:
                if part in names and "[Content_Types].xml" in names:
                    return kind
            if "mimetype" in names:
                kind = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                if kind in ODF_TYPES:
                    return kind
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    return None


def _text_type(sample: bytes, ext: str) -> str | None:
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
