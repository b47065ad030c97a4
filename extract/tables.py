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
    The source contract is checked before this runs (extract.pipeline.run_extract, or the flow's
    source_contract stage), once per run.
    """
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
            query_adapter_callback=_quarantine_numerics,
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


QUARANTINE_COLUMN = "_quarantine"
# what fits decimal(38, 18) (see _bounded_numeric): fewer than 20 integer digits, at most 18 decimals
_MAX_ABS = sa.literal_column("1e20::numeric")
_NAN = sa.literal_column("'NaN'::numeric")


def _unrepresentable(column: sa.Column) -> sa.ColumnElement | None:
    """SQL condition for a numeric value that Arrow's decimal cannot carry (NaN, ±Infinity, 1e20 and more,
    more than 18 decimals that are not zeros); None for columns that cannot hold such values."""
    if not isinstance(column.type, sa.Numeric) or isinstance(column.type, sa.Float):
        return None
    if column.type.precision is None:  # unbounded numeric
        return sa.or_(column == _NAN, sa.func.abs(column) >= _MAX_ABS, column != sa.func.round(column, 18))
    return column == _NAN  # a bounded numeric still accepts 'NaN'


def _quarantine_numerics(query: sa.Select, table: sa.Table) -> sa.Select:
    """Land a row whose numeric value cannot be represented instead of failing the whole extract: the value
    lands as NULL (so no sum adds it) and its source text goes to `_quarantine` ({"column": "text"} JSON),
    where monitoring.source_row_issues flags it (check `unrepresentable_number`). Tables without numeric
    columns are read unchanged."""
    checks = {column.name: _unrepresentable(column) for column in table.columns}
    checks = {name: check for name, check in checks.items() if check is not None}
    if not checks:
        return query
    columns = [
        sa.case((checks[column.name], sa.null()), else_=column).label(column.name) if column.name in checks else column
        for column in table.columns
    ]
    quarantined = sa.func.jsonb_strip_nulls(sa.func.jsonb_build_object(*[
        part for name, check in checks.items()
        for part in (sa.literal(name), sa.case((check, sa.cast(table.columns[name], sa.Text)), else_=sa.null()))
    ]))
    columns.append(sa.cast(sa.func.nullif(quarantined, sa.literal_column("'{}'::jsonb")), sa.Text).label(QUARANTINE_COLUMN))
    return query.with_only_columns(*columns, maintain_column_froms=True)


def _is_empty(engine: sa.engine.Engine, table: str) -> bool:
    with engine.connect() as conn:
        return not conn.execute(sa.text(f'select exists (select 1 from public."{table}")')).scalar()


def _empty_table(name: str, columns: dict, write_disposition: str) -> DltResource:
    @dlt.resource(name=name, columns=columns, primary_key="id", write_disposition=write_disposition)
    def materialize():
        yield dlt.mark.materialize_table_schema()

    return materialize()
