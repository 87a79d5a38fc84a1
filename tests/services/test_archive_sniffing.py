"""Issue 13.2 and 13.3: the archive's type sniffing never unpacks a zip and refuses macros.

Every container is built here: zips with zipfile, OLE2 compound files byte by byte
after [MS-CFB] (512-byte sectors, one FAT sector, one directory sector).
"""
import io
import struct
import tracemalloc
import zipfile

import olefile
import pytest

from services.archive.upload import ArchiveError, sniff_content_type

DOCX = {"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"}
XLSX = {"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<w/>"}
ODT = {"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<c/>"}
MB = 1024 * 1024


def make_zip(parts: dict, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buf.getvalue()


def zeros_member(name: str, megabytes: int, first: dict | None = None) -> bytes:
    """A zip whose member `name` unpacks to `megabytes` MB of zeros, written in chunks."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for part, data in (first or {}).items():
            archive.writestr(part, data)
        with archive.open(name, "w") as member:
            chunk = bytes(MB)
            for _ in range(megabytes):
                member.write(chunk)
    return buf.getvalue()


def sniff_peak(data: bytes, name: str):
    """Sniff under tracemalloc; return (outcome, peak bytes allocated while sniffing)."""
    tracemalloc.start()
    try:
        try:
            outcome = sniff_content_type(io.BytesIO(data), name)
        except ArchiveError as error:
            outcome = error
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return outcome, peak


# --- 13.2 decompression bombs ------------------------------------------------------------------


def test_an_odf_mimetype_bomb_is_refused_without_unpacking_it():
    bomb = zeros_member("mimetype", 200)
    assert len(bomb) < 300 * 1024  # a small upload ...
    outcome, peak = sniff_peak(bomb, "bombe.odt")
    assert peak < 4 * MB  # ... that must not make the server allocate its unpacked size
    assert isinstance(outcome, ArchiveError) and "decompression bomb" in str(outcome)


def test_a_bomb_inside_an_ooxml_part_is_refused_by_its_ratio():
    bomb = zeros_member("word/document.xml", 50, first={"[Content_Types].xml": "<Types/>"})
    outcome, peak = sniff_peak(bomb, "bombe.docx")
    assert isinstance(outcome, ArchiveError) and "decompression bomb" in str(outcome)
    assert peak < 4 * MB


def test_a_zip_announcing_too_many_members_is_refused_before_they_are_parsed():
    many = make_zip({f"x/{i}.xml": "" for i in range(5001)} | DOCX, zipfile.ZIP_STORED)
    with pytest.raises(ArchiveError, match="too many entries"):
        sniff_content_type(many, "viele.docx")
    few = make_zip({f"x/{i}.xml": "" for i in range(100)} | DOCX, zipfile.ZIP_STORED)
    assert sniff_content_type(few, "normal.docx").endswith("wordprocessingml.document")


def test_an_ordinary_compressible_document_still_passes():
    # 1 MB of repetitive XML: compresses far, but below the refused ratio
    sheet = ("<row><c>1</c><c>Kabelbinder 200 mm</c></row>" * 25000)[:MB].encode()
    data = make_zip(XLSX | {"xl/worksheets/sheet1.xml": sheet})
    assert sniff_content_type(data, "liste.xlsx").endswith("spreadsheetml.sheet")
    assert sniff_content_type(make_zip(ODT), "brief.odt") == "application/vnd.oasis.opendocument.text"


# --- 13.3 macro documents ----------------------------------------------------------------------


@pytest.mark.parametrize("name, parts", [
    ("makro.docm", DOCX | {"word/vbaProject.bin": b"\x00"}),
    ("makro.docx", DOCX | {"word/VBAPROJECT.BIN": b"\x00"}),
    ("makro.xlsx", XLSX | {"xl/VbaProject.bin": b"\x00"}),
    ("signiert.xlsm", XLSX | {"xl/vbaProjectSignature.bin": b"\x00"}),
    ("xlm.xlsx", XLSX | {"xl/macrosheets/sheet1.xml": "<xm/>"}),
    ("typ.docx", {"[Content_Types].xml": '<Types><Override ContentType="application/'
                  'vnd.ms-word.document.macroEnabled.main+xml"/></Types>',
                  "word/document.xml": "<w/>"}),
    ("basic.odt", ODT | {"Basic/Standard/Module1.xml": "<script/>"}),
    ("basic-klein.odt", ODT | {"basic/script-lc.xml": "<library/>"}),
    ("python.ods", {"mimetype": "application/vnd.oasis.opendocument.spreadsheet",
                    "Scripts/python/makro.py": "import os"}),
])
def test_office_zips_with_macros_are_refused(name, parts):
    with pytest.raises(ArchiveError, match="contains macros"):
        sniff_content_type(make_zip(parts), name)


ENDOFCHAIN, FREESECT, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def _dir_entry(name: str, kind: int, left=NOSTREAM, right=NOSTREAM, child=NOSTREAM) -> bytes:
    encoded = (name + "\x00").encode("utf-16-le") if name else b""
    return (encoded.ljust(64, b"\x00") + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", left, right, child) + bytes(16) + bytes(4) + bytes(16)
            + struct.pack("<IQ", ENDOFCHAIN, 0))


def make_ole(*names: tuple[str, int]) -> bytes:
    """An OLE2 compound file whose root holds the given (name, 1=storage/2=stream) entries."""
    assert len(names) <= 3
    header = (bytes.fromhex("D0CF11E0A1B11AE1") + bytes(16)
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 0x1000, ENDOFCHAIN, 0, ENDOFCHAIN, 0)
              + struct.pack("<I", 0) + struct.pack("<I", FREESECT) * 108)
    fat = struct.pack("<II", FATSECT, ENDOFCHAIN) + struct.pack("<I", FREESECT) * 126
    entries = [_dir_entry("Root Entry", 5, child=1 if names else NOSTREAM)]
    for index, (name, kind) in enumerate(names, start=1):
        right = index + 1 if index < len(names) else NOSTREAM  # a chain of right siblings
        entries.append(_dir_entry(name, kind, right=right))
    while len(entries) < 4:
        entries.append(_dir_entry("", 0))
    data = header + fat + b"".join(entries)
    assert len(data) == 3 * 512
    return data


def test_the_crafted_ole_files_are_what_they_claim():
    paths = olefile.OleFileIO(io.BytesIO(make_ole(("WordDocument", 2), ("Macros", 1)))).listdir(
        streams=True, storages=True)
    assert sorted(paths) == [["Macros"], ["WordDocument"]]


@pytest.mark.parametrize("name, entries", [
    ("brief.doc", [("WordDocument", 2), ("Macros", 1)]),
    ("brief.doc", [("WordDocument", 2), ("1Table", 2), ("macros", 1)]),
    ("liste.xls", [("Workbook", 2), ("_VBA_PROJECT_CUR", 1)]),
    ("liste.xls", [("Workbook", 2), ("_vba_project_cur", 1)]),
    ("liste.xls", [("Book", 2), ("VBA", 1)]),
])
def test_ole_documents_with_a_vba_project_are_refused(name, entries):
    with pytest.raises(ArchiveError, match="contains macros"):
        sniff_content_type(make_ole(*entries), name)


def test_ole_documents_without_macros_pass_and_others_are_refused():
    assert sniff_content_type(make_ole(("WordDocument", 2), ("1Table", 2)), "brief.doc") == "application/msword"
    assert sniff_content_type(make_ole(("Workbook", 2)), "liste.xls") == "application/vnd.ms-excel"
    # the extension alone no longer decides: a presentation named .doc is not Word
    with pytest.raises(ArchiveError, match="not an allowed type"):
        sniff_content_type(make_ole(("PowerPoint Document", 2)), "folien.doc")
    with pytest.raises(ArchiveError, match="not an allowed type"):
        sniff_content_type(make_ole(("PowerPoint Document", 2)), "folien.ppt")
    with pytest.raises(ArchiveError, match="contains macros"):  # unreadable: cannot be checked
        sniff_content_type(make_ole(("WordDocument", 2))[:1000], "kaputt.doc")
