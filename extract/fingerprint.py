"""A cheap fingerprint of a source, so an extract with nothing to move skips dlt entirely.

Per contracted table: the row count, the newest cursor value, the id checksum (the same count and
`sum(hashtext(id))` the delete check compares) and a checksum of the rows whose cursor is NULL (dlt re-reads
those on every incremental run), in one query per source; plus every column's name and type (schema evolution
and the contract). A row inserted, updated (its cursor moves: that is what the incremental extract relies on
too), deleted or retyped changes it.

The fingerprint is taken *before* the extract and recorded in the warehouse (`raw._source_fingerprints`) only
after the extract and its delete check succeeded: a row written while an extract runs changes the next
fingerprint, so the next run extracts. A recreated warehouse has no fingerprint, so it reloads.
"""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa

FINGERPRINTS = "_source_fingerprints"
DDL = f"""
create schema if not exists raw;
create table if not exists raw.{FINGERPRINTS} (
    source text primary key,
    fingerprint text not null,
    recorded_at timestamptz not null default now()
);
comment on table raw.{FINGERPRINTS} is
    'Per source, the fingerprint (counts, newest cursors, id checksums, columns) its last successful extract started from.';
"""


def _table_part(table: str, cursor: str) -> str:
    return (f"""select '{table}' as source_table, count(*) as row_count, max(t."{cursor}")::text as newest,
                       coalesce(sum(hashtext(cast(t.id as text))), 0) as id_checksum,
                       coalesce(sum(hashtext(cast(t as text))) filter (where t."{cursor}" is null), 0) as null_cursor_rows
                from public."{table}" as t""")


def source_fingerprint(engine: sa.engine.Engine, tables: dict[str, str]) -> tuple[str, dict[str, tuple[int, int]]]:
    """The fingerprint of `tables` ({table: cursor column}) at the source (two queries), and each table's id count
    and checksum ({table: (count, checksum)}: what the delete check compares, so it need not read them again)."""
    with engine.connect() as conn:
        parts = conn.execute(sa.text(" union all ".join(_table_part(t, c) for t, c in sorted(tables.items())))).all()
        columns = conn.execute(
            sa.text("""select table_name, column_name, data_type, coalesce(numeric_precision, -1),
                              coalesce(numeric_scale, -1), coalesce(character_maximum_length, -1)
                       from information_schema.columns
                       where table_schema = 'public' and table_name = any(:tables)
                       order by table_name, column_name"""),
            {"tables": sorted(tables)},
        ).all()
    payload = {"tables": tables, "rows": [list(map(str, row)) for row in parts],
               "columns": [list(map(str, row)) for row in columns]}
    ids = {row.source_table: (int(row.row_count), int(row.id_checksum)) for row in parts}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest(), ids


def recorded(cur, source: str, raw_tables: list[str]) -> str | None:
    """The fingerprint recorded by the last successful extract of `source`, or None when there is none or a raw
    table it landed is gone."""
    cur.execute("select to_regclass(%s) is not null", (f"raw.{FINGERPRINTS}",))
    if not cur.fetchone()[0]:
        return None
    cur.execute("select count(*) from pg_tables where schemaname = 'raw' and tablename = any(%s)", (raw_tables,))
    if cur.fetchone()[0] != len(raw_tables):
        return None
    cur.execute(f"select fingerprint from raw.{FINGERPRINTS} where source = %s", (source,))
    row = cur.fetchone()
    return row[0] if row else None


def record(cur, source: str, fingerprint: str) -> None:
    cur.execute(DDL)
    cur.execute(
        f"""insert into raw.{FINGERPRINTS} (source, fingerprint) values (%s, %s)
            on conflict (source) do update set fingerprint = excluded.fingerprint, recorded_at = now()""",
        (source, fingerprint),
    )


def forget(cur, source: str) -> None:
    cur.execute("select to_regclass(%s) is not null", (f"raw.{FINGERPRINTS}",))
    if cur.fetchone()[0]:
        cur.execute(f"delete from raw.{FINGERPRINTS} where source = %s", (source,))
