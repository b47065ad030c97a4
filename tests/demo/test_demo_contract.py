"""The project's copy of the contract DDL equals the shared contract, column by column.

The shared contract lives beside the clone (../shared/sources) where the team works; a snapshot of it is kept in
tests/demo/contract/ so a machine without that folder (a bare CI box) still checks the project's DDL, and where
both exist the snapshot must equal the shared contract, so a contract change shows up as a failing test."""

from __future__ import annotations

from pathlib import Path

import psycopg2
import pytest

from revops.demo.copyio import SQL_DIR, drop_database, recreate_database
from revops.settings import PROJECT_ROOT, ConnectionParts

SHARED = PROJECT_ROOT.parent / "shared" / "sources"
SNAPSHOT = Path(__file__).resolve().parent / "contract"
COLUMNS = """
    select table_name, column_name, data_type, character_maximum_length, numeric_precision, numeric_scale,
           is_nullable
    from information_schema.columns where table_schema = 'public' order by table_name, column_name
"""
FOREIGN_KEYS = """
    select conrelid::regclass::text, conname, pg_get_constraintdef(oid) from pg_constraint
    where connamespace = 'public'::regnamespace order by 1, 2
"""


def _catalogue(server: ConnectionParts, database: str, ddl: Path) -> tuple[dict, list]:
    parts = server.with_database(database)
    recreate_database(parts)
    conn = psycopg2.connect(parts.dsn())
    try:
        with conn.cursor() as cur:
            cur.execute(ddl.read_text())
            cur.execute(COLUMNS)
            tables: dict[str, list] = {}
            for row in cur.fetchall():
                tables.setdefault(row[0], []).append(row[1:])
            cur.execute(FOREIGN_KEYS)
            constraints = cur.fetchall()
        conn.commit()
        return tables, constraints
    finally:
        conn.close()
        drop_database(parts)


def _contract(system: str) -> Path:
    shared = SHARED / f"{system}.sql"
    return shared if shared.is_file() else SNAPSHOT / f"{system}.sql"


@pytest.mark.parametrize("system", ["odoo", "apn"])
def test_project_ddl_equals_shared_contract(server: ConnectionParts, system: str) -> None:
    contract = _contract(system)
    ours, our_constraints = _catalogue(server, f"contract_test_project_{system}", SQL_DIR / f"{system}.sql")
    theirs, their_constraints = _catalogue(server, f"contract_test_shared_{system}", contract)
    assert sorted(ours) == sorted(theirs), contract
    for table in sorted(theirs):
        assert ours[table] == theirs[table], f"columns of {system}.{table} differ from {contract}"
    assert our_constraints == their_constraints


@pytest.mark.parametrize("system", ["odoo", "apn"])
def test_snapshot_is_the_shared_contract(system: str) -> None:
    shared = SHARED / f"{system}.sql"
    if not shared.is_file():
        pytest.skip(f"no shared contract at {SHARED}: the snapshot in {SNAPSHOT} stands in for it")
    assert (SNAPSHOT / f"{system}.sql").read_text() == shared.read_text(), (
        f"the shared contract {shared} changed: update {SNAPSHOT} and the project's DDL in {SQL_DIR}")
