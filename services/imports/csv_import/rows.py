"""Turn one typed CSV row into a validated MongoDB document, or into clerk messages.

Pure apart from the model classes: references arrive as ready look-up dicts.
"""
import hashlib
from datetime import datetime, timezone
from decimal import Decimal

import mongoengine as me

from services.imports.csv_reader import HeaderMap, Row

from services.core.csv_safe import unescape_formula
from .messages import field_messages, translate
from .specs import ImportSpec

# Fields the import never compares or overwrites on an update.
BOOKKEEPING_FIELDS = ("_id", "created_at", "updated_at")


class RowProblem(Exception):
    """A row cannot be imported; `messages` are (column label or None, text) pairs."""

    def __init__(self, messages: list[tuple[str | None, str]]):
        super().__init__("; ".join(text for _, text in messages))
        self.messages = messages


def row_messages(line: int, messages: list[tuple[str | None, str]]) -> list[str]:
    """Return 'Zeile 17, IBAN: Prüfsumme ungültig.' lines for a row's problems."""
    return [f"Zeile {line}, {label}: {text}" if label else f"Zeile {line}: {text}"
            for label, text in messages]


class RowBuilder:
    """Build documents of one collection from the rows of one file."""

    def __init__(self, spec: ImportSpec, header_map: HeaderMap, references: dict[str, dict]):
        self.spec = spec
        self.header_map = header_map
        self.references = references  # column → {natural key: ObjectId}
        self.present = tuple(c.name for c in spec.columns if c.name in header_map)
        self.texts = {c.name for c in spec.columns if c.kind == "str"}
        self.fields = tuple(spec.model_field(name) for name in self.present)
        self.field_labels = {spec.model_field(n): header_map.label(n) for n in self.present}
        self.model = ModelRules(spec.document)

    def label(self, column: str | None) -> str | None:
        """Return the header the file uses for a column (None for the whole row)."""
        return self.header_map.label(column) if column in self.header_map else column

    def key_of(self, row: Row) -> str | None:
        """Return the row's natural key as written, or None when it is empty."""
        return row.values.get(self.spec.key)

    def build(self, row: Row) -> dict:
        """Return the validated document as MongoDB stores it, or raise RowProblem."""
        problems = [(self.label(e.column), e.message) for e in row.errors]
        kwargs, reference_problems = self._model_values(row.values)
        problems += reference_problems
        data, invalid = self.model.check(kwargs)
        # A cell the reader refused is empty here: report it once, in the reader's words.
        told = {label for label, _ in problems}
        problems += [(label, text) for label, text in
                     ((self.field_labels.get(f, f or None), m) for f, m in invalid.items())
                     if label not in told]
        if problems:
            raise RowProblem(problems)
        return self.model.to_mongo(data)

    def _model_values(self, values: dict) -> tuple[dict, list]:
        kwargs, problems = {}, []
        converters, references = self.spec.converters, self.spec.references
        for name in self.present:
            value = values.get(name)
            if value is None:
                continue  # empty: the model's default applies
            if name in self.texts:
                value = unescape_formula(value)
            if name in references:
                reference = references[name]
                target = self.references[name].get(value)
                if target is None:
                    problems.append((self.label(name), f"{reference.what} „{value}“ gibt es nicht."))
                    continue
                kwargs[reference.field] = target
            elif name in converters:
                kwargs[self.spec.model_field(name)] = converters[name](value)
            else:
                kwargs[name] = value
        return kwargs, problems


class _Values:
    """Attribute access to a row's values, so a model's clean() runs without a document."""

    __slots__ = ("_data", "_touched")

    def __init__(self, data: dict, touched: set):
        object.__setattr__(self, "_data", data)
        object.__setattr__(self, "_touched", touched)

    def __getattr__(self, name):
        return self._data.get(name)

    def __setattr__(self, name, value):
        self._data[name] = value
        self._touched.add(name)


class CheckedRow(dict):
    """A row's model values; `touched` names those the file or clean() set (not defaults)."""

    __slots__ = ("touched",)


_IMMUTABLE = (str, int, float, bool, bytes, datetime, Decimal)


class ModelRules:
    """A model's defaults, clean() and field validators, applied to plain dicts.

    The same checks mongoengine's Document.validate() runs (clean first, then every
    field, required text not blank), without building a Document per row: at 100,000
    rows the instance bookkeeping cost more than the database write. Defaults are
    converted and validated once per import, not once per row.
    """

    def __init__(self, document_class):
        self.document_class = document_class
        self.fields = {name: f for name, f in document_class._fields.items() if name != "id"}
        self.required = tuple(name for name, f in self.fields.items() if f.required)
        self.defaults, self.per_row_defaults = {}, []
        for name, field in self.fields.items():
            value = field.default() if callable(field.default) else field.default
            if callable(field.default) and not isinstance(value, _IMMUTABLE):
                self.per_row_defaults.append((name, field.default))  # e.g. a fresh list per row
            elif value is not None:
                self.defaults[name] = value  # timestamps: the moment the import began
        self.default_mongo = {self.fields[n].db_field: self.fields[n].to_mongo(v) for n, v in self.defaults.items()}
        self.default_problems = self._problems(self.defaults, self.defaults)
        self.clean = document_class.clean

    def check(self, values: dict) -> tuple[CheckedRow, dict[str, str]]:
        """Return the row with defaults filled in and field → German message for each problem."""
        data = CheckedRow(self.defaults)
        for name, make in self.per_row_defaults:
            data[name] = make()
        data.update(values)
        data.touched = touched = set(values)
        problems: dict[str, str] = {}
        try:
            self.clean(_Values(data, touched))
        except me.ValidationError as error:
            problems.update(field_messages(error, self.document_class))
        for name in self.required:
            value = data.get(name)
            if (value is None or (isinstance(value, str) and not value.strip())) and name not in problems:
                problems[name] = translate("Field is required")
        for name, message in self._problems(data, touched).items():
            problems.setdefault(name, message)
        for name, message in self.default_problems.items():
            if name not in touched:
                problems.setdefault(name, message)
        return data, problems

    def _problems(self, data: dict, names) -> dict[str, str]:
        problems = {}
        for name in names:
            value, field = data.get(name), self.fields[name]
            if value is None or (field.required and isinstance(value, str) and not value.strip()):
                continue
            try:
                field._validate(value)
            except me.ValidationError as error:
                problems[name] = translate(error.message, field, name)
        return problems

    def to_mongo(self, data: CheckedRow) -> dict:
        """Return the stored form of a checked row."""
        mongo = dict(self.default_mongo)
        for name, _ in self.per_row_defaults:
            if data.get(name) is not None:
                mongo[self.fields[name].db_field] = self.fields[name].to_mongo(data[name])
        for name in data.touched:
            field, value = self.fields[name], data.get(name)
            if value is None:
                mongo.pop(field.db_field, None)
            else:
                mongo[field.db_field] = field.to_mongo(value)
        return mongo


def comparable(value):
    """Return a value in the form both a fresh and a stored document have it."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value.replace(microsecond=value.microsecond // 1000 * 1000)  # BSON keeps ms
    if isinstance(value, list):
        return [comparable(item) for item in value]
    if isinstance(value, dict):
        return {k: comparable(v) for k, v in value.items() if v is not None}
    return value


def digest(document: dict, fields: tuple[str, ...]) -> bytes:
    """Return a fingerprint of the given fields, equal exactly when their values are."""
    values = tuple(comparable(document.get(name)) for name in fields)
    return hashlib.blake2b(repr(values).encode(), digest_size=16).digest()
