"""The global search box: areas register sources; a user only searches what they may read.

A source is registered with the admin endpoint its hits open (e.g. "employees"); the
caller passes the endpoints the user may read (the same rule as the pages, see
views/search.py), and a source whose endpoint is not among them is never queried.

Sources match by index-friendly prefixes (document numbers, personnel numbers, SKUs,
names from their first letter) and exact IBANs, so a search reads index ranges, not
whole collections.
"""
import importlib
import logging
import re
from dataclasses import dataclass
from typing import Callable, Iterable

log = logging.getLogger(__name__)

SEARCH_MODULES = (
    "services.invoicing.search",
    "services.operations.search",
    "services.payroll.search",
    "services.it.search",
    "services.contracts.search",
)
MIN_LENGTH = 2
PER_SOURCE = 10


@dataclass(frozen=True)
class Hit:
    kind: str        # German label message id of the kind ("Rechnung", "Mitarbeiter" ...)
    title: str       # what the user sees (number and name)
    url: str


@dataclass(frozen=True)
class Source:
    name: str
    endpoint: str                                   # admin endpoint whose readers may see hits
    find: Callable[[str, int], Iterable[Hit]]       # (term, limit) -> hits


_SOURCES: dict[str, Source] = {}
_loaded = False


def register_search_source(name: str, endpoint: str, find) -> None:
    _SOURCES[name] = Source(name, endpoint, find)


def _load() -> None:
    global _loaded
    if not _loaded:
        for module in SEARCH_MODULES:
            importlib.import_module(module)
        _loaded = True


def sources() -> dict[str, Source]:
    _load()
    return dict(_SOURCES)


def search(term: str, readable_endpoints: set[str], limit: int = PER_SOURCE) -> list[Hit]:
    """Hits for `term` from every source the user may read; [] for a too short term."""
    term = (term or "").strip()
    if len(term) < MIN_LENGTH:
        return []
    hits: list[Hit] = []
    for name, source in sorted(sources().items()):
        if source.endpoint not in readable_endpoints:
            continue
        try:
            hits.extend(list(source.find(term, limit))[:limit])
        except Exception:  # one broken source must not break the search box
            log.exception("search source %s failed", name)
    return hits


def prefix_range(prefix: str) -> dict:
    """A query range on an indexed string field for values starting with `prefix`."""
    return {"$gte": prefix, "$lt": prefix + "\U0010ffff"}


def name_prefixes(term: str) -> list[str]:
    """The spellings a name prefix is searched in: as typed and with a capital first letter."""
    variants = [term, term[:1].upper() + term[1:], term.upper()]
    return list(dict.fromkeys(variants))


IBAN_SHAPE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{8,30}$")


def as_iban(term: str) -> str | None:
    """The term as a compact IBAN when it looks like one (spaces removed, upper case)."""
    compact = re.sub(r"\s+", "", term).upper()
    return compact if IBAN_SHAPE.match(compact) else None
