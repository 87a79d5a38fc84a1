"""Match caller-given names to PAP names and bring values to the PAP's Java types."""
from decimal import Decimal, InvalidOperation

from services.payroll.lohnsteuer.compiler import Variable
from services.payroll.lohnsteuer.errors import LohnsteuerError


def resolve_name(key: str, names: list[str]) -> str | None:
    """Return the PAP name for key: exact, else the one name equal ignoring case, else None.

    The BMF tables write 'AF' and 'F' where the 2026 PAP declares 'af' and 'f'.
    """
    if key in names:
        return key
    folded = [name for name in names if name.casefold() == key.casefold()]
    return folded[0] if len(folded) == 1 else None


def typed_inputs(variables: dict[str, Variable], given: dict[str, object]) -> dict[str, object]:
    """Return the given inputs keyed by PAP name and converted to their Java types."""
    typed = {}
    for key, value in given.items():
        name = key if key in variables else resolve_name(key, list(variables))
        if name is None:
            known = ", ".join(variables)
            raise LohnsteuerError(f"unknown input '{key}'; the PAP inputs are {known}")
        if name in typed:
            raise LohnsteuerError(f"input {name} is given twice")
        typed[name] = to_java_type(variables[name], value)
    return typed


def to_java_type(variable: Variable, value: object) -> object:
    """Convert one input value to int, float or Decimal as the PAP declares it."""
    number = _as_decimal(variable.name, value)
    if variable.java_type == "int":
        if number != number.to_integral_value():
            raise LohnsteuerError(f"input {variable.name} must be a whole number, not {value}")
        return int(number)
    if variable.java_type == "double":
        return float(number)
    if variable.java_type == "BigDecimal":
        if isinstance(value, float):
            raise LohnsteuerError(
                f"input {variable.name} is an amount: pass a Decimal, int or string, not a float")
        return number
    raise LohnsteuerError(f"input {variable.name} has type {variable.java_type}; it cannot be set")


def _as_decimal(name: str, value: object) -> Decimal:
    """Read an int, Decimal, float or numeric string like '2.9'."""
    if isinstance(value, float):
        value = repr(value)  # shortest digits, as a Java double input would be written
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except (InvalidOperation, TypeError, ValueError):
        raise LohnsteuerError(f"input {name} must be a number, not {value!r}") from None
    if not number.is_finite():
        raise LohnsteuerError(f"input {name} must be a finite number, not {value!r}")
    return number
