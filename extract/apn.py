"""dlt source for the partner's APN database (its mirror of AWS ACE / Partner Central)."""

from __future__ import annotations

import dlt
import sqlalchemy as sa

from extract.tables import contract_tables


@dlt.source(name="apn", max_table_nesting=0)
def apn(
    engine: sa.engine.Engine,
    tables: dict[str, str] = dlt.config.value,
    chunk_size: int = 50000,
    backend: str = "pyarrow",
    full_refresh: bool = False,
):
    """Every contracted APN table as `raw.apn_<table>`; `tables` maps table → cursor (.dlt/config.toml)."""
    yield from contract_tables(engine, "apn", dict(tables), chunk_size, backend, full_refresh)
