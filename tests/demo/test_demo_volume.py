"""Scale 1.0 reaches production volumes (SPEC "Sources") within ±5%.

Its speed (under 3 minutes) is shown by `python -m demo_data.benchmark`, not asserted here."""

from __future__ import annotations

import psycopg2
import pytest

from demo_data.copyio import drop_database
from demo_data.generate import create_demo_sources
from revops.settings import ConnectionParts

TARGETS = {  # name: (database, query, target)
    "odoo opportunities": ("odoo", "select count(*) from crm_lead where type = 'opportunity'", 3100),
    "ace opportunities": ("apn", "select count(*) from opportunity", 4800),
    "customer companies": ("apn", "select count(*) from truth.customers", 900),
    "monthly cost rows": ("odoo", "select count(*) from c_billing_internal_cur", 155_000),
    "customer invoices": ("odoo", "select count(*) from account_move where move_type in ('out_invoice', 'out_refund')", 12_700),
    "invoice lines": ("odoo", "select count(*) from account_move_line", 2_400_000),
}


def _one(parts: ConnectionParts, sql: str) -> int:
    conn = psycopg2.connect(parts.dsn())
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchone()[0]
    finally:
        conn.close()


@pytest.mark.slow
def test_scale_one_volumes(server: ConnectionParts) -> None:
    odoo, apn = server.with_database("odoo_test_gen_full"), server.with_database("apn_test_gen_full")
    try:
        create_demo_sources(odoo, apn, scale=1.0, seed=42)
        parts = {"odoo": odoo, "apn": apn}
        off = {}
        for name, (system, sql, target) in TARGETS.items():
            count = _one(parts[system], sql)
            if abs(count - target) > 0.05 * target:
                off[name] = (count, target)
        assert off == {}
        assert _one(odoo, "select count(*) from c_aws_accounts") >= 65
        assert _one(odoo, "select count(*) from c_aws_accounts where payer_account_id is not null") > 0
    finally:  # a full-size demo is ~1.5 GB: do not leave it behind
        drop_database(odoo)
        drop_database(apn)
