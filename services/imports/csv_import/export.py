"""Export a collection as a CSV the import reads back to identical data.

German Excel dialect (UTF-8 with BOM, ';', CRLF, decimal comma without thousands dots,
dates 31.12.2026), the import's own German headers, references by natural key, and
every text cell neutralised against spreadsheet formulas.
"""
import codecs
import io
from datetime import datetime, timezone
from decimal import Decimal
from typing import Iterable, Iterator

from models.fields import FixedDecimalField

from services.core.csv_safe import writer as csv_writer
from .specs import BERLIN, ImportSpec


def export_csv(spec: ImportSpec) -> Iterator[bytes]:
    """Yield the export of a collection chunk by chunk (header first)."""
    buffer = io.StringIO()
    writer = csv_writer(buffer)  # neutralises every text cell
    writer.writerow(column.label() for column in spec.columns)
    yield codecs.BOM_UTF8 + _drain(buffer)
    rows = _journal_rows(spec) if spec.name == "journal_entries" else _document_rows(spec)
    for count, row in enumerate(rows, start=1):
        writer.writerow(row)
        if count % 1000 == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text.encode("utf-8")


def _document_rows(spec: ImportSpec) -> Iterable[list[str]]:
    fields = spec.document._fields
    keys = {column: _natural_keys(reference) for column, reference in spec.references.items()}
    plan = [(c, fields[spec.model_field(c.name)]) for c in spec.columns]
    for doc in spec.document._get_collection().find({}).sort(spec.key, 1):
        row = []
        for column, field in plan:
            value = doc.get(field.db_field)
            if column.name in keys:
                value = keys[column.name].get(value)
            row.append(cell(value, column.kind, field))
        yield row


def _journal_rows(spec: ImportSpec) -> Iterable[list[str]]:
    """Yield one row per journal line: debit lines fill Sollkonto, credit lines Habenkonto."""
    for doc in spec.document._get_collection().find({}).sort("voucher_ref", 1):
        day = cell(doc.get("date"), "date")
        for line in doc.get("lines", []):
            debit, credit = line.get("debit") or 0, line.get("credit") or 0
            amount = Decimal(debit or credit).scaleb(-2)
            yield [day, line["account"] if debit else "", line["account"] if credit else "",
                   cell(amount, "decimal"), line.get("text") or doc.get("text", ""),
                   doc.get("voucher_ref") or "", line.get("tax_key") or ""]


def cell(value, kind: str, field=None) -> str:
    """Return the text of one stored value as the import reads it back."""
    if value is None:
        return ""
    if kind == "decimal":
        if isinstance(field, FixedDecimalField):
            value = field.to_python(value)
        return f"{Decimal(value):f}".replace(".", ",")
    if kind == "date":
        if isinstance(value, datetime) and value.tzinfo is not None:
            value = value.astimezone(BERLIN)
        elif isinstance(value, datetime) and field is not None and field.__class__.__name__ == "DateTimeField":
            value = value.replace(tzinfo=timezone.utc).astimezone(BERLIN)
        return value.strftime("%d.%m.%Y")
    if kind == "bool":
        return "ja" if value else "nein"
    return str(value)


def _natural_keys(reference) -> dict:
    collection = reference.document._get_collection()
    return {doc["_id"]: doc.get(reference.key_field) for doc in collection.find({}, {reference.key_field: 1})}
