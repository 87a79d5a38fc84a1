"""Spreadsheet formula neutralising for exported cells, and its exact inverse for imports.

A cell starting with '=', '+', '-', '@' (or a tab/CR) is run as a formula by Excel and
LibreOffice. Such text is written with a leading apostrophe; an apostrophe already in
front of such text gets one more, so reading the cell back always yields the original.
"""
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
