"""Bulk loading for the demo: contract DDL in two phases and COPY of column batches through Arrow CSV."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any, Mapping, Sequence

import psycopg2
import pyarrow as pa
import pyarrow.csv as pacsv

from revops.settings import ConnectionParts

SQL_DIR = Path(__file__).resolve().parent / "sql"

_CSV_OPTIONS = pacsv.WriteOptions(include_header=False, batch_size=8192)


def contract_ddl(system: str) -> str:
    """The contract DDL of `system` ('odoo' or 'apn') as shipped with the package."""
    return (SQL_DIR / f"{system}.sql").read_text()


def split_ddl(ddl: str) -> tuple[str, str]:
    """Split the DDL into (tables and comments, foreign keys and indexes).

    The second part is applied after the bulk load: validating a foreign key once over a filled
    table is far cheaper than a trigger call per COPY row, and the resulting catalogue is the same
    as loading the file in one go.
    """
    statements = [s.strip() for s in _statements(ddl) if s.strip()]
    late = [s for s in statements if re.match(r"(?is)^alter\s+table\s.+foreign\s+key", s)
            or re.match(r"(?is)^create\s+index", s)]
    early = [s for s in statements if s not in late]
    return ";\n".join(early) + ";\n", (";\n".join(late) + ";\n") if late else ""


def _statements(ddl: str) -> list[str]:
    """Split on semicolons outside quotes and comments (the contract has no functions or dollar quotes)."""
    out, buf, i, quote = [], [], 0, False
    while i < len(ddl):
        ch = ddl[i]
        if not quote and ddl.startswith("--", i):
            end = ddl.find("\n", i)
            i = len(ddl) if end < 0 else end + 1
            buf.append("\n")
            continue
        if ch == "'":
            quote = not quote
        if ch == ";" and not quote:
            out.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
        i += 1
    out.append("".join(buf))
    return out


def recreate_database(parts: ConnectionParts) -> None:
    """Drop (disconnecting any session) and create the database named in `parts`."""
    conn = psycopg2.connect(parts.with_database("postgres").dsn())
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(f'drop database if exists "{parts.database}" with (force)')
            cur.execute(f'create database "{parts.database}" template template0 encoding \'UTF8\'')
    finally:
        conn.close()


def drop_database(parts: ConnectionParts) -> None:
    conn = psycopg2.connect(parts.with_database("postgres").dsn())
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(f'drop database if exists "{parts.database}" with (force)')
    finally:
        conn.close()


def database_exists(parts: ConnectionParts) -> bool:
    try:
        conn = psycopg2.connect(parts.with_database("postgres").dsn(), connect_timeout=5)
    except psycopg2.OperationalError:
        return False
    try:
        with conn.cursor() as cur:
            cur.execute("select 1 from pg_database where datname = %s", (parts.database,))
            return cur.fetchone() is not None
    finally:
        conn.close()


Columns = Mapping[str, Any]  # column name -> list / numpy array / pyarrow array


def copy_columns(cur, table: str, columns: Columns, freeze: bool = False) -> int:
    """COPY one batch given column-wise into `table`; returns the number of rows.

    `freeze` writes the rows frozen (no later hint-bit rewrite); only for tables created in the
    current transaction."""
    names = list(columns)
    arrays = [_as_arrow(columns[name]) for name in names]
    batch = pa.table(arrays, names=names)
    if batch.num_rows == 0:
        return 0
    buffer = io.BytesIO()
    pacsv.write_csv(batch, buffer, _CSV_OPTIONS)
    buffer.seek(0)
    column_list = ", ".join(f'"{name}"' for name in names)
    options = "format csv, freeze" if freeze else "format csv"
    cur.copy_expert(f"copy {table} ({column_list}) from stdin with ({options})", buffer)
    return batch.num_rows


def copy_rows(cur, table: str, names: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """COPY row tuples (small tables built in Python)."""
    if not rows:
        return 0
    cols = {name: [row[i] for row in rows] for i, name in enumerate(names)}
    return copy_columns(cur, table, cols)


def _as_arrow(values: Any) -> pa.Array:
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        return values
    if isinstance(values, list) and values and all(v is None for v in values):
        return pa.array(values, type=pa.string())
    return pa.array(values)


def reset_sequences(cur) -> None:
    """Point every serial's sequence past the explicit ids we loaded."""
    cur.execute(
        """
        select table_name, column_name, pg_get_serial_sequence(quote_ident(table_name), column_name)
        from information_schema.columns
        where table_schema = 'public' and column_default like 'nextval%'
        order by table_name
        """
    )
    for table, column, sequence in cur.fetchall():
        if sequence:
            cur.execute(
                f'select setval(%s, coalesce((select max("{column}") from public."{table}"), 0) + 1, false)',
                (sequence,),
            )


def table_columns(ddl: str) -> dict[str, list[str]]:
    """Column names per table, in DDL order, parsed from the contract's CREATE TABLE blocks."""
    tables: dict[str, list[str]] = {}
    for statement in _statements(ddl):
        match = re.match(r"(?is)\s*create\s+table\s+public\.(\w+)\s*\((.*)\)\s*$", statement)
        if not match:
            continue
        columns = []
        for line in match.group(2).splitlines():
            token = line.strip().split(" ")[0] if line.strip() else ""
            if token and token.upper() != "CONSTRAINT" and re.match(r"^[a-z_][a-z0-9_]*$", token):
                columns.append(token)
        tables[match.group(1)] = columns
    return tables
