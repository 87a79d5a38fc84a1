"""Units of measure as UN/ECE Recommendation 20 codes (EN 16931 BT-130), with names and aliases.

The table is data (seeds/data/units.csv): each code with its German and English name
and the spellings clerks type ("Stück", "Stk", "St.", "pcs" -> H87). Everything that
stores a unit stores the code; an unknown unit is refused, never guessed.
"""
import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from services.core.errors import BusinessRuleError

TABLE = Path(__file__).resolve().parents[2] / "seeds" / "data" / "units.csv"


@dataclass(frozen=True)
class Unit:
    code: str
    name_de: str
    name_en: str
    aliases: tuple[str, ...]


class UnknownUnitError(BusinessRuleError):
    """A unit that is neither a known code nor a known alias."""


@lru_cache(maxsize=1)
def units() -> dict[str, Unit]:
    """The known units by code, in table order."""
    with open(TABLE, encoding="utf-8") as fh:
        return {row["code"]: Unit(row["code"], row["name_de"], row["name_en"],
                                  tuple(a.strip() for a in row["aliases"].split(",") if a.strip()))
                for row in csv.DictReader(fh, delimiter=";")}


@lru_cache(maxsize=1)
def _lookup() -> dict[str, str]:
    table = {}
    for unit in units().values():
        for spelling in (unit.code, unit.name_de, unit.name_en, *unit.aliases):
            table.setdefault(_key(spelling), unit.code)
    return table


def _key(text: str) -> str:
    return " ".join(text.strip().casefold().split())


def unit_code(text: str | None) -> str:
    """Return the Rec 20 code of a unit code, name or alias ('Std.' -> 'HUR'); refuse others."""
    if text is None or not str(text).strip():
        raise UnknownUnitError("Einheit fehlt: bitte eine Einheit angeben "
                               "(z. B. Stück, Std., kg).")
    code = _lookup().get(_key(str(text)))
    if code is None:
        code = _lookup().get(_key(str(text)).rstrip("."))
    if code is None:
        raise UnknownUnitError(
            f"Unbekannte Einheit „{text}“: bitte eine der Einheiten {', '.join(units())} "
            "oder eine ihrer Schreibweisen (z. B. Stück, Stk, Std., kg, Pauschale) angeben.")
    return code


def unit_name(code: str, language: str = "de") -> str:
    """The name of a unit code for documents ('HUR' -> 'Stunde'); the code if unknown."""
    unit = units().get(code)
    if unit is None:
        return code
    return unit.name_de if language == "de" else unit.name_en


def unit_choices() -> list[tuple[str, str]]:
    """(code, label) pairs for select boxes."""
    return [(u.code, f"{u.name_de} ({u.code})") for u in units().values()]
