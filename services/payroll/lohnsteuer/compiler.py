"""Compile a BMF PAP XML file into a Python function.

The PAP declares its fields (INPUTS, OUTPUTS, INTERNALS, CONSTANTS) and its methods
(MAIN, METHOD with EVAL, IF/THEN/ELSE, EXECUTE). The methods become Python functions
over one state object whose attributes are the PAP fields (statements.py, codegen.py).
Nothing about the tax itself is written here, so a new year is a new data file.
"""
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from services.payroll.lohnsteuer import runtime
from services.payroll.lohnsteuer.bigdecimal import value_of_double
from services.payroll.lohnsteuer.codegen import Emitter, Symbol
from services.payroll.lohnsteuer.errors import LohnsteuerError
from services.payroll.lohnsteuer.javaexpr import parse_expression
from services.payroll.lohnsteuer.naming import python_name
from services.payroll.lohnsteuer.statements import methods_source

_JAVA_TYPES = {"int": "int", "long": "int", "short": "int", "byte": "int", "double": "double",
               "float": "double", "boolean": "boolean", "BigDecimal": "BigDecimal"}
_ZERO = {"int": 0, "double": 0.0, "boolean": False, "BigDecimal": Decimal(0)}


@dataclass(frozen=True)
class Variable:
    """A declared PAP field: name, Java type ("int", "double", "BigDecimal", ...), default."""

    name: str
    java_type: str
    default: object


@dataclass
class CompiledPap:
    """One year's PAP, ready to run."""

    inputs: dict[str, Variable]
    outputs: list[str]
    source: str  # the generated Python, kept for debugging
    main: object = field(repr=False)
    defaults: dict[str, object] = field(repr=False)

    def run(self, inputs: dict[str, object]) -> dict[str, Decimal]:
        """Run MAIN on fresh state with these (already typed) inputs; return every output."""
        state = _State()
        state.__dict__.update(self.defaults)
        state.__dict__.update({python_name(name): value for name, value in inputs.items()})
        try:
            self.main(state)
        except (ArithmeticError, IndexError) as exc:  # Java would throw here, too
            raise LohnsteuerError(f"the PAP cannot compute these inputs: {exc}") from None
        return {name: _as_output(getattr(state, python_name(name))) for name in self.outputs}


class _State:
    """Attribute bag holding every PAP field during one calculation."""


def compile_pap(path: Path) -> CompiledPap:
    """Read and compile one PAP XML file; raise LohnsteuerError when it cannot be used."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as exc:
        raise LohnsteuerError(f"cannot read {path.name}: {exc}") from None
    variables = {tag: _declarations(root, tag) for tag in ("INPUT", "OUTPUT", "INTERNAL")}
    constants = _declarations(root, "CONSTANT", value_attribute="value")
    symbols = _symbols(path, variables, constants)
    namespace = dict(runtime.NAMES)
    emitter = Emitter(symbols, namespace)
    for name, (java_type, value) in constants.items():
        namespace[symbols[name].code] = _evaluate(emitter, value, java_type, namespace, name)
    defaults = {
        python_name(name): _evaluate(emitter, default, java_type, namespace, name)
        for group in variables.values() for name, (java_type, default) in group.items()
    }
    source = methods_source(root, emitter, path.name)
    # The source is our own translation of the PAP, compiled once per year.
    exec(compile(source, f"<{path.name}>", "exec"), namespace)  # noqa: S102
    inputs = {name: Variable(name, java_type, defaults[python_name(name)])
              for name, (java_type, _) in variables["INPUT"].items()}
    return CompiledPap(inputs, list(variables["OUTPUT"]), source, namespace["_main"], defaults)


def _declarations(root: ET.Element, tag: str, value_attribute: str = "default") -> dict:
    """Return {name: (Java type, value or default text)} of every element with this tag."""
    found = {}
    for element in root.iter(tag):
        name, declared = element.get("name"), element.get("type", "")
        base = declared.strip().removesuffix("[]")
        if not name or base not in _JAVA_TYPES:
            problem = f"has an unsupported type '{declared}'"
            raise LohnsteuerError(f"{tag} {name or '(no name)'} {problem}")
        java_type = _JAVA_TYPES[base] + ("[]" if declared.strip().endswith("[]") else "")
        found[name] = (java_type, element.get(value_attribute))
    return found


def _symbols(path: Path, variables: dict, constants: dict) -> dict[str, Symbol]:
    """Return how generated code reads each name: state attributes and module constants."""
    symbols = {}
    for group in (*variables.values(), constants):
        for name, (java_type, _) in group.items():
            if name in symbols:
                raise LohnsteuerError(f"{path.name} declares {name} twice")
            assignable = group is not constants
            code = f"s.{python_name(name)}" if assignable else f"K_{python_name(name)}"
            symbols[name] = Symbol(code, java_type, assignable)
    return symbols


def _evaluate(emitter: Emitter, text: str | None, java_type: str, namespace: dict, name: str):
    """Evaluate a default or constant expression; a missing one is Java's zero for the type."""
    if text is None:
        return _ZERO.get(java_type, ())
    try:
        code, value_type = emitter.emit(parse_expression(text))
        if value_type == "int" and java_type == "double":
            code, value_type = f"float({code})", "double"
        if value_type != java_type:
            raise LohnsteuerError(f"{value_type} value for a {java_type}")
        return eval(code, namespace)  # noqa: S307 - our own translation of the PAP text
    except LohnsteuerError as exc:
        raise LohnsteuerError(f"value of {name} ('{text}'): {exc}") from None


def _as_output(value) -> Decimal:
    """Return an output value as Decimal without Decimal's negative zero."""
    if isinstance(value, float):
        return value_of_double(value)
    value = Decimal(value)
    return value.copy_abs() if not value else value
