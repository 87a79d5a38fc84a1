"""Parse the Java expressions and assignments of a PAP into a small syntax tree.

The PAP writes its formulas in a subset of Java: BigDecimal method chains, int and double
arithmetic, comparisons, && / ||, array indexing, casts and array literals for constants.
The tree keeps what the code generator needs to give each node its Java type and semantics.
"""
import re
from dataclasses import dataclass

from services.payroll.lohnsteuer.errors import LohnsteuerError

_TOKEN = re.compile(r"""
    \s*(?:
      (?P<num>(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?[lLdDfF]?)
    | (?P<name>[A-Za-z_$][\w$]*)
    | (?P<op>&&|\|\||==|!=|<=|>=|[-+*/%<>!=().,\[\]{}])
    )""", re.VERBOSE)
_CAST_TYPES = {"int", "long", "double", "float"}
_BINARY_LEVELS = [["||"], ["&&"], ["==", "!="], ["<", ">", "<=", ">="], ["+", "-"], ["*", "/", "%"]]


@dataclass(frozen=True)
class Node:
    """One syntax-tree node: kind plus the pieces that kind needs."""

    kind: str  # num, name, field, call, index, unary, binary, cast, array
    value: str = ""  # literal text, name, field/method name, operator or cast type
    args: tuple = ()  # child nodes (receiver first for field and call)


def parse_expression(text: str) -> Node:
    """Parse one Java expression."""
    parser = _Parser(text)
    node = parser.expression()
    parser.expect_end()
    return node


def parse_assignment(text: str) -> tuple[Node, Node]:
    """Parse 'target = expression' as written in an EVAL element."""
    parser = _Parser(text)
    target = parser.postfix()
    if target.kind not in ("name", "index"):
        parser.fail("the left side of an assignment must be a variable")
    parser.take("=")
    value = parser.expression()
    parser.expect_end()
    return target, value


class _Parser:
    """Recursive-descent parser over the token list of one expression."""

    def __init__(self, text: str):
        self.text = text
        self.tokens = _tokenize(text)
        self.pos = 0

    def fail(self, problem: str):
        """Raise a LohnsteuerError that quotes the expression."""
        raise LohnsteuerError(f"cannot read PAP expression '{self.text.strip()}': {problem}")

    def peek(self, offset: int = 0) -> tuple[str, str]:
        """Return the (kind, text) of a token ahead, ('end', '') past the last one."""
        index = self.pos + offset
        return self.tokens[index] if index < len(self.tokens) else ("end", "")

    def take(self, text: str | None = None, kind: str | None = None) -> str:
        """Consume the next token, checking its text or kind when given."""
        token_kind, token_text = self.peek()
        wrong = (text is not None and token_text != text) or (kind and token_kind != kind)
        if wrong or token_kind == "end":
            self.fail(f"expected {text or kind} but found '{token_text or 'the end'}'")
        self.pos += 1
        return token_text

    def expect_end(self):
        """Fail unless every token has been consumed."""
        if self.peek()[0] != "end":
            self.fail(f"unexpected '{self.peek()[1]}'")

    def expression(self, level: int = 0) -> Node:
        """Parse a binary expression at this precedence level (0 = loosest)."""
        if level == len(_BINARY_LEVELS):
            return self.unary()
        node = self.expression(level + 1)
        while self.peek()[1] in _BINARY_LEVELS[level] and self.peek()[0] == "op":
            operator = self.take()
            node = Node("binary", operator, (node, self.expression(level + 1)))
        return node

    def unary(self) -> Node:
        """Parse a prefix -, + or !, or a cast like (int) x."""
        kind, text = self.peek()
        if kind == "op" and text in ("-", "+", "!"):
            self.take()
            return Node("unary", text, (self.unary(),))
        if text == "(" and self.peek(1)[1] in _CAST_TYPES and self.peek(2)[1] == ")":
            self.pos += 1
            cast_type = self.take(kind="name")
            self.take(")")
            return Node("cast", cast_type, (self.unary(),))
        return self.postfix()

    def postfix(self) -> Node:
        """Parse a primary followed by .field, .method(args) and [index] suffixes."""
        node = self.primary()
        while self.peek()[1] in (".", "["):
            if self.take() == "[":
                node = Node("index", "", (node, self.expression()))
                self.take("]")
                continue
            member = self.take(kind="name")
            if self.peek()[1] == "(":
                node = Node("call", member, (node, *self.arguments("(", ")")))
            else:
                node = Node("field", member, (node,))
        return node

    def primary(self) -> Node:
        """Parse a literal, a name, a parenthesised expression or an array literal."""
        kind, text = self.peek()
        if kind in ("num", "name"):
            self.pos += 1
            return Node(kind, text)
        if text == "(":
            self.take()
            node = self.expression()
            self.take(")")
            return node
        if text == "{":
            return Node("array", "", tuple(self.arguments("{", "}")))
        self.fail(f"unexpected '{text or 'end of expression'}'")

    def arguments(self, opening: str, closing: str) -> list[Node]:
        """Parse a comma-separated list between the given brackets."""
        self.take(opening)
        items = []
        while self.peek()[1] != closing:
            items.append(self.expression())
            if self.peek()[1] != closing:
                self.take(",")
        self.take(closing)
        return items


def _tokenize(text: str) -> list[tuple[str, str]]:
    """Split an expression into (kind, text) tokens."""
    tokens, pos = [], 0
    while pos < len(text.rstrip()):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            rest = text[pos:].strip()[:10]
            raise LohnsteuerError(f"cannot read PAP expression '{text.strip()}' at '{rest}'")
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens
