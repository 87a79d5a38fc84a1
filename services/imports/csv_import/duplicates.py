"""Find natural keys that occur twice in one file with 8 bytes of memory per row.

A dict of a million keys costs ~150 MB; instead each row leaves a 32-bit CRC of its key
next to its line number in one array. Rows whose CRCs collide are only candidates: the
caller re-reads just those rows and compares the real keys, so the result is exact.
"""
import zlib
from array import array


class KeyTracker:
    """Collect (key checksum, line) pairs while the file is checked."""

    def __init__(self):
        self._packed = array("Q")

    def add(self, key: str, line: int) -> None:
        """Remember that a row with this key starts on this line."""
        self._packed.append((zlib.crc32(key.encode("utf-8")) << 32) | line)

    def candidate_lines(self) -> set[int]:
        """Return the lines whose key checksum another line shares (maybe the same key)."""
        lines: set[int] = set()
        previous_crc, previous_line = None, None
        for packed in sorted(self._packed):
            crc, line = packed >> 32, packed & 0xFFFFFFFF
            if crc == previous_crc:
                lines.update((previous_line, line))
            previous_crc, previous_line = crc, line
        return lines


def repeated(rows_by_key: dict[str, list[int]]) -> dict[int, tuple[str, int]]:
    """Return line → (key, first line) for every row whose key an earlier row already had."""
    result = {}
    for key, lines in rows_by_key.items():
        first, *later = sorted(lines)
        for line in later:
            result[line] = (key, first)
    return result
