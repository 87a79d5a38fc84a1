"""Read a BMF test table (CSV) and compare the engine's outputs with its expected values.

Table rules: ';'-separated, decimal comma, UTF-8 (with or without BOM) or Windows-1252.
A column named like a PAP input is an input, one named like a PAP output holds the
expected value, a column without a name is ignored, any other column labels the row.
"""
import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from services.payroll.lohnsteuer.compiler import CompiledPap, Variable
from services.payroll.lohnsteuer.errors import LohnsteuerError
from services.payroll.lohnsteuer.inputs import resolve_name, to_java_type

_NUMBER = re.compile(r"[+-]?\d+(,\d+)?")


@dataclass
class CheckResult:
    """Outcome of checking a test table: rows passed and failed, one line per mismatch."""

    passed: int = 0
    failed: int = 0
    mismatches: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Column:
    number: int  # 1-based, as a spreadsheet user counts
    header: str
    role: str  # input, expected, label or ignored
    name: str = ""  # the PAP name for inputs and expected values


@dataclass(frozen=True)
class _Row:
    label: str
    line: int
    inputs: dict
    expected: dict  # output name -> (value, text as written)


def check_table(pap: CompiledPap, path: str | Path) -> CheckResult:
    """Run every row of the table and compare each expected output."""
    result = CheckResult()
    for row in _read_rows(Path(path), pap):
        try:
            outputs = pap.run(row.inputs)
        except LohnsteuerError as exc:
            raise LohnsteuerError(f"{Path(path).name}, line {row.line}: {exc}") from None
        wrong = [(name, text, outputs[name]) for name, (value, text) in row.expected.items()
                 if outputs[name] != value]
        result.failed += bool(wrong)
        result.passed += not wrong
        where = f"row {row.label} (line {row.line})"
        result.mismatches += [f"{where}: {name} expected {text}, got {got}"
                              for name, text, got in wrong]
    return result


def _read_rows(path: Path, pap: CompiledPap) -> list[_Row]:
    """Return the data rows of the table, typed; raise LohnsteuerError naming line and column."""
    records = _records(path)
    if not records:
        raise LohnsteuerError(
            f"{path.name} is empty; expected a header line naming PAP inputs and outputs")
    header_line, header = records[0]
    columns = _columns(f"{path.name}, line {header_line}", header, pap)
    rows = [_row(path.name, columns, line, fields, ordinal, pap.inputs)
            for ordinal, (line, fields) in enumerate(records[1:], start=1)]
    if not rows:
        raise LohnsteuerError(f"{path.name} has a header but no test rows below line {header_line}")
    return rows


def _records(path: Path) -> list[tuple[int, list[str]]]:
    """Return (line number, fields) of every non-blank CSV record."""
    reader = csv.reader(io.StringIO(_decode(path), newline=""), delimiter=";")
    records = []
    try:
        for fields in reader:
            if any(cell.strip() for cell in fields):
                records.append((reader.line_num, fields))
    except csv.Error as exc:
        where = f"{path.name}, line {reader.line_num}"
        raise LohnsteuerError(f"{where}: not a readable CSV line ({exc})") from None
    return records


def _decode(path: Path) -> str:
    """Return the file's text, read as UTF-8 (BOM optional) or else as Windows-1252."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LohnsteuerError(f"cannot read test table {path}: {exc.strerror}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - raw.rfind(b"\n", 0, exc.start)
        where = f"{path.name}, line {line}, column {column}"
        problem = f"byte 0x{raw[exc.start]:02x} is neither UTF-8 nor Windows-1252 text"
        raise LohnsteuerError(f"{where}: {problem}") from None


def _columns(where: str, header: list[str], pap: CompiledPap) -> list[_Column]:
    """Classify the header's columns; two columns for one PAP name is an error."""
    columns, seen = [], {}
    for number, text in enumerate((cell.strip() for cell in header), start=1):
        input_name = resolve_name(text, list(pap.inputs)) if text else None
        output_name = resolve_name(text, pap.outputs) if text and not input_name else None
        role = ("ignored" if not text else "input" if input_name
                else "expected" if output_name else "label")
        column = _Column(number, text, role, input_name or output_name or "")
        if column.name in seen:
            raise LohnsteuerError(
                f"{where}: columns {seen[column.name]} and {number} both name {column.name}")
        if column.name:
            seen[column.name] = number
        columns.append(column)
    if not any(column.role == "expected" for column in columns):
        raise LohnsteuerError(
            f"{where}: no column is named after a PAP output (e.g. LSTLZZ); nothing to check")
    return columns


def _row(file_name: str, columns: list[_Column], line: int, fields: list[str], ordinal: int,
         variables: dict[str, Variable]) -> _Row:
    """Type one data record: inputs, expected values and the row label."""
    if len(fields) != len(columns):
        problem = f"{len(fields)} fields, but the header has {len(columns)}"
        raise LohnsteuerError(f"{file_name}, line {line}: {problem}")
    inputs, expected, labels = {}, {}, []
    for column, text in zip(columns, (cell.strip() for cell in fields)):
        where = f"{file_name}, line {line}, column {column.number} ({column.header})"
        if column.role == "input" and text:
            number = _number(where, text)
            try:
                inputs[column.name] = to_java_type(variables[column.name], number)
            except LohnsteuerError as exc:
                raise LohnsteuerError(f"{where}: {exc}") from None
        elif column.role == "expected":
            expected[column.name] = (_number(where, text), text)
        elif column.role == "label" and text:
            labels.append((column.header, text))
    return _Row(_label(labels, ordinal), line, inputs, expected)


def _number(where: str, text: str) -> Decimal:
    """Read '2,9' or '-12' as Decimal; anything else is a located error."""
    if not _NUMBER.fullmatch(text):
        shown = f"'{text}' is not a number" if text else "the value is missing"
        raise LohnsteuerError(f"{where}: {shown}; write digits with a decimal comma, e.g. 2,9")
    return Decimal(text.replace(",", "."))


def _label(labels: list[tuple[str, str]], ordinal: int) -> str:
    """Name a row by its label column(s), or by its position when there are none."""
    if len(labels) == 1:
        return labels[0][1]
    if labels:
        return ", ".join(f"{header}={text}" for header, text in labels)
    return str(ordinal)
