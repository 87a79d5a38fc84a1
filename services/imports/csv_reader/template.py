"""The empty import template a clerk downloads, fills in Excel and uploads again."""
import codecs
import io
from typing import Iterable

from services.core.csv_safe import writer as csv_writer

from .columns import Column


def write_template(columns: Iterable[Column], lang: str = "de") -> bytes:
    """Return a header-only CSV as German Excel writes it: UTF-8 with BOM, ';' and CRLF.

    The BOM makes Excel open umlauts correctly; lang='en' uses the English column names.
    """
    buffer = io.StringIO()
    csv_writer(buffer).writerow(
        column.label(lang) for column in columns
    )
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")
