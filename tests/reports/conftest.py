"""Fixtures for the report site tests: the `evidence_dev` scratch database on the tests' server."""

from __future__ import annotations

import pytest

from tests.reports import evidence_dev


@pytest.fixture(scope="session")
def evidence_dev_db(warehouse_server):
    """`evidence_dev` with fake `billing.cost_vs_invoice_monthly` and `pod.decisions` rows."""
    return evidence_dev.create(warehouse_server)
