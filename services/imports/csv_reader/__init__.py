"""Read uploaded CSV files into typed rows: the pure layer of the bulk import.

German Excel (cp1252 or UTF-8 with BOM, ';', '1.234,56', '31.12.2026') and other
systems (UTF-8, ',', ISO dates, English headers) are both taken without being told.
No Flask and no database here: a later layer maps the rows onto documents.

    reader = read_rows(upload_bytes, [Column("last_name", ("Nachname",), required=True), ...])
    for row in reader:          # Row(line, values, errors)
        ...
"""
from .columns import Column, HeaderMap, match_headers, normalize_header
from .errors import CellError, CsvFormatError
from .reader import CsvReader, Row, read_rows
from .template import write_template
from services.core.values import parse_bool, parse_date, parse_decimal, parse_int

__all__ = [
    "CellError", "Column", "CsvFormatError", "CsvReader", "HeaderMap", "Row",
    "match_headers", "normalize_header", "parse_bool", "parse_date", "parse_decimal",
    "parse_int", "read_rows", "write_template",
]
