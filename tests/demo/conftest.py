"""Fixtures for the demo generator tests: a running PostgreSQL and one tiny generated demo."""

from __future__ import annotations

import pytest

from demo_data.generate import create_demo_sources
from revops.settings import ConnectionParts

TINY_SCALE = 0.02
# Own database names: never the odoo_demo / apn_demo the running pipeline reads.
ODOO_DB, APN_DB = "odoo_test_gen", "apn_test_gen"


@pytest.fixture(scope="session")
def server(warehouse_server: ConnectionParts) -> ConnectionParts:
    """The tests' own embedded PostgreSQL (tests/conftest.py), host of the scratch databases."""
    return warehouse_server


@pytest.fixture(scope="session")
def tiny_demo(server: ConnectionParts) -> tuple[ConnectionParts, ConnectionParts, dict]:
    odoo, apn = server.with_database(ODOO_DB), server.with_database(APN_DB)
    summary = create_demo_sources(odoo, apn, scale=TINY_SCALE, seed=42)
    return odoo, apn, summary
