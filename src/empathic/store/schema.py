"""How a workspace table is declared: name, columns (SQL and Arrow types), key — and what is generated from it.

A :class:`Table` is the one place a table's shape is written (``empathic.store.tables`` holds them all). From it
come the DDL a new workspace is created with (:meth:`Table.create_sql`), the Arrow schema writers build their batches
with (:meth:`Table.arrow_schema`) and the column list of an ``INSERT ... BY NAME`` (:attr:`Table.column_names`).
The migrations stay the history that brings an older workspace to the same shape;
``tests/store/test_table_declarations.py`` checks that both roads end at the declaration.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from empathic.store.quoting import ident


@dataclass(frozen=True)
class SqlType:
    """A column type in both worlds: its DuckDB name and the Arrow type DuckDB reads it back as."""

    sql: str
    arrow: pa.DataType


VARCHAR = SqlType("VARCHAR", pa.string())
#: JSON text: Arrow sees a string (DuckDB's JSON is VARCHAR with a logical type).
JSON = SqlType("JSON", pa.string())
INTEGER = SqlType("INTEGER", pa.int32())
BIGINT = SqlType("BIGINT", pa.int64())
DOUBLE = SqlType("DOUBLE", pa.float64())
BOOLEAN = SqlType("BOOLEAN", pa.bool_())
TIMESTAMP = SqlType("TIMESTAMP", pa.timestamp("us"))
DATE = SqlType("DATE", pa.date32())
BLOB = SqlType("BLOB", pa.binary())

#: Marks a column ``NOT NULL`` in a declaration: ``("text", VARCHAR, NOT_NULL)``.
NOT_NULL = "NOT NULL"


@dataclass(frozen=True)
class Column:
    """One column: name, type, whether it may hold NULL, and its SQL default (``None`` for none)."""

    name: str
    type: SqlType
    nullable: bool = True
    default: str | None = None


def _column(spec: tuple | Column) -> Column:
    if isinstance(spec, Column):
        return spec
    name, type_, *flags = spec
    return Column(name, type_, nullable=NOT_NULL not in flags)


@dataclass(frozen=True)
class Table:
    """A workspace table, declared once.

    Attributes:
        name: the table name.
        component: the schema component that owns it (``empathic.store.migrations.COMPONENTS``).
        key: the columns that identify a row. A primary key in the DDL unless ``key_enforced`` is False (the search
            index keeps its key unenforced: rebuilding it with a key index was ~10x slower); the contract test
            checks the key is unique in every stage's output either way.
        columns: in table order, each ``(name, type)``, ``(name, type, NOT_NULL)`` or a :class:`Column`.
    """

    name: str
    component: str
    key: tuple[str, ...]
    columns: tuple
    key_enforced: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(_column(c) for c in self.columns))
        names = self.column_names
        if len(set(names)) != len(names):
            raise ValueError(f"table {self.name!r} declares a column twice")
        missing = [k for k in self.key if k not in names]
        if missing:
            raise ValueError(f"table {self.name!r}: key columns {missing} are not declared")

    @property
    def column_names(self) -> tuple[str, ...]:
        """The column names in table order (what an ``INSERT ... BY NAME`` of a whole row selects)."""
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        """The declared column ``name`` (KeyError if the table has none)."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"table {self.name!r} has no column {name!r}")

    def arrow_schema(self, columns: tuple[str, ...] | list[str] | None = None) -> pa.Schema:
        """The Arrow schema of the table (or of the named ``columns``, in that order) as writers build batches.

        Fields are nullable in Arrow even where SQL says NOT NULL: the database enforces that, on insert.
        """
        picked = self.columns if columns is None else [self.column(n) for n in columns]
        return pa.schema([pa.field(c.name, c.type.arrow) for c in picked])

    def create_sql(self) -> str:
        """``CREATE TABLE`` for this declaration: names through :func:`ident`, types and defaults from the code."""
        parts = [column_sql(col) for col in self.columns]
        if self.key and self.key_enforced:
            parts.append(f"PRIMARY KEY ({', '.join(ident(k) for k in self.key)})")
        return f"CREATE TABLE {ident(self.name)} ({', '.join(parts)})"


def column_sql(col: Column) -> str:
    """One column definition: quoted name, type, ``NOT NULL`` and ``DEFAULT`` as declared."""
    return f"{ident(col.name)} {type_sql(col)}{constraint_sql(col)}"


def type_sql(col: Column) -> str:
    """The column's SQL type name (one of this module's constants, never user text)."""
    return col.type.sql


def constraint_sql(col: Column) -> str:
    """`` NOT NULL`` / `` DEFAULT <literal>`` of a declared column (literals written in the declarations)."""
    text = "" if col.nullable else " NOT NULL"
    return text if col.default is None else text + " DEFAULT " + col.default
