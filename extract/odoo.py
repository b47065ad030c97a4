"""dlt source for the partner's Odoo database (CRM, billing and the custom AWS tables)."""

from __future__ import annotations

import dlt
import sqlalchemy as sa

from extract.tables import contract_tables


@dlt.source(name="odoo", max_table_nesting=0)
def odoo(
    engine: sa.engine.Engine,
    tables: dict[str, str] = dlt.config.value,
    chunk_size: int = 50000,
    backend: str = "pyarrow",
    full_refresh: bool = False,
):
    """Every contracted Odoo table as `raw.odoo_<table>`; `tables` maps table → cursor (.dlt/config.toml)."""
    yield from contract_tables(engine, "odoo", dict(tables), chunk_size, backend, full_refresh)
