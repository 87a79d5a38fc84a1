"""Stream the data rows of an uploaded CSV as typed values, each with its cell errors."""
import csv
import io
from typing import Iterable, Iterator, NamedTuple

from .columns import Column, match_headers, normalize_header, spelling_lookup
from .detect import decode_sample, declared_delimiter, detect_delimiter, detect_encoding, sample_records
from .detect import undetectable_message
from .errors import CellError, CsvFormatError

# German Excel pairs ';' with '1.234,56'; a ','-separated file cannot use an unquoted decimal
# comma, so its dot is the decimal point. A tab file could be either: ambiguous values are refused.
_DECIMAL_MARK_BY_DELIMITER = {";": ",", ",": ".", "\t": None}


class Row(NamedTuple):
    """One data record: the file line it starts on, its typed values and its problems.

    `values` holds every column the header has (an empty cell gives None); columns the
    file does not have are absent, so an update can leave them alone.
    """

    line: int
    values: dict[str, object]
    errors: list[CellError]
    cells: tuple[str, ...] = ()  # the record as written, only when read with keep_cells=True

    @property
    def ok(self) -> bool:
        """Return True when every value of the row could be used."""
        return not self.errors


def read_rows(data: bytes, columns: Iterable[Column], *, ignore_unknown: bool = False,
              keep_cells: bool = False) -> "CsvReader":
    """Detect the file's format, check its header and return an iterable of typed rows."""
    return CsvReader(data, columns, ignore_unknown=ignore_unknown, keep_cells=keep_cells)


class CsvReader:
    """An uploaded file with its detected `encoding`, `delimiter`, `decimal_mark` and `header_map`.

    File-level problems raise CsvFormatError here, before any row is read. Iterating
    yields a Row per data record, rows with errors included, so a clerk sees every
    problem at once; each iteration reads the bytes afresh and keeps no rows.
    """

    def __init__(self, data: bytes, columns: Iterable[Column], *, ignore_unknown: bool = False,
                 keep_cells: bool = False):
        self._data = data
        self.keep_cells = keep_cells  # a rejects file needs the record as the clerk wrote it
        self.columns = tuple(columns)
        self.encoding = detect_encoding(data)
        sample = decode_sample(data, self.encoding)
        self.delimiter = declared_delimiter(sample) or detect_delimiter(sample) or self._one_column(sample)
        self.decimal_mark = _DECIMAL_MARK_BY_DELIMITER[self.delimiter]
        self.header_line, header = _read_header(self._open())
        self.header_map = match_headers(header, self.columns, ignore_unknown=ignore_unknown)
        self._plan = tuple(
            (c.name, self.header_map.positions[c.name], c.converter(self.decimal_mark), c.required)
            for c in self.columns if c.name in self.header_map
        )

    def __iter__(self) -> Iterator[Row]:
        reader = self._open()
        _read_header(reader)
        last_line = reader.line_num
        while True:
            try:
                for cells in reader:
                    line, last_line = last_line + 1, reader.line_num
                    if cells and (cells[0].strip() or "".join(cells).strip()):
                        yield self._typed_row(cells, line)
                return
            except csv.Error as error:  # the reader resumes on the next line
                yield Row(last_line + 1, {}, [CellError(None, "", _broken_record_message(error))])
                last_line = reader.line_num

    def _typed_row(self, cells: list[str], line: int) -> Row:
        values: dict[str, object] = {}
        errors: list[CellError] = []
        count = len(cells)
        for name, index, convert, required in self._plan:
            raw = cells[index].strip() if index < count else ""
            if not raw:
                values[name] = None
                if required:
                    errors.append(CellError(name, "", "Pflichtfeld ist leer."))
            elif convert is None:
                values[name] = raw
            else:
                try:
                    values[name] = convert(raw)
                except ValueError as error:
                    values[name] = None
                    errors.append(CellError(name, raw, str(error)))
        if count > self.header_map.width:
            self._check_surplus(cells, errors)
        return Row(line, values, errors, tuple(cells) if self.keep_cells else ())

    def _check_surplus(self, cells: list[str], errors: list[CellError]) -> None:
        width = self.header_map.width
        surplus = [cell.strip() for cell in cells[width:] if cell.strip()]
        if surplus:
            shown = ", ".join(f"„{value}“" for value in surplus[:5])
            errors.append(CellError(None, self.delimiter.join(surplus), (
                f"Die Zeile hat mehr Werte als die Kopfzeile Spalten ({width}); überzählig: {shown}. "
                "Steht ein Trennzeichen in einem Wert ohne Anführungszeichen?"
            )))

    def _open(self):
        stream = io.TextIOWrapper(io.BytesIO(self._data), encoding=self.encoding, newline="")
        return csv.reader(stream, delimiter=self.delimiter, skipinitialspace=True, strict=True)

    def _one_column(self, sample: str) -> str:
        """Return ';' for a one-column file, unless its header is no column at all."""
        header = sample_records(sample, ";")[0][0].strip()
        known = normalize_header(header) in spelling_lookup(self.columns)
        if len(self.columns) > 1 and not known:
            raise CsvFormatError(undetectable_message(header))
        return ";"  # nothing to split; ';' at least leaves decimal commas in the values alone


def _read_header(reader) -> tuple[int, list[str]]:
    """Consume blank lines and an Excel 'sep=' line; return the header's line and cells."""
    last_line, first = 0, True
    try:
        for cells in reader:
            line, last_line = last_line + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if first and len(cells) <= 2 and "".join(cells).strip().strip('"').lower()[:4] == "sep=":
                first = False
                continue
            return line, cells
    except csv.Error as error:
        problem = _broken_record_message(error)
        raise CsvFormatError(f"Die Kopfzeile (Zeile {last_line + 1}) ist fehlerhaft: {problem}") from None
    raise CsvFormatError("Die Datei ist leer: es gibt keine Kopfzeile mit Spaltenüberschriften.")


def _broken_record_message(error: csv.Error) -> str:
    text = str(error)
    if "expected after" in text:
        return ('Fehlerhafte Anführungszeichen: nach einem schließenden " muss direkt das Trennzeichen '
                'oder das Zeilenende folgen; ein " im Wert wird als "" geschrieben.')
    if "unexpected end of data" in text:
        return "Ein Anführungszeichen wird bis zum Dateiende nicht geschlossen."
    if "field limit" in text:
        return (f"Ein Wert ist länger als {csv.field_size_limit()} Zeichen – vermutlich fehlt "
                "ein schließendes Anführungszeichen.")
    return f"Die Zeile ist kein gültiges CSV ({text})."
