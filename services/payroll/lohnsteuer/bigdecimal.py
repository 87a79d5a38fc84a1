"""java.math.BigDecimal semantics on top of decimal.Decimal.

A BigDecimal is an unscaled integer and a scale; a Decimal is a coefficient and an exponent
(= -scale), so the two map one to one. Plain arithmetic is exact in Java, which is why every
operation here runs in a context that raises instead of rounding silently. Only setScale and
divide-with-scale round, and they do it with Java's rounding mode.
"""
import decimal
from decimal import Decimal

# Wide enough for any PAP amount; if an operation ever needed more digits it raises Inexact.
_EXACT = decimal.Context(
    prec=200, rounding=decimal.ROUND_HALF_EVEN, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow, decimal.Inexact],
)
# quantize() signals Inexact whenever it rounds, which is the whole point of setScale.
_ROUNDING = _EXACT.copy()
_ROUNDING.traps[decimal.Inexact] = False

UNNECESSARY = "ROUND_UNNECESSARY"
ROUNDING_MODES = {  # Java name (BigDecimal.ROUND_X or RoundingMode.X) -> decimal constant
    "UP": decimal.ROUND_UP, "DOWN": decimal.ROUND_DOWN,
    "CEILING": decimal.ROUND_CEILING, "FLOOR": decimal.ROUND_FLOOR,
    "HALF_UP": decimal.ROUND_HALF_UP, "HALF_DOWN": decimal.ROUND_HALF_DOWN,
    "HALF_EVEN": decimal.ROUND_HALF_EVEN, "UNNECESSARY": UNNECESSARY,
}
ZERO, ONE, TEN = Decimal(0), Decimal(1), Decimal(10)
_EXPONENTS = {scale: Decimal(1).scaleb(-scale) for scale in range(-10, 30)}  # quantize targets

add = _EXACT.add
subtract = _EXACT.subtract
multiply = _EXACT.multiply
negate = _EXACT.minus
absolute = _EXACT.abs


def divide_exact(a: Decimal, b: Decimal) -> Decimal:
    """Return a.divide(b): the exact quotient at the preferred scale, or raise if it never ends."""
    try:
        return _positive_zero(_EXACT.divide(a, b))
    except decimal.Inexact:
        raise ArithmeticError(f"{a} / {b} has a non-terminating decimal expansion") from None
    except decimal.DivisionByZero:
        raise ArithmeticError(f"{a} / 0: division by zero") from None


def divide(a: Decimal, b: Decimal, scale: int, mode: str) -> Decimal:
    """Return a.divide(b, scale, mode), rounded once from the exact quotient."""
    if not b:
        raise ArithmeticError(f"{a} / 0: division by zero")
    num_a, den_a = a.as_integer_ratio()
    num_b, den_b = b.as_integer_ratio()
    num, den = num_a * den_b, den_a * num_b
    if scale >= 0:
        num *= 10**scale
    else:
        den *= 10**-scale
    negative = (num < 0) != (den < 0)
    quotient, remainder = divmod(abs(num), abs(den))
    quotient += _round_increment(quotient, remainder, abs(den), negative, mode)
    return Decimal(-quotient if negative else quotient).scaleb(-scale, _EXACT)


def _round_increment(quotient: int, remainder: int, den: int, negative: bool, mode: str) -> int:
    """Return 1 when the truncated magnitude must step away from zero under this mode."""
    if not remainder:
        return 0
    twice = 2 * remainder
    if mode == decimal.ROUND_DOWN:
        return 0
    if mode == decimal.ROUND_UP:
        return 1
    if mode == decimal.ROUND_CEILING:
        return 0 if negative else 1
    if mode == decimal.ROUND_FLOOR:
        return 1 if negative else 0
    if mode == decimal.ROUND_HALF_UP:
        return int(twice >= den)
    if mode == decimal.ROUND_HALF_DOWN:
        return int(twice > den)
    if mode == decimal.ROUND_HALF_EVEN:
        return int(twice > den or (twice == den and quotient % 2 == 1))
    raise ArithmeticError("rounding necessary but the rounding mode is UNNECESSARY")


def set_scale(a: Decimal, scale: int, mode: str = UNNECESSARY) -> Decimal:
    """Return a.setScale(scale, mode)."""
    exponent = _EXPONENTS.get(scale) or Decimal(1).scaleb(-scale)
    if mode == UNNECESSARY:
        result = a.quantize(exponent, decimal.ROUND_DOWN, _ROUNDING)
        if result != a:
            raise ArithmeticError(f"setScale({scale}) of {a} needs rounding")
        return _positive_zero(result)
    return _positive_zero(a.quantize(exponent, mode, _ROUNDING))


def compare(a: Decimal, b: Decimal) -> int:
    """Return a.compareTo(b) as -1, 0 or 1."""
    return (a > b) - (a < b)


def signum(a: Decimal) -> int:
    """Return a.signum()."""
    return (a > 0) - (a < 0)


def scale_of(a: Decimal) -> int:
    """Return a.scale()."""
    return -a.as_tuple().exponent


def maximum(a: Decimal, b: Decimal) -> Decimal:
    """Return a.max(b); on a tie Java keeps the receiver (and with it its scale)."""
    return b if b > a else a


def minimum(a: Decimal, b: Decimal) -> Decimal:
    """Return a.min(b); on a tie Java keeps the receiver."""
    return b if b < a else a


def equals(a: Decimal, b: Decimal) -> bool:
    """Return a.equals(b): same value and same scale, unlike compareTo."""
    return a == b and scale_of(a) == scale_of(b)


def value_of_long(value: int, scale: int = 0) -> Decimal:
    """Return BigDecimal.valueOf(unscaledValue, scale) (scale 0 when not given)."""
    return _positive_zero(Decimal(int(value)).scaleb(-scale, _EXACT))


def value_of_double(value: float) -> Decimal:
    """Return BigDecimal.valueOf(double), i.e. new BigDecimal(Double.toString(value))."""
    return Decimal(java_double_to_string(value))


def java_double_to_string(value: float) -> str:
    """Format a double like Java's Double.toString (shortest digits, '1.0', '1.0E-5').

    Shortest round-trip digits are what Java has printed since JDK 19 and what Python's
    repr() prints; older JDKs printed extra digits for a few rare doubles.
    """
    value = float(value)
    if value != value or value in (float("inf"), float("-inf")):
        raise ArithmeticError(f"{value} is not a finite number")
    if value == 0:
        return "0.0"  # BigDecimal has no negative zero, so "-0.0" would read the same
    sign, digits, exponent = Decimal(repr(value)).as_tuple()
    text = "".join(map(str, digits)).rstrip("0")
    exponent += len(digits) - len(text)
    point = len(text) + exponent  # position of the decimal point within the digit string
    prefix = "-" if sign else ""
    if -3 < point <= 7:  # Java writes 10^-3 <= |value| < 10^7 without an exponent
        if point <= 0:
            return f"{prefix}0.{'0' * -point}{text}"
        whole, frac = (text + "0" * max(0, point - len(text)))[:point], text[point:]
        return f"{prefix}{whole}.{frac or '0'}"
    return f"{prefix}{text[0]}.{text[1:] or '0'}E{point - 1}"


def _positive_zero(value: Decimal) -> Decimal:
    """Drop the sign of a zero: Decimal knows -0, BigDecimal does not."""
    return value.copy_abs() if not value and value.is_signed() else value
