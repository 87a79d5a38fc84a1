"""Work out how an uploaded CSV was written: its encoding and its field separator.

Nothing here holds the decoded file: encodings are checked chunk by chunk and the
separator is chosen from the first SAMPLE_BYTES only.
"""
import codecs
import csv
import io
import re

from .columns import trim_trailing_empty
from .errors import CsvFormatError

DELIMITERS = (";", ",", "\t")
DELIMITER_NAMES = {";": "Semikolon (;)", ",": "Komma (,)", "\t": "Tabulator"}
SAMPLE_BYTES = 64 * 1024
SAMPLE_RECORDS = 50
_CHUNK_BYTES = 256 * 1024
_GERMAN_LETTERS = re.compile("[ÄÖÜäöüß€]")
_SAVE_AS_CSV = "Bitte in Excel „Speichern unter“ → „CSV UTF-8 (durch Trennzeichen getrennt)“ wählen."
_FOREIGN_FORMATS = (  # UTF-32 before UTF-16: FF FE 00 00 also starts with FF FE
    (codecs.BOM_UTF32_LE, "Die Datei ist in UTF-32 gespeichert. " + _SAVE_AS_CSV),
    (codecs.BOM_UTF32_BE, "Die Datei ist in UTF-32 gespeichert. " + _SAVE_AS_CSV),
    (codecs.BOM_UTF16_LE, "Die Datei ist als „Unicode-Text“ (UTF-16) gespeichert. " + _SAVE_AS_CSV),
    (codecs.BOM_UTF16_BE, "Die Datei ist als „Unicode-Text“ (UTF-16) gespeichert. " + _SAVE_AS_CSV),
    (b"PK\x03\x04", "Das ist eine Excel-Arbeitsmappe (.xlsx), keine CSV-Datei. " + _SAVE_AS_CSV),
    (b"\xd0\xcf\x11\xe0", "Das ist eine alte Excel-Datei (.xls), keine CSV-Datei. " + _SAVE_AS_CSV),
    (b"%PDF", "Das ist ein PDF, keine CSV-Datei. Bitte die Daten als CSV exportieren."),
)


def detect_encoding(data: bytes) -> str:
    """Return 'utf-8-sig', 'utf-8' or 'cp1252': strict UTF-8 first, then Windows-1252."""
    _refuse_non_text(data)
    if data.startswith(codecs.BOM_UTF8):
        position, _ = _scan_utf8(data, len(codecs.BOM_UTF8))
        if position is None:
            return "utf-8-sig"
        raise CsvFormatError(_mixed_encoding_message(data, position))
    position, saw_german_utf8 = _scan_utf8(data, 0)
    if position is None:
        return "utf-8"
    if saw_german_utf8:
        # Umlauts already read as UTF-8: a later cp1252 byte means two files were pasted together.
        raise CsvFormatError(_mixed_encoding_message(data, position))
    position = _first_undecodable(data, "cp1252")
    if position is None:
        return "cp1252"
    raise CsvFormatError(
        f"Zeichenkodierung nicht erkannt: das Byte 0x{data[position]:02X} in Zeile "
        f"{_line_of(data, position)} ist weder UTF-8 noch Windows-1252. {_SAVE_AS_CSV}"
    )


def decode_sample(data: bytes, encoding: str) -> str:
    """Return the text of the first SAMPLE_BYTES, cut after the last complete line."""
    decoder = codecs.getincrementaldecoder(encoding)()
    text = decoder.decode(data[:SAMPLE_BYTES], final=len(data) <= SAMPLE_BYTES)
    if len(data) > SAMPLE_BYTES:
        end = max(text.rfind("\n"), text.rfind("\r"))
        text = text[: end + 1] if end >= 0 else text
    return text


def declared_delimiter(sample: str) -> str | None:
    """Return the separator of an Excel 'sep=;' first line, if the file has one."""
    first_line = sample.split("\n", 1)[0].rstrip("\r").strip(' "').lower()  # keep a 'sep=\t' tab
    if len(first_line) == 5 and first_line.startswith("sep=") and first_line[4] in DELIMITERS:
        return first_line[4]
    return None


def detect_delimiter(sample: str) -> str | None:
    """Return the separator that splits the header and fits the rows below it.

    Returns None when no separator occurs in the header (a one-column file). Rows are
    parsed with quotes respected, so '1,50' in a ';' file or a quoted ';' never counts.
    """
    scores = {}
    for delimiter in DELIMITERS:
        records = sample_records(sample, delimiter)
        if not records:
            raise CsvFormatError("Die Datei ist leer: es gibt keine Kopfzeile mit Spaltenüberschriften.")
        header, rows = records[0], records[1:]
        if len(header) < 2:
            continue
        width = len(trim_trailing_empty(header))
        fits = sum(len(trim_trailing_empty(row)) <= width for row in rows)
        same_shape = sum(len(row) == len(header) for row in rows)
        scores[delimiter] = (fits, same_shape, width)
    if not scores:
        return None
    best, *others = sorted(scores, key=scores.__getitem__, reverse=True)
    if others and scores[others[0]] == scores[best]:
        raise CsvFormatError(_ambiguous_message(sample, best, others[0]))
    return best


def sample_records(sample: str, delimiter: str) -> list[list[str]]:
    """Return the first non-blank records of the sample split by one candidate separator."""
    records = []
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter, skipinitialspace=True)
    for cells in reader:
        if any(cell.strip() for cell in cells):
            records.append(cells)
            if len(records) > SAMPLE_RECORDS:
                break
    return records


def undetectable_message(header: str) -> str:
    """Return the message for a header that no separator splits into known columns."""
    return (
        f"Das Trennzeichen ist nicht erkennbar: die Kopfzeile „{header[:80]}“ enthält weder "
        f"{' noch '.join(DELIMITER_NAMES.values())}. Bitte die Datei als CSV mit Semikolon "
        f"oder Komma als Trennzeichen speichern. {_SAVE_AS_CSV}"
    )


def _refuse_non_text(data: bytes) -> None:
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError(f"CSV data must be the uploaded bytes, not {type(data).__name__}")
    if not data or data == codecs.BOM_UTF8:
        raise CsvFormatError("Die Datei ist leer.")
    for magic, message in _FOREIGN_FORMATS:
        if data.startswith(magic):
            raise CsvFormatError(message)
    if b"\x00" in data:
        position = data.index(b"\x00")
        raise CsvFormatError(
            f"Die Datei enthält Binärdaten (ein Null-Byte in Zeile {_line_of(data, position)}) "
            f"und ist keine CSV-Textdatei. {_SAVE_AS_CSV}"
        )


def _scan_utf8(data: bytes, start: int) -> tuple[int | None, bool]:
    """Return the first position that is not UTF-8 (or None) and whether umlauts came before."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view, saw_german = memoryview(data), False
    for offset in range(start, len(data), _CHUNK_BYTES):
        chunk = view[offset:offset + _CHUNK_BYTES]
        try:
            text = decoder.decode(chunk, final=offset + _CHUNK_BYTES >= len(data))
        except UnicodeDecodeError as error:
            valid = bytes(chunk[: max(error.start, 0)]).decode("utf-8", "ignore")
            saw_german = saw_german or bool(_GERMAN_LETTERS.search(valid))
            return max(offset + error.start, 0), saw_german
        saw_german = saw_german or bool(_GERMAN_LETTERS.search(text))
    return None, saw_german


def _first_undecodable(data: bytes, encoding: str) -> int | None:
    decoder = codecs.getincrementaldecoder(encoding)()
    view = memoryview(data)
    for offset in range(0, len(data), _CHUNK_BYTES):
        try:
            decoder.decode(view[offset:offset + _CHUNK_BYTES], final=offset + _CHUNK_BYTES >= len(data))
        except UnicodeDecodeError as error:
            return max(offset + error.start, 0)
    return None


def _mixed_encoding_message(data: bytes, position: int) -> str:
    return (
        f"Die Datei ist überwiegend UTF-8, aber Zeile {_line_of(data, position)} enthält ein Zeichen "
        f"in einer anderen Kodierung (Byte 0x{data[position]:02X}). Vermutlich wurden Dateien "
        f"zusammenkopiert. Bitte die Datei einheitlich speichern. {_SAVE_AS_CSV}"
    )


def _ambiguous_message(sample: str, first: str, second: str) -> str:
    header = sample.lstrip("\r\n").splitlines()[0][:80]
    return (
        f"Das Trennzeichen ist nicht eindeutig: die Kopfzeile „{header}“ lässt sich mit "
        f"{DELIMITER_NAMES[first]} und mit {DELIMITER_NAMES[second]} gleich gut aufteilen. "
        f"Bitte Spaltenüberschriften ohne ; und , verwenden oder als erste Zeile „sep=;“ einfügen."
    )


def _line_of(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1
