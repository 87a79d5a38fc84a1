"""Translate parsed Java expressions into Python source with Java's types and semantics.

Every expression is emitted together with its Java type ("int", "double", "boolean",
"BigDecimal", "rounding", arrays as "T[]"), because the type decides the meaning:
BigDecimal.valueOf(int) has scale 0 but valueOf(double) goes through Double.toString,
int / int truncates, and BigDecimal arithmetic must never round unless told to.
The names the emitted code calls are those of runtime.NAMES.
"""
import operator
from dataclasses import dataclass

from services.payroll.lohnsteuer import bigdecimal as bd
from services.payroll.lohnsteuer.errors import LohnsteuerError
from services.payroll.lohnsteuer.javaexpr import Node

_CLASSES = {"BigDecimal", "RoundingMode"}
_CONSTANTS = {"ZERO": bd.ZERO, "ONE": bd.ONE, "TEN": bd.TEN}
_COMPARISONS = {"==": operator.eq, "!=": operator.ne, "<": operator.lt,
                ">": operator.gt, "<=": operator.le, ">=": operator.ge}
# The signs of a.compareTo(b) that pass a test -> the Python comparison of a and b itself.
_SIGNS_TO_OPERATOR = {(1,): ">", (-1,): "<", (0,): "==", (0, 1): ">=", (-1, 0): "<=", (-1, 1): "!="}
# BigDecimal instance methods: (name, argument types) -> (result type, Python template).
_METHODS = {
    ("add", ("BigDecimal",)): ("BigDecimal", "_add({0}, {1})"),
    ("subtract", ("BigDecimal",)): ("BigDecimal", "_sub({0}, {1})"),
    ("multiply", ("BigDecimal",)): ("BigDecimal", "_mul({0}, {1})"),
    ("divide", ("BigDecimal",)): ("BigDecimal", "_divx({0}, {1})"),
    ("divide", ("BigDecimal", "rounding")): ("BigDecimal", "_div({0}, {1}, _scale({0}), {2})"),
    ("divide", ("BigDecimal", "int", "rounding")): ("BigDecimal", "_div({0}, {1}, {2}, {3})"),
    ("setScale", ("int",)): ("BigDecimal", "_set_scale({0}, {1})"),
    ("setScale", ("int", "rounding")): ("BigDecimal", "_set_scale({0}, {1}, {2})"),
    ("compareTo", ("BigDecimal",)): ("int", "_cmp({0}, {1})"),
    ("max", ("BigDecimal",)): ("BigDecimal", "_max({0}, {1})"),
    ("min", ("BigDecimal",)): ("BigDecimal", "_min({0}, {1})"),
    ("equals", ("BigDecimal",)): ("boolean", "_equals({0}, {1})"),
    ("negate", ()): ("BigDecimal", "_neg({0})"),
    ("abs", ()): ("BigDecimal", "_abs({0})"),
    ("signum", ()): ("int", "_signum({0})"),
    ("scale", ()): ("int", "_scale({0})"),
    ("longValue", ()): ("int", "int({0})"),
    ("intValue", ()): ("int", "int({0})"),
    ("doubleValue", ()): ("double", "float({0})"),
}


@dataclass(frozen=True)
class Symbol:
    """A PAP name as the generated code sees it."""

    code: str  # e.g. "s.RE4" for a variable, "K_TAB1" for a constant
    java_type: str
    assignable: bool


class Emitter:
    """Emit typed Python expressions; literals are pooled into the module's namespace."""

    def __init__(self, symbols: dict[str, Symbol], namespace: dict):
        self.symbols = symbols
        self.namespace = namespace
        self._pool: dict[tuple, str] = {}

    def emit(self, node: Node) -> tuple[str, str]:
        """Return (python source, Java type) of an expression."""
        return getattr(self, "_" + node.kind)(node)

    def typed(self, node: Node, *types: str) -> str:
        """Emit an expression that must have one of the given Java types."""
        code, java_type = self.emit(node)
        if java_type not in types:
            _fail(f"expected {' or '.join(types)} but found {java_type}")
        return code

    def assignment(self, target: Node, value: Node) -> str:
        """Emit a Python assignment statement, widening int to double as Java does."""
        symbol = self.symbols.get(target.value) if target.kind == "name" else None
        if symbol is None or not symbol.assignable:
            _fail(f"only PAP variables can be assigned, not {target.value or 'an array element'}")
        code, value_type = self.emit(value)
        if value_type == "int" and symbol.java_type == "double":
            code, value_type = f"float({code})", "double"
        if value_type != symbol.java_type:
            _fail(f"cannot assign {value_type} to {symbol.java_type} {target.value}")
        return f"{symbol.code} = {code}"

    def pooled(self, value) -> str:
        """Return the name of a module constant holding this literal value."""
        key = (type(value).__name__, str(value))  # str keeps a Decimal's scale apart
        if key not in self._pool:
            self._pool[key] = f"_L{len(self._pool)}"
            self.namespace[self._pool[key]] = value
        return self._pool[key]

    def _num(self, node: Node) -> tuple[str, str]:
        value = number_value(node.value)
        return repr(value), "int" if isinstance(value, int) else "double"

    def _name(self, node: Node) -> tuple[str, str]:
        if node.value in _CLASSES:
            return node.value, "class"
        if node.value not in self.symbols:
            _fail(f"unknown name {node.value}")
        return self.symbols[node.value].code, self.symbols[node.value].java_type

    def _field(self, node: Node) -> tuple[str, str]:
        owner = node.args[0].value if node.args[0].kind == "name" else None
        if owner == "BigDecimal" and node.value in _CONSTANTS:
            return self.pooled(_CONSTANTS[node.value]), "BigDecimal"
        legacy = owner == "BigDecimal" and node.value.startswith("ROUND_")
        mode = bd.ROUNDING_MODES.get(node.value.removeprefix("ROUND_") if legacy else node.value)
        if mode and (legacy or owner == "RoundingMode"):
            return repr(mode), "rounding"
        _fail(f"unknown field {owner}.{node.value}")

    def _call(self, node: Node) -> tuple[str, str]:
        receiver, *args = node.args
        emitted = [self.emit(arg) for arg in args]
        types = tuple(java_type for _, java_type in emitted)
        if receiver.kind == "name" and receiver.value == "BigDecimal" and node.value == "valueOf":
            return self._value_of(args, emitted, types), "BigDecimal"
        receiver_code = self.typed(receiver, "BigDecimal")
        if (node.value, types) not in _METHODS:
            _fail(f"unsupported call BigDecimal.{node.value}({', '.join(types)})")
        result_type, template = _METHODS[node.value, types]
        return template.format(receiver_code, *(code for code, _ in emitted)), result_type

    def _value_of(self, args: list[Node], emitted: list, types: tuple) -> str:
        """Emit BigDecimal.valueOf; a literal argument becomes a constant made once."""
        codes = ", ".join(code for code, _ in emitted)
        if types not in (("int",), ("double",), ("int", "int")):
            _fail(f"unsupported call BigDecimal.valueOf({', '.join(types)})")
        literal = literal_value(args[0]) if len(args) == 1 else None
        if literal is not None:
            make = bd.value_of_long if types == ("int",) else bd.value_of_double
            return self.pooled(make(literal))
        return f"_vod({codes})" if types == ("double",) else f"_vol({codes})"

    def _index(self, node: Node) -> tuple[str, str]:
        array_code, array_type = self.emit(node.args[0])
        if not array_type.endswith("[]"):
            _fail(f"{array_type} is not an array")
        return f"_at({array_code}, {self.typed(node.args[1], 'int')})", array_type[:-2]

    def _cast(self, node: Node) -> tuple[str, str]:
        code = self.typed(node.args[0], "int", "double")
        if node.value in ("double", "float"):
            return f"float({code})", "double"
        return f"int({code})", "int"  # (int) of a double truncates toward zero, as int() does

    def _array(self, node: Node) -> tuple[str, str]:
        emitted = [self.emit(item) for item in node.args]
        types = {java_type for _, java_type in emitted}
        if len(types) != 1:
            _fail("array elements must all have one type")
        return "(" + "".join(code + ", " for code, _ in emitted) + ")", types.pop() + "[]"

    def _unary(self, node: Node) -> tuple[str, str]:
        if node.value == "!":
            return f"(not {self.typed(node.args[0], 'boolean')})", "boolean"
        code, java_type = self.emit(node.args[0])
        if java_type not in ("int", "double"):
            _fail(f"unary {node.value} needs a number but found {java_type}")
        return f"({node.value}{code})", java_type

    def _binary(self, node: Node) -> tuple[str, str]:
        op, (left, right) = node.value, node.args
        if op in ("&&", "||"):
            word = "and" if op == "&&" else "or"
            left_code, right_code = self.typed(left, "boolean"), self.typed(right, "boolean")
            return f"({left_code} {word} {right_code})", "boolean"
        if op in _COMPARISONS:
            code = self._compare_to_shortcut(op, left, right) or self._comparison(op, left, right)
            return code, "boolean"
        return self._arithmetic(op, left, right)

    def _comparison(self, op: str, left: Node, right: Node) -> str:
        (left_code, left_type), (right_code, right_type) = self.emit(left), self.emit(right)
        numbers = {left_type, right_type} <= {"int", "double"}
        booleans = op in ("==", "!=") and left_type == right_type == "boolean"
        if not (numbers or booleans):
            _fail(f"cannot compare {left_type} {op} {right_type} (BigDecimal needs compareTo)")
        return f"({left_code} {op} {right_code})"

    def _compare_to_shortcut(self, op: str, left: Node, right: Node) -> str | None:
        """Turn 'a.compareTo(b) == 1' into 'a > b': the same test without the sign detour."""
        sign = literal_value(right)
        is_compare_to = left.kind == "call" and left.value == "compareTo" and len(left.args) == 2
        if not is_compare_to or sign not in (-1, 0, 1):
            return None
        receiver, argument = (self.typed(arg, "BigDecimal") for arg in left.args)
        signs = tuple(s for s in (-1, 0, 1) if _COMPARISONS[op](s, sign))
        if signs not in _SIGNS_TO_OPERATOR:
            return "True" if signs else "False"
        return f"({receiver} {_SIGNS_TO_OPERATOR[signs]} {argument})"

    def _arithmetic(self, op: str, left: Node, right: Node) -> tuple[str, str]:
        (left_code, left_type), (right_code, right_type) = self.emit(left), self.emit(right)
        if not {left_type, right_type} <= {"int", "double"}:
            _fail(f"operator {op} needs numbers, found {left_type} and {right_type}")
        result = "int" if left_type == right_type == "int" else "double"
        if op in ("/", "%") and result == "int":
            return f"{'_idiv' if op == '/' else '_irem'}({left_code}, {right_code})", "int"
        if op == "%":
            return f"_fmod({left_code}, {right_code})", "double"
        return f"({left_code} {op} {right_code})", result


def number_value(text: str) -> int | float:
    """Return a Java numeric literal as int (int/long literal) or float (double literal)."""
    if text[-1] in "lL" or not any(c in text for c in ".eEdDfF"):
        return int(text.rstrip("lL"))
    return float(text.rstrip("dDfF"))


def literal_value(node: Node) -> int | float | None:
    """Return the value of a (possibly negated) numeric literal, else None."""
    if node.kind == "unary" and node.value == "-" and node.args[0].kind == "num":
        return -number_value(node.args[0].value)
    return number_value(node.value) if node.kind == "num" else None


def _fail(problem: str):
    raise LohnsteuerError(problem)
