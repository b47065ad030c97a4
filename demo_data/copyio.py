"""Bulk loading for the demo: contract DDL in two phases; column batches go in by `revops.warehouse.copy_columns`."""

from __future__ import annotations

import re
from pathlib import Path

import psycopg2
import sqlparse

from revops.settings import ConnectionParts
from revops import warehouse
from revops.warehouse import copy_columns  # noqa: F401  (the generator's COPY: the project's one encoder)

SQL_DIR = Path(__file__).resolve().parent / "sql"


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
    """The statements of `ddl` without comments and their closing semicolons (sqlparse)."""
    return [s.strip().removesuffix(";") for s in sqlparse.split(sqlparse.format(ddl, strip_comments=True))]


def recreate_database(parts: ConnectionParts) -> None:
    """Drop (disconnecting any session) and create the database named in `parts`."""
    conn = psycopg2.connect(parts.with_database("postgres").dsn())
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            warehouse.drop_database(cur, parts.database)
            cur.execute(f'create database "{parts.database}" template template0 encoding \'UTF8\'')
    finally:
        conn.close()


def drop_database(parts: ConnectionParts) -> None:
    conn = psycopg2.connect(parts.with_database("postgres").dsn())
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            warehouse.drop_database(cur, parts.database)
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
