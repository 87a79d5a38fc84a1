"""Keep mongoengine's queries valid on both MongoDB and FerretDB.

mongoengine turns `icontains`/`startswith`/... into a compiled Python pattern,
which the driver sends with the `u` flag (every str pattern has re.UNICODE).
FerretDB rejects `u` ("invalid flag in regex options") and MongoDB does not need
it, so string look-ups are sent as a BSON Regex with the other flags only.
"""
import re

from bson.regex import Regex
from mongoengine.fields import StringField

_FLAGS = ((re.IGNORECASE, "i"), (re.MULTILINE, "m"), (re.DOTALL, "s"), (re.VERBOSE, "x"))
_original = StringField.prepare_query_value


def to_bson_regex(pattern: re.Pattern) -> Regex:
    """Convert a compiled pattern to a BSON regex without the unicode flag."""
    flags = "".join(letter for flag, letter in _FLAGS if pattern.flags & flag)
    return Regex(pattern.pattern, flags)


def _prepare_query_value(self, op, value):
    result = _original(self, op, value)
    return to_bson_regex(result) if isinstance(result, re.Pattern) else result


def install() -> None:
    """Patch StringField once (idempotent)."""
    if StringField.prepare_query_value is not _prepare_query_value:
        StringField.prepare_query_value = _prepare_query_value
