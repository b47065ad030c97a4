"""Run the dlt pipelines that land the Odoo and APN sources in the warehouse schema `raw`."""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from dataclasses import dataclass, field

import sqlalchemy as sa

from extract import contract, fingerprint
from revops import settings

log = logging.getLogger(__name__)

RAW_SCHEMA = "raw"
TRUST_AUTH_PLACEHOLDER = "ignored"  # sent to a server that trusts 127.0.0.1; never a real secret
SOURCES = {"odoo": settings.odoo, "apn": settings.apn}
LOADER_FILE_FORMAT = "csv"


@dataclass
class ExtractResult:
    source: str
    seconds: float
    rows_by_table: dict[str, int] = field(default_factory=dict)
    deleted_by_table: dict[str, int] = field(default_factory=dict)
    skipped: str | None = None  # why dlt did not run (the source's fingerprint is the last extract's)

    @property
    def rows(self) -> int:
        return sum(self.rows_by_table.values())


def _configure_dlt() -> None:
    """dlt reads `.dlt/` from the project and keeps its local state under the project's working folder."""
    os.environ.setdefault("DLT_PROJECT_DIR", str(settings.PROJECT_ROOT))
    os.environ.setdefault("DLT_DATA_DIR", str(settings.home() / "dlt"))
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")


def _source_engine(parts: settings.ConnectionParts) -> sa.engine.Engine:
    # Read-only by intent: sources are read with a read-only user; the session is read-only too.
    return sa.create_engine(
        parts.sqlalchemy_url(),
        pool_pre_ping=True,
        connect_args={"options": "-c default_transaction_read_only=on", "connect_timeout": 10},
    )


def _destination_credentials() -> str:
    parts = settings.warehouse()
    if not parts.password:
        # dlt insists on a password; the embedded server trusts 127.0.0.1 and ignores it.
        parts = dataclasses.replace(parts, password=TRUST_AUTH_PLACEHOLDER)
    return parts.sqlalchemy_url(drivername="postgresql")  # dlt's destination takes libpq URLs


def _source(source_name: str):
    """The dlt source function (dlt is imported only by an extract that has rows to move)."""
    if source_name == "odoo":
        from extract.odoo import odoo

        return odoo
    from extract.apn import apn

    return apn


def pipeline(source_name: str):
    import dlt

    _configure_dlt()
    return dlt.pipeline(
        pipeline_name=f"revops_{source_name}",  # stable: dlt restores state from the destination
        # a replace (full refresh) loads beside the table and swaps in one transaction per table
        destination=dlt.destinations.postgres(
            credentials=_destination_credentials(), replace_strategy="insert-from-staging"
        ),
        dataset_name=RAW_SCHEMA,
        pipelines_dir=str(settings.home() / "dlt" / "pipelines"),
        progress="log",
    )


def check_contract(source_name: str) -> None:
    """Raise contract.ContractError if the source lacks or has retyped a contracted table or column (the
    extract checks this too; the flow checks every source before it writes anything)."""
    engine = _source_engine(SOURCES[source_name]())
    try:
        contract.check_source(engine, source_name, list(_configured_tables(source_name)))
    finally:
        engine.dispose()


def _configured_tables(source_name: str) -> dict[str, str]:
    import dlt

    _configure_dlt()
    return dict(dlt.config[f"sources.{source_name}.tables"])


def _analyze(tables: list[str]) -> None:
    """Fresh planner statistics for the raw tables a load changed: the staging views and the models built on them
    right after would otherwise be planned on a just-filled table without statistics (autovacuum analyzes it a
    minute later) and pick nested loops over it (a 0.1 s dbt test ran for minutes at scale 0.2)."""
    from revops import warehouse

    with warehouse.connect(autocommit=True) as conn, conn.cursor() as cur:
        for table in tables:
            cur.execute("select to_regclass(%s) is not null", (f'raw."{table}"',))
            if cur.fetchone()[0]:
                cur.execute(f'analyze raw."{table}"')


def run_extract(source_name: str, full_refresh: bool = False, contract_checked: bool = False) -> ExtractResult:
    """Land one source system into `raw`; incremental unless `full_refresh` (reload every row).

    A full refresh replaces each table's content from `raw_staging` inside one transaction (truncate +
    insert, never a drop: the staging views dbt built on the raw tables depend on them), so readers and
    a crashed run see either the old rows or the new ones.
    The source's contract is checked first unless the caller just did (`contract_checked`: the flow's
    source_contract stage). An incremental extract whose source fingerprint (extract/fingerprint.py: counts,
    newest cursors, id checksums, columns) equals the one the last successful extract started from moves
    nothing and skips dlt and the delete check."""
    from revops import warehouse

    warehouse.check_source(source_name)  # one quick try (5 s): an outage names the source and its variable at once
    engine = _source_engine(SOURCES[source_name]())
    started = time.monotonic()
    tables = _configured_tables(source_name)
    raw_tables = [f"{source_name}_{table}" for table in tables]
    try:
        if not contract_checked:
            contract.check_source(engine, source_name, list(tables))
        # a full refresh reads everything anyway: it records no fingerprint (the next incremental run does)
        current, source_ids = (None, None) if full_refresh else fingerprint.source_fingerprint(engine, tables)
        with warehouse.connect() as conn, conn.cursor() as cur:
            if current is not None and fingerprint.recorded(cur, source_name, raw_tables) == current:
                result = ExtractResult(source_name, time.monotonic() - started,
                                       skipped="source fingerprint unchanged since the last extract")
                log.info("extract %s: nothing changed at the source (%.1fs)", source_name, result.seconds)
                return result
            fingerprint.forget(cur, source_name)  # an extract that fails half-way leaves no fingerprint behind
        from extract.deletes import reconcile_deletes

        make_source = _source(source_name)
        # The warehouse, not this machine, holds the truth about what was loaded: start from no local
        # state so dlt restores it from the destination (a recreated or switched warehouse reloads;
        # a crashed run's half-done package is simply extracted again).
        p = pipeline(source_name).drop()
        # csv: arrow batches are written as CSV and loaded with COPY (insert_values, dlt's default for postgres,
        # renders every row as SQL text: ~10x slower)
        p.run(make_source(engine, full_refresh=full_refresh), loader_file_format=LOADER_FILE_FORMAT)
        p.sync_schema()  # also create tables that are empty at the source, so dbt always finds them
        counts = p.last_trace.last_normalize_info.row_counts if p.last_trace.last_normalize_info else {}
        # an incremental run never sees hard deletes: reconcile ids (a full refresh mirrors the source already)
        deleted = {} if full_refresh else reconcile_deletes(engine, source_name, list(tables), source_ids)
        rows = {table: n for table, n in counts.items() if not table.startswith("_dlt")}
        _analyze(sorted({table for table, n in rows.items() if n} | set(deleted)))
        if current is not None:
            with warehouse.connect() as conn, conn.cursor() as cur:
                fingerprint.record(cur, source_name, current)
    finally:
        engine.dispose()
    result = ExtractResult(source_name, time.monotonic() - started, rows, deleted)
    log.info("extract %s: %d rows, %d deleted at the source, in %.1fs",
             source_name, result.rows, sum(deleted.values()), result.seconds)
    return result

