"""German wage tax (Lohnsteuer) computed exactly as the BMF Programmablaufplan (PAP) says.

Each year's PAP is the BMF's own XML file in data/ (Lohnsteuer<YEAR>.xml). It is compiled
to Python on first use, with java.math.BigDecimal semantics, so that a new year needs a new
data file and no code. Amounts go in and come out in cent, as the PAP defines them.

    calculate(2026, STKL=1, LZZ=2, RE4=Decimal("500000"), KVZ=Decimal("2.9"))["LSTLZZ"]
"""
import re
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from services.payroll.lohnsteuer import table
from services.payroll.lohnsteuer.compiler import CompiledPap, Variable, compile_pap
from services.payroll.lohnsteuer.errors import LohnsteuerError
from services.payroll.lohnsteuer.inputs import typed_inputs
from services.payroll.lohnsteuer.table import CheckResult

__all__ = ["CheckResult", "LohnsteuerError", "Variable", "available_years", "calculate",
           "check_table", "pap_inputs", "pap_outputs"]

DATA_DIR = Path(__file__).resolve().parent / "data"
_FILE_NAME = re.compile(r"Lohnsteuer(\d{4})\.xml")


def available_years() -> list[int]:
    """Return the years for which a PAP data file is installed, ascending."""
    matches = (_FILE_NAME.fullmatch(path.name) for path in DATA_DIR.glob("Lohnsteuer*.xml"))
    return sorted(int(match.group(1)) for match in matches if match)


def pap_inputs(year: int) -> dict[str, Variable]:
    """Return the year's PAP inputs by name, each with its Java type and default."""
    return dict(_compiled(year).inputs)


def pap_outputs(year: int) -> list[str]:
    """Return the names of the year's PAP outputs in the order the PAP declares them."""
    return list(_compiled(year).outputs)


def calculate(year: int, **inputs) -> dict[str, Decimal]:
    """Run the year's PAP on inputs given by PAP name (others at default); return all outputs."""
    pap = _compiled(year)
    return pap.run(typed_inputs(pap.inputs, inputs))


def check_table(year: int, path: str | Path) -> table.CheckResult:
    """Check the year's PAP against a BMF test table (CSV) and report every mismatch."""
    return table.check_table(_compiled(year), path)


_BY_YEAR: dict[int, CompiledPap] = {}


def _compiled(year: int) -> CompiledPap:
    """Return the compiled PAP of a year; an unknown year names the available ones."""
    pap = _BY_YEAR.get(year) if isinstance(year, int) else None
    if pap is not None:   # a payroll run asks once per employee: no file check each time
        return pap
    path = DATA_DIR / f"Lohnsteuer{year}.xml"
    if not isinstance(year, int) or not path.is_file():
        years = ", ".join(map(str, available_years())) or "none"
        raise LohnsteuerError(f"no wage-tax PAP for year {year}; available years: {years}")
    pap = _BY_YEAR[year] = _compile_file(path)
    return pap


@lru_cache(maxsize=None)
def _compile_file(path: Path) -> CompiledPap:
    """Compile a PAP file once per process; the data files do not change while it runs."""
    return compile_pap(path)
