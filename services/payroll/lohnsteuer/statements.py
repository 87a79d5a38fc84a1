"""Translate the PAP's METHODS (MAIN, METHOD, EVAL, IF/THEN/ELSE, EXECUTE) into Python source.

Each PAP method becomes a function m_<NAME>(s) and MAIN becomes _main(s); s is the state
object whose attributes are the PAP fields. Expressions are handed to codegen.Emitter.
"""
import xml.etree.ElementTree as ET

from services.payroll.lohnsteuer.codegen import Emitter
from services.payroll.lohnsteuer.errors import LohnsteuerError
from services.payroll.lohnsteuer.javaexpr import parse_assignment, parse_expression
from services.payroll.lohnsteuer.naming import python_name

_INDENT = "    "


def methods_source(root: ET.Element, emitter: Emitter, file_name: str) -> str:
    """Return Python source with one function per PAP method and _main for MAIN."""
    methods = root.find("METHODS")
    if methods is None or methods.find("MAIN") is None:
        raise LohnsteuerError(f"{file_name} has no METHODS/MAIN section")
    writer = _Writer(emitter, {method.get("name") for method in methods.iter("METHOD")})
    for method in methods:
        name = method.get("name") or "MAIN"
        writer.lines.append(f"def {'_main' if method.tag == 'MAIN' else _function(name)}(s):")
        writer.block(method, 1, name)
        writer.lines.append("")
    return "\n".join(writer.lines)


class _Writer:
    """Collect the Python lines of all methods."""

    def __init__(self, emitter: Emitter, method_names: set[str]):
        self.emitter = emitter
        self.method_names = method_names
        self.lines: list[str] = []

    def block(self, element: ET.Element, depth: int, method: str):
        """Append the statements of an element's children (at least 'pass')."""
        indent, start = _INDENT * depth, len(self.lines)
        for child in element:
            if child.tag == "IF":
                self.if_statement(child, depth, method)
            elif child.tag == "EVAL":
                self.lines.append(indent + _located(method, child, "exec", self.assignment))
            elif child.tag == "EXECUTE":
                self.lines.append(indent + _located(method, child, "method", self.call) + "(s)")
            else:
                raise LohnsteuerError(f"PAP method {method}: unknown element <{child.tag}>")
        if len(self.lines) == start:
            self.lines.append(indent + "pass")

    def if_statement(self, element: ET.Element, depth: int, method: str):
        """Append if/else for an IF element with THEN (may be left out) and optional ELSE."""
        condition = _located(method, element, "expr", self.condition)
        self.lines.append(f"{_INDENT * depth}if {condition}:")
        then = element.find("THEN")
        self.block(then if then is not None else ET.Element("THEN"), depth + 1, method)
        if element.find("ELSE") is not None:
            self.lines.append(f"{_INDENT * depth}else:")
            self.block(element.find("ELSE"), depth + 1, method)

    def assignment(self, text: str) -> str:
        """Translate an EVAL's 'target = expression'."""
        return self.emitter.assignment(*parse_assignment(text))

    def condition(self, text: str) -> str:
        """Translate an IF's expression, which must be boolean."""
        return self.emitter.typed(parse_expression(text), "boolean")

    def call(self, name: str) -> str:
        """Return the function name of another PAP method, which must exist."""
        if name not in self.method_names:
            raise LohnsteuerError(f"no METHOD named '{name}'")
        return _function(name)


def _located(method: str, element: ET.Element, attribute: str, translate) -> str:
    """Translate one attribute's text; an error names the method and quotes the text."""
    text = element.get(attribute) or ""
    try:
        return translate(text)
    except LohnsteuerError as exc:
        where = f"PAP method {method}, <{element.tag}> '{text.strip()}'"
        raise LohnsteuerError(f"{where}: {exc}") from None


def _function(method_name: str) -> str:
    return f"m_{python_name(method_name)}"
