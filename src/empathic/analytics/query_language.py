"""A small query language for verbatim search and saved filters, compiled to **parameterised** SQL.

Grammar (``AND`` binds tighter than ``OR``; juxtaposition means ``AND``; keywords are upper-case)::

    query   := or
    or      := and ( "OR" and )*
    and     := not ( ["AND"] not )*
    not     := "NOT" not | atom
    atom    := "(" or ")" | field OP value | "quoted phrase" | word
    field   := name | "quoted name"          OP := ":" | "=" | "!=" | "<" | "<=" | ">" | ">="
    value   := word | "quoted value"

Examples: ``theme:"delivery delay" AND plan:pro AND nps<=6 AND "refund"``, ``sentiment:negative date>=2024-05-01``,
``"Division Name":General OR NOT emotion:anger``.

Fields: ``theme``, ``subtheme``, ``sentiment`` (a label, or a number with < >), ``emotion``, ``intent``,
``quadrant``, ``date`` (alias ``created``), ``customer``, ``id``, ``source``, ``text``, ``entity`` (a place or name
the comment mentions, e.g. ``entity:"Hong Kong"``); any **score** name
(numeric comparisons) and any **attribute** name of the workspace. Safety: the SQL text is assembled only from
fixed fragments of this module and operators from a whitelist; every user value — including score and attribute
*names* — travels as a bound parameter. Unknown fields and malformed queries raise :class:`InputError` with the
character position. Nesting (parentheses and ``NOT``) is capped at :data:`MAX_QUERY_DEPTH` levels: the parser is
recursive, and 1,000 parentheses or 3,000 ``NOT`` used to end in a ``RecursionError`` traceback (issue 16).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from empathic.errors import InputError

OPERATORS = {":": "=", "=": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
BUILTIN_FIELDS = ("theme", "subtheme", "sentiment", "emotion", "intent", "quadrant", "date", "created", "customer",
                  "id", "source", "text", "entity")  # fmt: skip
SENTIMENT_LABELS = ("negative", "neutral", "positive", "mixed")
#: Most levels of nesting a query may have; each "(" and each NOT is one level. Real queries use two or three.
MAX_QUERY_DEPTH = 50

_QUOTED = r'"(?:[^"\\]|\\.)*"'
_TOKEN = re.compile(
    rf"(?P<ws>\s+)|(?P<lp>\()|(?P<rp>\))"
    rf"|(?P<field>[A-Za-z_][\w.\-]*|{_QUOTED})(?P<op><=|>=|!=|:|=|<|>)(?P<value>{_QUOTED}|[^\s()\"]+)"
    rf"|(?P<quoted>{_QUOTED})|(?P<word>[^\s()\"]+)"
)


# -- syntax tree ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Text:
    """A free-text word or "quoted phrase"."""

    value: str
    quoted: bool = False


@dataclass(frozen=True)
class Field:
    """``name OP value``."""

    name: str
    op: str
    value: str


@dataclass(frozen=True)
class Bool:
    """``AND`` / ``OR`` of children."""

    op: str
    items: tuple


@dataclass(frozen=True)
class Not:
    """``NOT`` child."""

    item: object


@dataclass
class Compiled:
    """A compiled query: a boolean SQL expression over ``f`` (the feedback row), its parameters, and the free-text
    words (for BM25 ranking and semantic search)."""

    where: str
    params: list = field(default_factory=list)
    text_terms: list[str] = field(default_factory=list)


def _unquote(s: str) -> str:
    return re.sub(r"\\(.)", r"\1", s[1:-1]) if s.startswith('"') else s


def tokenize(query: str) -> list[tuple[str, object, int]]:
    """Lex a query into ``(kind, value, position)`` tokens; kinds: ``( ) AND OR NOT field text``."""
    tokens, pos = [], 0
    while pos < len(query):
        m = _TOKEN.match(query, pos)
        if m is None:
            raise InputError(
                f"cannot read the query at character {pos + 1}: {query[pos : pos + 20]!r}",
                hint='close every quote; write fields as name:value, e.g. theme:"delivery delay" nps<=6',
            )
        kind = m.lastgroup if m.group("field") is None else "field"
        if kind == "lp":
            tokens.append(("(", None, pos))
        elif kind == "rp":
            tokens.append((")", None, pos))
        elif kind == "field":
            tokens.append(("field", Field(_unquote(m.group("field")), m.group("op"), _unquote(m.group("value"))), pos))
        elif kind == "quoted":
            tokens.append(("text", Text(_unquote(m.group("quoted")), quoted=True), pos))
        elif kind == "word":
            word = m.group("word")
            tokens.append((word, None, pos) if word in ("AND", "OR", "NOT") else ("text", Text(word), pos))
        pos = m.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, object, int]], query: str, max_depth: int = MAX_QUERY_DEPTH) -> None:
        self.tokens, self.i, self.query = tokens, 0, query
        self.depth, self.max_depth = 0, max_depth

    def enter(self) -> None:
        """One level deeper (a "(" or a NOT); past ``max_depth`` the query is refused before Python's stack is."""
        self.depth += 1
        if self.depth > self.max_depth:
            raise InputError(
                f"the query nests deeper than {self.max_depth} levels (parentheses and NOTs) at character "
                f"{self.tokens[self.i][2] + 1}",
                hint=f"the limit is {self.max_depth} levels; write the query with fewer nested parentheses and NOTs",
            )

    def peek(self) -> str | None:
        return self.tokens[self.i][0] if self.i < len(self.tokens) else None

    def fail(self, what: str) -> InputError:
        where = self.tokens[self.i][2] + 1 if self.i < len(self.tokens) else len(self.query) + 1
        return InputError(
            f"{what} at character {where} of the query", hint="e.g. theme:refund AND (plan:pro OR nps<=6)"
        )

    def parse(self):
        if not self.tokens:
            return None
        node = self.parse_or()
        if self.peek() is not None:
            raise self.fail(f"unexpected {self.peek()!r}")
        return node

    def parse_or(self):
        items = [self.parse_and()]
        while self.peek() == "OR":
            self.i += 1
            items.append(self.parse_and())
        return items[0] if len(items) == 1 else Bool("OR", tuple(items))

    def parse_and(self):
        items = [self.parse_not()]
        while self.peek() not in (None, ")", "OR"):
            if self.peek() == "AND":
                self.i += 1
            items.append(self.parse_not())
        return items[0] if len(items) == 1 else Bool("AND", tuple(items))

    def parse_not(self):
        if self.peek() == "NOT":
            self.enter()
            self.i += 1
            node = Not(self.parse_not())
            self.depth -= 1
            return node
        return self.parse_atom()

    def parse_atom(self):
        kind = self.peek()
        if kind == "(":
            self.enter()
            self.i += 1
            node = self.parse_or()
            if self.peek() != ")":
                raise self.fail("missing ')'")
            self.i += 1
            self.depth -= 1
            return node
        if kind in ("field", "text"):
            node = self.tokens[self.i][1]
            self.i += 1
            return node
        raise self.fail('expected a word, a "phrase" or a field:value' if kind is None else f"unexpected {kind!r}")


def parse(query: str, *, max_depth: int = MAX_QUERY_DEPTH):
    """Parse a query into its syntax tree (``None`` for an empty query); deeper than ``max_depth`` is an error."""
    return _Parser(tokenize(query), query, max_depth).parse()
