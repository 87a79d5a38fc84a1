"""The helpers that generated PAP code calls, under the short names it uses."""
import math

from services.payroll.lohnsteuer import bigdecimal as bd


def int_divide(a: int, b: int) -> int:
    """Return Java's int a / b, which truncates toward zero (Python's // floors)."""
    quotient = abs(a) // abs(b)
    return quotient if (a < 0) == (b < 0) else -quotient


def int_remainder(a: int, b: int) -> int:
    """Return Java's int a % b, which takes the sign of a."""
    return a - b * int_divide(a, b)


def array_at(array: tuple, index: int):
    """Return array[index] the Java way: a negative index is an error, not 'from the end'."""
    if index < 0:
        raise IndexError(f"array index {index} is negative")
    return array[index]


NAMES = {
    "_add": bd.add, "_sub": bd.subtract, "_mul": bd.multiply, "_divx": bd.divide_exact,
    "_div": bd.divide, "_set_scale": bd.set_scale, "_cmp": bd.compare, "_max": bd.maximum,
    "_min": bd.minimum, "_equals": bd.equals, "_neg": bd.negate, "_abs": bd.absolute,
    "_signum": bd.signum, "_scale": bd.scale_of, "_vol": bd.value_of_long,
    "_vod": bd.value_of_double, "_idiv": int_divide, "_irem": int_remainder,
    "_fmod": math.fmod, "_at": array_at,
}
