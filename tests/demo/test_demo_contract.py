"""The project's copy of the contract DDL equals the shared contract, column by column.

The shared contract lives beside the clone (../shared/sources) where the team works; there its schema is compared
with the project's table by table, column by column, type by type. A bare CI box has no such folder, so the test
also pins the project's DDL to the SHA-256 of the contract as last reconciled: an edit of the project's copy fails
everywhere, and a change of the shared contract fails where it is present until it is reconciled."""

from __future__ import annotations

import hashlib
from pathlib import Path

import psycopg2
import pytest

from demo_data.copyio import SQL_DIR, drop_database, recreate_database
from revops.settings import PROJECT_ROOT, ConnectionParts

SHARED = PROJECT_ROOT.parent / "shared" / "sources"
# ../shared/sources/<system>.sql when it was last reconciled with demo_data/sql/<system>.sql
RECONCILED_SHA256 = {
    "odoo": "16c6e497b8e18c29a85308b11d5859aeab5962be6b90854e3ed54593fd999bc7",
    "apn": "9f95dfdd4c7d0f32c25fd9f34889a35001f635c4dbff644904f694e646398808",
}
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


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("system", ["odoo", "apn"])
def test_project_ddl_equals_shared_contract(server: ConnectionParts, system: str) -> None:
    ours = SQL_DIR / f"{system}.sql"
    shared = SHARED / f"{system}.sql"
    if shared.is_file():
        mine, my_constraints = _catalogue(server, f"contract_test_project_{system}", ours)
        theirs, their_constraints = _catalogue(server, f"contract_test_shared_{system}", shared)
        assert sorted(mine) == sorted(theirs)
        for table in sorted(theirs):
            assert mine[table] == theirs[table], f"columns of {system}.{table} differ from the shared contract"
        assert my_constraints == their_constraints
        assert _sha256(shared) == RECONCILED_SHA256[system], (
            f"{shared} changed since it was last reconciled: bring {ours} in line, then record its new SHA-256 here")
    assert _sha256(ours) == RECONCILED_SHA256[system], (
        f"{ours} is no longer the reconciled contract: the source contract in ../shared/sources decides the DDL")
