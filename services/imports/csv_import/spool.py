"""The check pass's output on disk: one record per accepted row, read back in batches.

Record: action (b"I" insert, b"U" update), first line, rows it stands for, then the BSON
document itself (BSON starts with its own length, so records need no separator).
"""
import struct

import bson

_RECORD = struct.Struct("<cII")


def write_record(spool, action: bytes, line: int, rows: int, document: dict) -> None:
    """Append one accepted row (or voucher) to the spool."""
    spool.write(_RECORD.pack(action, line, rows))
    spool.write(bson.encode(document))


def read_batches(spool, size: int, skip_lines: set[int]):
    """Yield (inserts, updates) lists of (line, rows, BSON bytes) read back from the spool."""
    inserts, updates = [], []
    while True:
        head = spool.read(_RECORD.size)
        if not head:
            break
        action, line, rows = _RECORD.unpack(head)
        length_bytes = spool.read(4)
        length = struct.unpack("<i", length_bytes)[0]
        raw = length_bytes + spool.read(length - 4)
        if line in skip_lines:
            continue
        (inserts if action == b"I" else updates).append((line, rows, raw))
        if len(inserts) + len(updates) >= size:
            yield inserts, updates
            inserts, updates = [], []
    if inserts or updates:
        yield inserts, updates
