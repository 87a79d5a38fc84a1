"""What an import expects (Column) and how a file's header row maps onto it (HeaderMap)."""
import difflib
import unicodedata
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping

from .errors import CsvFormatError
from services.core.values import converter

KINDS = ("str", "decimal", "int", "date", "bool")
# Header spellings differ in case, spaces, hyphens and dots ('USt-IdNr.', 'E-Mail ', 'e_mail').
_IGNORED_IN_HEADERS = str.maketrans("", "", "-_.")


@dataclass(frozen=True)
class Column:
    """One column an import understands.

    `name` is the English key of the values dict; `aliases` are further accepted headers,
    the first of them being the German label used in templates and messages.
    `required` means the header must be there and every row must fill it.
    """

    name: str
    aliases: tuple[str, ...] = ()
    kind: str = "str"
    required: bool = False
    max_length: int | None = None
    choices: tuple | None = None

    def __post_init__(self):
        if isinstance(self.aliases, str):
            object.__setattr__(self, "aliases", (self.aliases,))
        object.__setattr__(self, "aliases", tuple(self.aliases))
        if self.choices is not None:
            object.__setattr__(self, "choices", tuple(self.choices))
        if self.kind not in KINDS:
            raise ValueError(f"Column {self.name!r}: kind must be one of {KINDS}, not {self.kind!r}")
        if self.max_length is not None and self.kind != "str":
            raise ValueError(f"Column {self.name!r}: max_length only applies to kind 'str'")

    def label(self, lang: str = "de") -> str:
        """Return the header to show: the German alias, or the English name for lang='en'."""
        if lang not in ("de", "en"):
            raise ValueError(f"lang must be 'de' or 'en', not {lang!r}")
        return self.aliases[0] if lang == "de" and self.aliases else self.name

    def converter(self, decimal_mark: str | None) -> Callable[[str], object] | None:
        """Return the per-cell parser incl. length and choice checks; None keeps the text."""
        parse = converter(self.kind, decimal_mark)
        if self.kind == "str" and self.choices is not None:
            return _one_of_texts(self.choices)
        if self.choices is not None:
            return _one_of_values(parse, self.choices)
        if self.max_length is not None:
            return _at_most(self.max_length)
        return parse


@dataclass(frozen=True)
class HeaderMap:
    """Where each known column sits in the file.

    `labels` are the header cells as written (trailing empty cells dropped); `positions`
    maps Column.name to a 0-based cell index; `missing` names optional columns the file
    lacks; `ignored` lists unknown headers skipped because the caller allowed it.
    """

    labels: tuple[str, ...]
    positions: Mapping[str, int]
    missing: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()

    @property
    def width(self) -> int:
        """Return the number of columns the header names."""
        return len(self.labels)

    def label(self, name: str) -> str:
        """Return the header text the file uses for a column."""
        return self.labels[self.positions[name]]

    def __contains__(self, name: object) -> bool:
        return name in self.positions


def normalize_header(text: str) -> str:
    """Return the comparison key of a header: no case, spaces, '-', '_', '.' or final ':'."""
    folded = unicodedata.normalize("NFC", text).casefold()
    return "".join(folded.split()).translate(_IGNORED_IN_HEADERS).rstrip(":")


def match_headers(
    header_cells: Iterable[str], columns: Iterable[Column], *, ignore_unknown: bool = False
) -> HeaderMap:
    """Map the header row onto the columns, or raise CsvFormatError listing every problem."""
    columns = tuple(columns)
    lookup = spelling_lookup(columns)
    labels = tuple(cell.strip() for cell in trim_trailing_empty(list(header_cells)))
    found: dict[str, list[int]] = {}
    unknown: list[int] = []
    for index, label in enumerate(labels):
        column = lookup.get(normalize_header(label))
        if column is None:
            unknown.append(index)
        else:
            found.setdefault(column.name, []).append(index)
    problems = [] if ignore_unknown else [_unknown_problem(labels, i, lookup) for i in unknown]
    problems += [_duplicate_problem(labels, at) for at in found.values() if len(at) > 1]
    problems += [f"Pflichtspalte fehlt: {c.label()}" for c in columns if c.required and c.name not in found]
    if problems:
        raise CsvFormatError(_header_message(problems, columns, matched_any=bool(found)), tuple(problems))
    return HeaderMap(
        labels=labels,
        positions={name: at[0] for name, at in found.items()},
        missing=tuple(c.name for c in columns if c.name not in found),
        ignored=tuple(labels[i] for i in unknown),
    )


def spelling_lookup(columns: Iterable[Column]) -> dict[str, Column]:
    """Return normalized header → Column for every name and alias; refuse clashing definitions."""
    lookup: dict[str, Column] = {}
    for column in columns:
        for spelling in (column.name, *column.aliases):
            key = normalize_header(spelling)
            other = lookup.setdefault(key, column)
            if other.name != column.name:
                raise ValueError(f"Columns {other.name!r} and {column.name!r} both accept {spelling!r}")
    return lookup


def trim_trailing_empty(cells: list[str]) -> list[str]:
    """Drop the empty cells Excel leaves after the last filled one."""
    end = len(cells)
    while end and not cells[end - 1].strip():
        end -= 1
    return cells[:end]


def excel_column(index: int) -> str:
    """Return the Excel letter of a 0-based column index (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _unknown_problem(labels: tuple[str, ...], index: int, lookup: dict[str, Column]) -> str:
    label = labels[index]
    if not label:
        return f"Spalte {excel_column(index)} hat keine Überschrift"
    problem = f"Unbekannte Spalte {excel_column(index)} „{label}“"
    close = difflib.get_close_matches(normalize_header(label), lookup, n=1, cutoff=0.75)
    return f"{problem} – gemeint ist wohl „{lookup[close[0]].label()}“" if close else problem


def _duplicate_problem(labels: tuple[str, ...], indexes: list[int]) -> str:
    places = " und ".join(f"{excel_column(i)} „{labels[i]}“" for i in indexes)
    return f"Doppelte Spalte: {places} meinen dieselbe Spalte"


def _header_message(problems: list[str], columns: tuple[Column, ...], matched_any: bool) -> str:
    lines = ["Die Kopfzeile passt nicht zu diesem Import. Bitte korrigieren:"]
    lines += [f"  • {problem}" for problem in problems]
    if not matched_any:
        lines.append("Die erste Zeile der Datei muss die Spaltenüberschriften enthalten.")
    lines.append("Erlaubte Spaltennamen (* = Pflichtspalte):")
    for column in columns:
        others = [s for s in (column.name, *column.aliases) if s != column.label()]
        also = f" (auch: {', '.join(others)})" if others else ""
        lines.append(f"  {'*' if column.required else ' '} {column.label()}{also}")
    return "\n".join(lines)


def _at_most(max_length: int) -> Callable[[str], str]:
    def check(text: str) -> str:
        if len(text) > max_length:
            raise ValueError(f"Zu lang: {len(text)} Zeichen, erlaubt sind höchstens {max_length}.")
        return text
    return check


def _one_of_texts(choices: tuple) -> Callable[[str], str]:
    canonical = {str(choice).casefold(): choice for choice in choices}
    allowed = ", ".join(str(choice) for choice in choices)

    def check(text: str) -> str:
        try:
            return canonical[text.casefold()]
        except KeyError:
            raise ValueError(f"„{text}“ ist nicht erlaubt (erlaubt: {allowed}).") from None
    return check


def _one_of_values(parse: Callable[[str], object], choices: tuple) -> Callable[[str], object]:
    allowed = ", ".join(str(choice) for choice in choices)

    def check(text: str) -> object:
        value = parse(text)
        if value not in choices:
            raise ValueError(f"„{text}“ ist nicht erlaubt (erlaubt: {allowed}).")
        return value
    return check
