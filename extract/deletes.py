"""Rows deleted at the source leave raw on incremental runs too, as tombstones.

An incremental extract only sees rows whose cursor moved, never a hard delete. After each incremental load
the ids of every contracted table are compared with the landed ones (one `select id` per source table,
copied into a temporary table of the warehouse); a landed row whose id the source no longer has is moved,
whole, into `raw._tombstones` with the time it was found deleted, and removed from its raw table, so
staging, core (whose incremental models drop rows missing upstream), matching and the decisions follow on
the same run. A row that reappears at the source is landed again by the next extract that reads it.
A table whose ids have the same count and checksum (sum of `hashtext(id::text)`) on both sides has lost no
row and is skipped: two aggregates instead of shipping every id (most of an idle run's extract time)."""

from __future__ import annotations


import sqlalchemy as sa

from revops import warehouse

TOMBSTONES = "_tombstones"
DDL = f"""
create schema if not exists raw;
create table if not exists raw.{TOMBSTONES} (
    source_table text not null,
    id text not null,
    deleted_at timestamptz not null,
    row jsonb not null,
    primary key (source_table, id, deleted_at)
);
comment on table raw.{TOMBSTONES} is
    'Rows deleted at the source: the landed row as it was (row), found missing by the extract at deleted_at.';
"""


ID_CHECKSUM = "count(*), coalesce(sum(hashtext(cast(id as text))), 0)"


def _same_ids(engine: sa.engine.Engine, cur, table: str, raw: str, at_source: tuple[int, int] | None) -> bool:
    """True when the source table and its raw table hold the same number of ids with the same checksum."""
    if at_source is None:
        with engine.connect() as source:
            at_source = tuple(source.execute(sa.text(f'select {ID_CHECKSUM} from public."{table}"')).one())
    cur.execute(f'select {ID_CHECKSUM} from raw."{raw}"')
    return tuple(cur.fetchone()) == tuple(at_source)


def reconcile_deletes(engine: sa.engine.Engine, prefix: str, tables: list[str],
                      source_ids: dict[str, tuple[int, int]] | None = None) -> dict[str, int]:
    """Tombstone the landed rows of `<prefix>_<table>` whose id is gone from the source; {raw table: rows}.

    `source_ids` ({table: (id count, id checksum)}) are the source's aggregates as the extract's fingerprint read
    them just before the load, so the source is not scanned twice. Taken before the load, they can only err
    towards work: a row inserted since makes the sides differ (the ids are shipped and compared); a row deleted
    since is missed now and found by the next extract, whose fingerprint differs because of it."""
    deleted: dict[str, int] = {}
    with warehouse.connect() as wh, wh.cursor() as cur:  # one transaction: all tables or none
        cur.execute(DDL)
        for table in tables:
            raw = f"{prefix}_{table}"
            cur.execute("select to_regclass(%s) is not null", (f'raw."{raw}"',))
            if not cur.fetchone()[0]:
                continue
            if _same_ids(engine, cur, table, raw, (source_ids or {}).get(table)):
                continue
            with engine.connect() as source:
                result = source.execution_options(stream_results=True, yield_per=50000).execute(
                    sa.text(f'select id from public."{table}"'))
                ids = [row_id for (row_id,) in result]
            cur.execute(f'drop table if exists pg_temp._source_ids; create temp table _source_ids as '
                        f'select id from raw."{raw}" limit 0')
            warehouse.copy_columns(cur, "pg_temp._source_ids", {"id": ids})
            cur.execute("analyze pg_temp._source_ids")
            cur.execute(
                f"""with gone as (
                        delete from raw."{raw}" as landed
                        where not exists (select 1 from pg_temp._source_ids as s where s.id = landed.id)
                        returning landed.*
                    )
                    insert into raw.{TOMBSTONES} (source_table, id, deleted_at, row)
                    select %s, cast(gone.id as text), now(), to_jsonb(gone) from gone""",
                (raw,),
            )
            if cur.rowcount:
                deleted[raw] = cur.rowcount
    return deleted
