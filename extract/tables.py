"""One dlt resource per contracted source table: merged on `id`, incremental on the row's last write."""

from __future__ import annotations

from typing import Iterator

import dlt
import sqlalchemy as sa
from dlt.extract.resource import DltResource
from dlt.sources.sql_database import sql_table


def contract_tables(
    engine: sa.engine.Engine, prefix: str, tables: dict[str, str], chunk_size: int, backend: str,
    full_refresh: bool = False,
) -> Iterator[DltResource]:
    """Yield `<prefix>_<table>` resources for `tables` ({table: cursor column}).

    Columns are reflected at run time, so a new source column lands without code changes.
    Rows whose cursor is NULL are still loaded (a row is never lost for a missing write date).
    A full refresh reads every row and *replaces* the table: dlt loads it into `raw_staging` first and
    swaps the content in one transaction per table (the pipeline's replace strategy is
    insert-from-staging), so a crash leaves each raw table either as it was or fully reloaded, never empty.
    Its incremental state is left as it was: the next incremental run re-reads from the old cursor,
    which the merge on `id` absorbs.
    """
    missing = sorted(set(tables) - set(sa.inspect(engine).get_table_names(schema="public")))
    if missing:
        raise ValueError(
            f"source database {engine.url.database!r} lacks contracted tables {missing}: "
            "point the *_DATABASE_URL at a database that follows shared/sources, or run `revops demo-data`"
        )
    for table, cursor in tables.items():
        resource = sql_table(
            credentials=engine,
            table=table,
            schema="public",
            incremental=None if full_refresh else dlt.sources.incremental(cursor, on_cursor_value_missing="include"),
            write_disposition="replace" if full_refresh else "merge",
            primary_key="id",
            chunk_size=chunk_size,
            backend=backend,
            reflection_level="full_with_precision",
            type_adapter_callback=_bounded_numeric,
        ).with_name(f"{prefix}_{table}")
        if _is_empty(engine, table):
            # dlt creates no table for a resource that yields nothing; downstream models need it anyway
            yield _empty_table(
                f"{prefix}_{table}", resource.compute_table_schema()["columns"], "replace" if full_refresh else "merge"
            )
        else:
            yield resource


def _bounded_numeric(sql_type):
    """Unbounded `numeric` (Odoo's Monetary/Float(digits)) would become decimal(38, 9) in Arrow and fail on
    values with more decimals; 18 decimals keep every realistic amount exact, and a value beyond that still
    fails loudly instead of being rounded."""
    if isinstance(sql_type, sa.Numeric) and not isinstance(sql_type, sa.Float) and sql_type.precision is None:
        return sa.Numeric(38, 18)
    return sql_type


def _is_empty(engine: sa.engine.Engine, table: str) -> bool:
    with engine.connect() as conn:
        return not conn.execute(sa.text(f'select exists (select 1 from public."{table}")')).scalar()


def _empty_table(name: str, columns: dict, write_disposition: str) -> DltResource:
    @dlt.resource(name=name, columns=columns, primary_key="id", write_disposition=write_disposition)
    def materialize():
        yield dlt.mark.materialize_table_schema()

    return materialize()
