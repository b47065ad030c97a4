"""Same seed, same databases: per-table checksums of two generations are identical."""

from __future__ import annotations

import psycopg2

from demo_data.copyio import drop_database
from demo_data.generate import create_demo_sources
from revops.settings import ConnectionParts



def checksums(parts: ConnectionParts) -> dict[str, str]:
    """md5 of every table's rows in key order; truth.generation (holds generated_at) is skipped."""
    conn = psycopg2.connect(parts.dsn())
    out = {}
    try:
        with conn.cursor() as cur:
            cur.execute("""
                select table_schema, table_name from information_schema.tables
                where table_schema in ('public', 'truth') and table_type = 'BASE TABLE'
                  and (table_schema, table_name) <> ('truth', 'generation')
                order by 1, 2
            """)
            for schema, table in cur.fetchall():
                cur.execute(f'select md5(coalesce(string_agg(t::text, E\'\\n\' order by t::text), \'\')) '
                            f'from "{schema}"."{table}" t')
                out[f"{schema}.{table}"] = cur.fetchone()[0]
    finally:
        conn.close()
    return out


def test_same_seed_gives_identical_databases(tiny_demo, server: ConnectionParts) -> None:
    odoo, apn, summary = tiny_demo
    odoo2, apn2 = server.with_database("odoo_test_gen2"), server.with_database("apn_test_gen2")
    create_demo_sources(odoo2, apn2, scale=summary["scale"], seed=summary["seed"])
    first = {**checksums(odoo), **{f"apn:{k}": v for k, v in checksums(apn).items()}}
    second = {**checksums(odoo2), **{f"apn:{k}": v for k, v in checksums(apn2).items()}}
    drop_database(odoo2)
    drop_database(apn2)
    assert len(first) == 20 + 6 + 7  # odoo and apn tables, apn truth (truth.generation skipped)
    assert first == second


def test_another_seed_gives_other_data(tiny_demo, server: ConnectionParts) -> None:
    odoo, _, summary = tiny_demo
    odoo3, apn3 = server.with_database("odoo_test_gen3"), server.with_database("apn_test_gen3")
    create_demo_sources(odoo3, apn3, scale=summary["scale"], seed=7)
    differs = checksums(odoo)["public.crm_lead"] != checksums(odoo3)["public.crm_lead"]
    drop_database(odoo3)
    drop_database(apn3)
    assert differs
