"""The file-level error of the CSV reader and the per-cell problem it reports."""
from typing import NamedTuple

from services.core.errors import BusinessRuleError


class CsvFormatError(BusinessRuleError):
    """The file as a whole cannot be read; the message says what the clerk must change.

    `problems` lists the individual points (one per wrong header, say) so a view can
    show them as a list instead of one long paragraph.
    """

    def __init__(self, message: str, problems: tuple[str, ...] = ()):
        super().__init__(message)
        self.problems = tuple(problems)


class CellError(NamedTuple):
    """One value of a row that could not be used.

    `column` is the Column.name, or None for a problem of the whole row
    (too many values, broken quotes).
    """

    column: str | None
    raw: str
    message: str

    def __str__(self) -> str:
        return self.message if self.column is None else f"{self.column}: {self.message}"
