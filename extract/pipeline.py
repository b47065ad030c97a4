"""Run the dlt pipelines that land the Odoo and APN sources in the warehouse schema `raw`."""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from dataclasses import dataclass, field

import dlt
import sqlalchemy as sa

from extract import contract
from extract.apn import apn
from extract.deletes import reconcile_deletes
from extract.odoo import odoo
from revops import settings

log = logging.getLogger(__name__)

RAW_SCHEMA = "raw"
TRUST_AUTH_PLACEHOLDER = "ignored"  # sent to a server that trusts 127.0.0.1; never a real secret
SOURCES = {"odoo": (odoo, settings.odoo), "apn": (apn, settings.apn)}
LOADER_FILE_FORMAT = "csv"


@dataclass
class ExtractResult:
    source: str
    seconds: float
    rows_by_table: dict[str, int] = field(default_factory=dict)
    deleted_by_table: dict[str, int] = field(default_factory=dict)

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


def pipeline(source_name: str) -> dlt.Pipeline:
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
    make_source, source_parts = SOURCES[source_name]
    engine = _source_engine(source_parts())
    try:
        contract.check_source(engine, source_name, list(_configured_tables(source_name)))
    finally:
        engine.dispose()


def _configured_tables(source_name: str) -> dict[str, str]:
    _configure_dlt()
    return dict(dlt.config[f"sources.{source_name}.tables"])


def run_extract(source_name: str, full_refresh: bool = False) -> ExtractResult:
    """Land one source system into `raw`; incremental unless `full_refresh` (reload every row).

    A full refresh replaces each table's content from `raw_staging` inside one transaction (truncate +
    insert, never a drop: the staging views dbt built on the raw tables depend on them), so readers and
    a crashed run see either the old rows or the new ones."""
    make_source, source_parts = SOURCES[source_name]
    from revops.warehouse import check_source

    check_source(source_name)  # one quick try (5 s): an outage names the source and its variable at once
    engine = _source_engine(source_parts())
    started = time.monotonic()
    try:
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
        deleted = {} if full_refresh else reconcile_deletes(engine, source_name, list(_configured_tables(source_name)))
    finally:
        engine.dispose()
    rows = {table: n for table, n in counts.items() if not table.startswith("_dlt")}
    result = ExtractResult(source_name, time.monotonic() - started, rows, deleted)
    log.info("extract %s: %d rows, %d deleted at the source, in %.1fs",
             source_name, result.rows, sum(deleted.values()), result.seconds)
    return result

