"""Storing archived files: hash while streaming, sniff the type from the bytes."""
import hashlib
import io
import struct
import tempfile
import zipfile
from dataclasses import dataclass

import olefile

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
OLE_MAIN_STREAMS = {".doc": {"worddocument"}, ".xls": {"workbook", "book"}}
# Where office formats keep macros (compared in lower case). OLE2: the VBA storages of
# Word ("Macros"), Excel ("_VBA_PROJECT_CUR") and any "VBA" project storage; OOXML: the
# VBA project part, Excel 4 macro sheets and macro-enabled content types; ODF: Basic and
# script libraries.
OLE_MACRO_STORAGES = {"macros", "_vba_project_cur", "_vba_project", "vba"}
OOXML_MACRO_SUFFIXES = ("vbaproject.bin", "vbaprojectsignature.bin")
OOXML_MACRO_DIRS = ("macrosheets/",)
OOXML_MACRO_TYPES = (b"macroenabled", b"vbaproject")
ODF_MACRO_DIRS = ("basic/", "scripts/")
# Zip containers are inspected, never unpacked: only these few bytes of a member are read,
# and containers whose directory promises more than an office document needs are refused.
ZIP_MAX_MEMBERS = 5000
ZIP_MAX_DIRECTORY = 4 * 1024 * 1024  # bytes of the central directory
ZIP_MAX_TOTAL = 2 * 1024 * 1024 * 1024  # declared uncompressed bytes of all members
ZIP_MAX_RATIO = 250  # uncompressed : compressed of one member above ZIP_RATIO_FROM bytes
ZIP_RATIO_FROM = 1024 * 1024
MIMETYPE_MAX = 100
CONTENT_TYPES_MAX = 256 * 1024


# The file name extensions each allowed type may carry; the first is added when the
# client's name has another one, so a download opens as what the bytes are.
EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg", ".jpe"),
    "image/tiff": (".tif", ".tiff"),
    "application/xml": (".xml",),
    "text/csv": (".csv",),
    "text/plain": (".txt", ".text"),
    "application/msword": (".doc",),
    "application/vnd.ms-excel": (".xls",),
    OOXML_PARTS[0][1]: (".docx",),
    OOXML_PARTS[1][1]: (".xlsx",),
    OOXML_PARTS[2][1]: (".pptx",),
    "application/vnd.oasis.opendocument.text": (".odt",),
    "application/vnd.oasis.opendocument.spreadsheet": (".ods",),
    "application/vnd.oasis.opendocument.presentation": (".odp",),
}


def filename_for(filename: str, content_type: str) -> str:
    """Return the name with an extension that matches the sniffed type (x.html → x.html.txt)."""
    allowed = EXTENSIONS.get(content_type)
    if not allowed:
        return filename
    ext = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return filename if ext in allowed else f"{filename[:250 - len(allowed[0])]}{allowed[0]}"


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
                office = _zip_office_type(fh, filename)
                if office:
                    return office
                break
            if kind == "application/x-ole-storage":
                if ext in OLE_TYPES and _ole_office_type(fh, ext, filename):
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


def _zip_office_type(fh, filename: str) -> str | None:
    """Return the office type of a zip container, or None for other zips.

    Raises ArchiveError for containers that could unpack to far more than they hold
    (decompression bombs) and for macro documents.
    """
    _check_zip_directory(fh, filename)
    fh.seek(0)
    try:
        with zipfile.ZipFile(fh) as archive:
            infos = archive.infolist()
            _check_zip_sizes(infos, filename)
            names = {info.filename.lower(): info for info in infos}
            if _zip_has_macros(archive, names, filename):
                raise _macro_error(filename)
            for part, kind in OOXML_PARTS:
                if part in names and "[content_types].xml" in names:
                    return kind
            if "mimetype" in names:
                raw = _read_member(archive, names["mimetype"], MIMETYPE_MAX, filename)
                kind = raw.decode("ascii", "replace").strip()
                if kind in ODF_TYPES:
                    return kind
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, KeyError, EOFError,
            NotImplementedError, RuntimeError, ValueError) as error:
        if isinstance(error, ArchiveError):
            raise
        return None
    return None


def _check_zip_directory(fh, filename: str) -> None:
    """Refuse a zip whose end record announces too many members or too large a directory.

    Read from the end record itself, before zipfile parses (and holds in memory) one
    entry per member.
    """
    fh.seek(0, io.SEEK_END)
    size = fh.tell()
    tail_size = min(size, 22 + 65535)
    fh.seek(size - tail_size)
    tail = fh.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        return  # not a readable zip: zipfile will say so
    members, directory = struct.unpack("<H I", tail[at + 10:at + 16])
    if members >= 0xFFFF or directory >= 0xFFFFFFFF or members > ZIP_MAX_MEMBERS \
            or directory > ZIP_MAX_DIRECTORY:
        raise _bomb_error(filename, "too many entries")


def _check_zip_sizes(infos, filename: str) -> None:
    if len(infos) > ZIP_MAX_MEMBERS:
        raise _bomb_error(filename, "too many entries")
    total = 0
    for info in infos:
        total += info.file_size
        ratio_too_high = (info.file_size > ZIP_RATIO_FROM
                          and info.file_size > ZIP_MAX_RATIO * max(info.compress_size, 1))
        if ratio_too_high or total > ZIP_MAX_TOTAL:
            raise _bomb_error(filename, "it would unpack to far more than its size")


def _zip_has_macros(archive: zipfile.ZipFile, names: dict, filename: str) -> bool:
    for name in names:
        if name.endswith(OOXML_MACRO_SUFFIXES) or name.startswith(ODF_MACRO_DIRS) \
                or any(part in name for part in OOXML_MACRO_DIRS):
            return True
    if "[content_types].xml" in names:
        types = _read_member(archive, names["[content_types].xml"], CONTENT_TYPES_MAX, filename)
        return any(marker in types.lower() for marker in OOXML_MACRO_TYPES)
    return False


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int,
                 filename: str) -> bytes:
    """Return at most `limit` bytes of a member; refuse one that declares more."""
    if info.file_size > limit:
        raise _bomb_error(filename, f"its part {info.filename!r} is unusually large")
    with archive.open(info) as member:
        return member.read(limit)


def _ole_office_type(fh, ext: str, filename: str) -> bool:
    """Tell whether an OLE2 file is the Word or Excel document its extension says.

    Raises ArchiveError when it holds a VBA project (or cannot be read to find out).
    """
    fh.seek(0)
    try:
        with olefile.OleFileIO(fh) as ole:
            entries = [[part.lower() for part in entry]
                       for entry in ole.listdir(streams=True, storages=True)]
    except Exception:  # olefile raises many kinds for broken files
        raise _macro_error(filename) from None
    if any(part in OLE_MACRO_STORAGES for entry in entries for part in entry):
        raise _macro_error(filename)
    top = {entry[0] for entry in entries if len(entry) == 1}
    return bool(top & OLE_MAIN_STREAMS[ext])


def _macro_error(filename: str) -> "ArchiveError":
    return ArchiveError(
        f"'{filename}' contains macros (or cannot be checked for them); macro documents are "
        "not archived: save it without macros (e.g. as .docx, .xlsx, .odt or PDF) and upload again")


def _bomb_error(filename: str, why: str) -> "ArchiveError":
    return ArchiveError(
        f"'{filename}' is refused: {why} (possible decompression bomb); "
        "upload the document itself, not a compressed archive")


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
