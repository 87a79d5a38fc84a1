"""Every CSV the product writes goes through here: formula neutralising for its cells,
and its exact inverse for imports (issue 13.8).

A cell starting with '=', '+', '-', '@' (or a tab/CR) is run as a formula by Excel and
LibreOffice. Such text is written with a leading apostrophe; an apostrophe already in
front of such text gets one more, so reading the cell back always yields the original.
"""
import csv
import re

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[-+]?[\d.,]+")


def _needs_escape(text: str) -> bool:
    if text.startswith(TRIGGERS):
        return True
    return text.startswith("'") and _needs_escape(text[1:])


def escape_formula(text: str) -> str:
    """Return the text safe for a spreadsheet cell: formulas get a leading apostrophe."""
    return "'" + text if _needs_escape(text) else text


def unescape_formula(text: str) -> str:
    """Return the original text of a cell written by escape_formula."""
    if text.startswith("'") and _needs_escape(text[1:]):
        return text[1:]
    return text


def escape_cell(text: str) -> str:
    """Neutralise formulas but leave plain numbers such as -5,00 readable as numbers."""
    return text if _PLAIN_NUMBER.fullmatch(text) else escape_formula(text)


class SafeWriter:
    """csv.writer in the German Excel dialect (';', CRLF) that neutralises every text cell."""

    def __init__(self, stream):
        self._writer = csv.writer(stream, delimiter=";", quotechar='"', lineterminator="\r\n")

    def writerow(self, row) -> None:
        """Write one row; text cells that a spreadsheet would run as a formula are escaped."""
        self._writer.writerow([escape_cell(c) if isinstance(c, str) else c for c in row])

    def writerows(self, rows) -> None:
        """Write several rows."""
        for row in rows:
            self.writerow(row)


def writer(stream) -> SafeWriter:
    """Return the one CSV writer the product uses."""
    return SafeWriter(stream)
