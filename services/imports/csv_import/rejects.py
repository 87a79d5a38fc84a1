"""The rejects file: refused rows as written, plus why, for the clerk to fix and re-import."""
import codecs
from typing import IO

from services.imports.csv_reader import Column, normalize_header

from services.core.csv_safe import writer as csv_writer

REASON_HEADER = "Fehler"
# Read along with every import so a fixed rejects file goes back in unchanged.
REASON_COLUMN = Column("import_error", (REASON_HEADER,))


class RejectsWriter:
    """Write rows as German Excel saves CSV (UTF-8 with BOM, ';', CRLF) with a reason column."""

    def __init__(self, stream: IO[bytes], header: tuple[str, ...]):
        self.stream = stream
        reason = normalize_header(REASON_HEADER)
        # A rejects file imported again brings its old reason column: it is replaced.
        self.keep = tuple(i for i, label in enumerate(header) if normalize_header(label) != reason)
        self.count = 0
        stream.write(codecs.BOM_UTF8)
        self._text = codecs.getwriter("utf-8")(stream)
        self._csv = csv_writer(self._text)  # neutralises every text cell
        self._csv.writerow([*(header[i] for i in self.keep), REASON_HEADER])

    def write(self, cells: tuple[str, ...], reasons: list[str]) -> None:
        """Write one refused row with its reasons joined in the last column."""
        padded = [cells[i] if i < len(cells) else "" for i in self.keep]
        self._csv.writerow([*padded, " | ".join(reasons)])
        self.count += 1
