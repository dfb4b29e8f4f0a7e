"""Compile a parsed query (see :mod:`query_language`) to a parameterised SQL condition over ``feedback f``.

Only fixed fragments of this module and whitelisted operators reach the SQL text; every value the user typed is a
bound ``?`` parameter. Field names are resolved against a :class:`QueryContext` (the workspace's score and
attribute names, which inputs exist) and unknown ones are an :class:`InputError` that lists the valid fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from empathic.analytics.fulltext import fold, normalise_terms
from empathic.analytics.query_language import (
    BUILTIN_FIELDS,
    OPERATORS,
    SENTIMENT_LABELS,
    Bool,
    Compiled,
    Field,
    Not,
    Text,
    parse,
)
from empathic.errors import InputError
from empathic.feelings.intent import canonical_intent
from empathic.store import Store

_EQ_ONLY = {":", "=", "!="}


@dataclass(frozen=True)
class QueryContext:
    """What a query may refer to. ``scores``/``attributes`` map lower-cased names to the stored names."""

    scores: dict[str, str] = field(default_factory=dict)
    attributes: dict[str, str] = field(default_factory=dict)
    has_themes: bool = False
    has_feelings: bool = False
    has_index: bool = False

    @classmethod
    def from_store(cls, store: Store, *, has_index: bool | None = None) -> QueryContext:
        """Read the score and attribute names (two small ``DISTINCT`` queries)."""
        from empathic.analytics.fulltext import index_is_fresh

        scores = store.read_df("SELECT DISTINCT name FROM feedback_scores").name.tolist()
        attributes = store.read_df("SELECT DISTINCT name FROM comment_attributes").name.tolist()
        return cls(
            scores={s.lower(): s for s in scores},
            attributes={a.lower(): a for a in attributes},
            has_themes=store.count("feedback_themes") > 0,
            has_feelings=store.count("feedback_feelings") > 0,
            has_index=index_is_fresh(store) if has_index is None else has_index,
        )

    def fields(self) -> list[str]:
        """Every field name a query may use."""
        return [*BUILTIN_FIELDS, *sorted(self.scores.values()), *sorted(self.attributes.values())]


def _number(value: str, name: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise InputError(f"{name} needs a number, got {value!r}", hint=f"e.g. {name}<=6") from None


def _text_sql(node: Text, ctx: QueryContext, out: Compiled) -> str:
    terms = normalise_terms(node.value)
    out.text_terms.extend(terms)
    if len(terms) == 1 and ctx.has_index and (not node.quoted or " " not in node.value.strip()):
        out.params.append(terms[0])
        return "EXISTS (SELECT 1 FROM search_postings sp WHERE sp.feedback_id = f.feedback_id AND sp.term = ?)"
    out.params.append(fold(node.value))
    return "strpos(lower(f.text), ?) > 0"


def _membership(column: str, table: str, value: str, op: str, out: Compiled) -> str:
    """``value`` is one of the ';'-joined labels in ``table.column`` for the comment."""
    out.params.append(fold(value))
    cond = (
        f"EXISTS (SELECT 1 FROM {table} x WHERE x.feedback_id = f.feedback_id "
        f"AND list_contains(string_split(lower(coalesce(x.{column}, '')), ';'), ?))"
    )
    return f"NOT {cond}" if op == "!=" else cond


def _field_sql(node: Field, ctx: QueryContext, out: Compiled) -> str:
    name, op, value = node.name.lower(), node.op, node.value
    sql_op = OPERATORS[op]
    if name in ("theme", "subtheme"):
        if op not in _EQ_ONLY:
            raise InputError(f"{name} only supports ':' and '!=' (got {op!r})", hint=f'{name}:"delivery delay"')
        # theme: a label at any level (a subtheme too) or an id; subtheme: levels below the top only
        levels = "" if name == "theme" else "AND t.level >= 2 "
        out.params.extend([fold(value), value])
        cond = (
            "EXISTS (SELECT 1 FROM feedback_themes ft JOIN themes t USING (theme_id) WHERE ft.feedback_id = "
            f"f.feedback_id {levels}AND (lower(t.label) = ? OR t.theme_id = ?))"
        )
        return f"NOT {cond}" if op == "!=" else cond
    if name == "entity":  # the places and names the themes stage found (feedback_entities), any case
        if op not in _EQ_ONLY:
            raise InputError("entity only supports ':' and '!='", hint='entity:"Hong Kong"')
        out.params.append(fold(value))
        cond = "EXISTS (SELECT 1 FROM feedback_entities x WHERE x.feedback_id = f.feedback_id AND lower(x.entity) = ?)"
        return f"NOT {cond}" if op == "!=" else cond
    if name == "sentiment":
        if value.lower() in SENTIMENT_LABELS and op in _EQ_ONLY:
            out.params.append(fold(value))
            return (
                "EXISTS (SELECT 1 FROM feedback_feelings x WHERE x.feedback_id = f.feedback_id "
                f"AND x.sentiment_label {sql_op} ?)"
            )
        out.params.append(_number(value, "sentiment"))
        return (
            f"EXISTS (SELECT 1 FROM feedback_feelings x WHERE x.feedback_id = f.feedback_id AND x.sentiment {sql_op} ?)"
        )
    if name in ("emotion", "intent", "quadrant"):
        if op not in _EQ_ONLY:
            raise InputError(f"{name} only supports ':' and '!='", hint=f"{name}:anger")
        column = {"emotion": "emotions", "intent": "intent", "quadrant": "empathy_quadrants"}[name]
        value = canonical_intent(value) if name == "intent" else value  # "suggestion" → "request"
        return _membership(column, "feedback_feelings", value, op, out)
    if name in ("date", "created"):
        out.params.append(value)
        try:
            import pandas as pd

            pd.Timestamp(value)
        except ValueError:
            raise InputError(f"cannot read date {value!r}", hint="use YYYY-MM-DD, e.g. date>=2024-05-01") from None
        return f"f.created_at {sql_op} CAST(? AS TIMESTAMP)"
    if name in ("customer", "id", "source"):
        column = {"customer": "customer_id", "id": "feedback_id", "source": "source_id"}[name]
        out.params.append(value)
        return f"f.{column} {sql_op} ?"
    if name == "text":
        return _text_sql(Text(value, quoted=True), ctx, out)
    if name in ctx.scores:
        out.params.extend([ctx.scores[name], _number(value, node.name)])
        return (
            "EXISTS (SELECT 1 FROM feedback_scores s WHERE s.feedback_id = f.feedback_id AND s.name = ? "
            f"AND s.value {sql_op} ?)"
        )
    if name in ctx.attributes:
        if op in _EQ_ONLY:
            out.params.extend([ctx.attributes[name], fold(value)])
            cond = (
                "EXISTS (SELECT 1 FROM comment_attributes a WHERE a.feedback_id = f.feedback_id AND a.name = ? "
                "AND lower(a.value) = ?)"
            )
            return f"NOT {cond}" if op == "!=" else cond
        out.params.extend([ctx.attributes[name], _number(value, node.name)])
        return (
            "EXISTS (SELECT 1 FROM comment_attributes a WHERE a.feedback_id = f.feedback_id AND a.name = ? "
            f"AND TRY_CAST(a.value AS DOUBLE) {sql_op} ?)"
        )
    raise InputError(f"unknown field {node.name!r} in the query", hint=f"fields: {', '.join(ctx.fields())}")


def _node_sql(node, ctx: QueryContext, out: Compiled) -> str:
    if isinstance(node, Text):
        return _text_sql(node, ctx, out)
    if isinstance(node, Field):
        return _field_sql(node, ctx, out)
    if isinstance(node, Not):
        return f"(NOT {_node_sql(node.item, ctx, out)})"
    if isinstance(node, Bool):
        joiner = " AND " if node.op == "AND" else " OR "
        return "(" + joiner.join(_node_sql(item, ctx, out) for item in node.items) + ")"
    raise TypeError(f"unknown node {node!r}")  # unreachable: the parser makes only the nodes above


def compile_query(query: str, ctx: QueryContext) -> Compiled:
    """Parse and compile ``query``; an empty query matches every comment.

    Returns:
        :class:`Compiled` with ``where`` (SQL over alias ``f``), ``params`` (in ``?`` order) and ``text_terms``.
    """
    out = Compiled(where="TRUE")
    tree = parse(query or "")
    if tree is not None:
        out.where = _node_sql(tree, ctx, out)
    return out
