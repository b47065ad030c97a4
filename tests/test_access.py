"""Access control on the embedded server, checked by logging in as each role for real."""

from __future__ import annotations

import os
import stat
import threading

import psycopg2
import pytest
from psycopg2 import errors

from revops import settings, warehouse
from tests.conftest import query, revops

SECRET_ROLES = settings.ROLES


def _connect(parts: settings.ConnectionParts):
    conn = psycopg2.connect(parts.dsn(), connect_timeout=5)
    conn.autocommit = True
    return conn


def _denied(parts: settings.ConnectionParts, sql: str) -> bool:
    conn = _connect(parts)
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
        return False
    except errors.InsufficientPrivilege:
        return True
    finally:
        conn.close()


def test_every_login_needs_its_password(warehouse_server):
    rules = [line for line in (warehouse.data_dir() / "pg_hba.conf").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert rules and all(line.split()[-1] == "scram-sha-256" for line in rules)
    assert stat.S_IMODE(os.stat(settings.secrets_file()).st_mode) == 0o600
    for role in SECRET_ROLES:
        parts = warehouse_server.with_role(role)
        _connect(parts).close()
        for password in ("", "wrong-password"):
            with pytest.raises(psycopg2.OperationalError, match="password"):
                psycopg2.connect(parts.with_role(role, password).dsn(), connect_timeout=5)


def test_roles_have_only_what_they_need(warehouse_server):
    rows = dict((name, flags) for name, *flags in query(warehouse_server.with_role("postgres"), """
        select rolname, rolsuper, rolcreaterole, rolcreatedb from pg_roles where rolname = any(%s)""",
        (list(SECRET_ROLES),)))
    assert rows["revops_loader"] == [False, False, True]
    assert rows["bi_reader"] == [False, False, False]
    owner = query(warehouse_server.with_role("postgres"),
                  "select datdba::regrole::text from pg_database where datname = %s", (warehouse_server.database,))
    assert owner == [("revops_loader",)]


def test_a_password_with_quotes_and_backslashes_connects(warehouse_server):
    admin = warehouse_server.with_role("postgres").with_database("postgres")
    password = "it's a \\ 'pass' word"
    conn = _connect(admin)
    try:
        with conn.cursor() as cur:
            cur.execute("create role access_quote_test login password %s", (password,))
        assert query(admin.with_role("access_quote_test", password), "select current_user") == [("access_quote_test",)]
    finally:
        with conn.cursor() as cur:
            cur.execute("drop role if exists access_quote_test")
        conn.close()


def test_bi_reader_reads_the_marts_and_nothing_else(demo_run):
    reader = demo_run.with_role("bi_reader")
    loader = demo_run.with_role("revops_loader")
    for relation in ("core.customers", "billing.cost_vs_invoice_monthly", "pod.decisions", "pod.matches",
                     "monitoring.pipeline_runs", "monitoring.source_freshness"):
        assert query(reader, f"select count(*) from {relation}")[0][0] >= 0
    hidden = query(loader, """select format('%I.%I', table_schema, table_name) from information_schema.tables
                              where table_schema in ('raw', 'ops', 'embeddings', 'staging', 'intermediate', 'search')""")
    assert {name.split(".")[0] for (name,) in hidden} >= {"raw", "ops", "embeddings"}
    for (relation,) in hidden:
        assert _denied(reader, f"select 1 from {relation} limit 1"), relation
    for statement in ("insert into pod.decisions select * from pod.decisions limit 1",
                      "update billing.findings set billing_month = billing_month",
                      "delete from core.customers", "truncate pod.matches",
                      "create table core.bi_scratch (x int)", "create schema bi_scratch",
                      "drop table core.customers"):
        assert _denied(reader, statement), statement
    # the demo sources are not the reader's either
    with pytest.raises(psycopg2.Error):
        query(reader.with_database(settings.odoo().database), "select count(*) from public.crm_lead")


def test_the_loader_owns_what_the_pipeline_writes(demo_run):
    owners = query(demo_run.with_role("postgres"), """
        select distinct pg_get_userbyid(c.relowner) from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname in ('raw', 'staging', 'core', 'billing', 'pod', 'monitoring', 'ops', 'search', 'embeddings')
          and c.relkind in ('r', 'v', 'm', 'p')""")
    assert owners == [("revops_loader",)]


def test_review_tables_are_readable_but_not_writable(warehouse_server):
    """BI reads a `review` schema whenever it was created, through default privileges; it never writes it."""
    admin = warehouse_server.with_role("postgres")
    database = "access_review_test"
    conn = _connect(admin.with_database("postgres"))
    with conn.cursor() as cur:
        warehouse.drop_database(cur, database)
        cur.execute(f"create database {database} owner revops_loader")
    conn.close()
    loader = warehouse_server.with_role("revops_loader").with_database(database)
    reader = warehouse_server.with_role("bi_reader").with_database(database)
    conn = _connect(loader)
    with conn.cursor() as cur:
        cur.execute("create schema review; create schema raw; create table raw.secret (x int)")
        warehouse.grant_reader(cur)  # what the build does at its end (and `db up` at start)
        cur.execute("create table review.pod_reviews (ace_opportunity_id text, verdict text)")  # made afterwards
        cur.execute("insert into review.pod_reviews values ('O1', 'confirmed')")
    conn.close()
    assert query(reader, "select verdict from review.pod_reviews") == [("confirmed",)]
    assert _denied(reader, "insert into review.pod_reviews values ('O2', 'rejected')")
    assert _denied(reader, "update review.pod_reviews set verdict = 'rejected'")
    assert _denied(reader, "select * from raw.secret")


def test_urls_are_printed_masked(warehouse_server):
    masked = revops("db", "url").stdout.strip()
    assert masked.startswith("postgresql://bi_reader:***@127.0.0.1:")
    real = revops("db", "url", "--show-password").stdout.strip()
    assert query(settings.ConnectionParts.from_url(real), "select current_user") == [("bi_reader",)]
    status = revops("db", "status").stdout + revops("db", "up").stdout
    for secret in settings._read_secrets().values():
        assert secret not in masked + status
    assert "revops_loader:***@" in status


def test_the_loader_drops_a_database_another_role_sat_in(warehouse_server):
    """DROP … WITH (FORCE) refuses a non-superuser when a session it may not end (another role's, or an autovacuum
    worker's, which has no role) is in the database: `drop_database` waits for it to leave and drops plainly."""
    database = "access_drop_test"
    admin = _connect(warehouse_server.with_role("postgres").with_database("postgres"))
    with admin.cursor() as cur:
        warehouse.drop_database(cur, database)
        cur.execute(f"create database {database} owner revops_loader")
    admin.close()
    reader = _connect(warehouse_server.with_role("bi_reader").with_database(database))
    loader = _connect(warehouse_server.with_role("revops_loader").with_database("postgres"))
    with loader.cursor() as cur:
        with pytest.raises(errors.InsufficientPrivilege):
            cur.execute(f'drop database "{database}" with (force)')  # the refusal CI met
        timer = threading.Timer(1.0, reader.close)  # the other session leaves a second later
        timer.start()
        warehouse.drop_database(cur, database)
        timer.join()
        cur.execute("select count(*) from pg_database where datname = %s", (database,))
        assert cur.fetchone() == (0,)
    loader.close()
