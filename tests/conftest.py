"""Test fixtures: a real embedded PostgreSQL of the tests' own (own folder, own port), never the demo's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest

REPO = Path(__file__).resolve().parent.parent

# Set before any project module reads settings: tests never touch the user's .revops or real sources.
os.environ["REVOPS_HOME"] = str(REPO / ".revops" / "test")
os.environ["REVOPS_PG_PORT"] = os.environ.get("REVOPS_TEST_PG_PORT", "54339")
# the test server's generated passwords stay findable when a test points REVOPS_HOME elsewhere
os.environ["REVOPS_SECRETS_FILE"] = str(REPO / ".revops" / "test" / "secrets.json")
for variable in ("REVOPS_DATABASE_URL", "ODOO_DATABASE_URL", "APN_DATABASE_URL"):
    os.environ.pop(variable, None)
os.environ.setdefault("REVOPS_EMBEDDING_MODEL", "minilm")

from revops import settings, warehouse  # noqa: E402


@pytest.fixture(scope="session")
def warehouse_server():
    """The tests' embedded server, started once per session and stopped at the end."""
    warehouse.up()
    yield settings.warehouse()
    warehouse.down()


def recreate_database(parts: settings.ConnectionParts) -> settings.ConnectionParts:
    conn = psycopg2.connect(parts.with_database("postgres").dsn())
    conn.autocommit = True
    with conn.cursor() as cur:
        warehouse.drop_database(cur, parts.database)
        cur.execute(f'create database "{parts.database}"')
    conn.close()
    return parts


def execute(parts: settings.ConnectionParts, sql: str, params=None) -> None:
    with psycopg2.connect(parts.dsn()) as conn, conn.cursor() as cur:
        cur.execute(sql, params)


def query(parts: settings.ConnectionParts, sql: str, params=None) -> list[tuple]:
    with psycopg2.connect(parts.dsn()) as conn, conn.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall() if cur.description else []


def revops(*args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    """Run the real CLI in a subprocess, as a user would."""
    result = subprocess.run(
        [sys.executable, "-m", "revops.cli", *args],
        cwd=REPO, capture_output=True, text=True, timeout=timeout, env=os.environ.copy(),
    )
    if result.returncode != 0:
        raise AssertionError(f"revops {' '.join(args)} failed ({result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}")
    return result


DEMO_SCALE = 0.01
DEMO_SEED = 7


@pytest.fixture(scope="session")
def demo_run(warehouse_server):
    """Tiny demo sources → the whole `revops run` (report site included), once per test session.

    Shared by the end-to-end tests and the browser tests of the site; returns the warehouse."""
    from demo_data import generate

    wh = recreate_database(settings.warehouse())
    generate.create_demo_sources(settings.odoo(), settings.apn(), scale=DEMO_SCALE, seed=DEMO_SEED)
    revops("run")
    return wh
