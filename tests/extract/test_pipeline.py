"""dlt extract against real PostgreSQL sources built from the contract DDL."""

from __future__ import annotations

import pytest

from extract.pipeline import run_extract
from revops import settings
from tests.conftest import REPO, execute, query, recreate_database

DDL = REPO / "demo_data" / "sql"


@pytest.fixture()
def sources(warehouse_server, monkeypatch, tmp_path):
    """Empty contract databases plus a fresh warehouse, isolated from other tests."""
    base = settings.warehouse()
    odoo = recreate_database(base.with_database("extract_odoo"))
    apn = recreate_database(base.with_database("extract_apn"))
    wh = recreate_database(base.with_database("extract_wh"))
    execute(odoo, (DDL / "odoo.sql").read_text())
    execute(apn, (DDL / "apn.sql").read_text())
    url = f"postgresql://{base.user}@127.0.0.1:{{port}}/{{db}}"  # the loader role: it owns the databases above
    monkeypatch.setenv("ODOO_DATABASE_URL", url.format(port=base.port, db=odoo.database))
    monkeypatch.setenv("APN_DATABASE_URL", url.format(port=base.port, db=apn.database))
    monkeypatch.setenv("REVOPS_DATABASE_URL", url.format(port=base.port, db=wh.database))
    monkeypatch.setenv("DLT_DATA_DIR", str(tmp_path / "dlt"))
    monkeypatch.setenv("REVOPS_HOME", str(tmp_path / "home"))
    return odoo, apn, wh


def test_empty_sources_still_create_every_raw_table(sources):
    _, _, wh = sources
    run_extract("odoo")
    run_extract("apn")
    tables = {row[0] for row in query(wh, "select table_name from information_schema.tables where table_schema = 'raw'")}
    assert {"odoo_crm_lead", "odoo_c_billing_internal_cur", "apn_opportunity", "apn_cash_claim"} <= tables
    assert len([t for t in tables if not t.startswith("_")]) == 26  # _dlt_* and _tombstones are not landed tables


def test_incremental_moves_only_changed_rows_and_new_columns_land(sources):
    odoo, _, wh = sources
    execute(odoo, """
        insert into res_country (name, code, write_date)
        select jsonb_build_object('en_US', 'Country ' || g), chr(65 + g / 26) || chr(65 + g % 26), '2026-01-01'
        from generate_series(0, 49) as g;
        insert into res_country (name, code, write_date) values ('{"en_US": "No write date"}', 'ZZ', null);
    """)
    first = run_extract("odoo")
    assert first.rows_by_table["odoo_res_country"] == 51
    assert query(wh, "select count(*), count(distinct id) from raw.odoo_res_country")[0] == (51, 51)

    # an edited row and a column the contract does not know yet
    execute(odoo, """
        alter table res_country add column c_region varchar;
        update res_country set c_region = 'EMEA', write_date = '2026-02-01' where code in ('AA', 'AB', 'AC');
    """)
    second = run_extract("odoo")
    # the three edited rows, plus the one whose write date is NULL (always re-read: never lost)
    assert second.rows_by_table["odoo_res_country"] == 4
    assert query(wh, "select count(*), count(distinct id) from raw.odoo_res_country")[0] == (51, 51)
    assert query(wh, "select count(*) from raw.odoo_res_country where c_region = 'EMEA'")[0][0] == 3
    assert query(wh, "select name->>'en_US' from raw.odoo_res_country where code = 'ZZ'")[0][0] == "No write date"


def test_full_refresh_reloads_everything(sources):
    odoo, _, wh = sources
    execute(odoo, "insert into res_country (name, code, write_date) values ('{\"en_US\": \"A\"}', 'AA', now())")
    run_extract("odoo")
    execute(odoo, "delete from res_country")
    execute(odoo, "insert into res_country (name, code, write_date) values ('{\"en_US\": \"B\"}', 'BB', now())")
    run_extract("odoo", full_refresh=True)
    assert query(wh, "select code from raw.odoo_res_country") == [("BB",)]


def test_missing_contract_table_is_a_clear_error(sources):
    odoo, _, _ = sources
    execute(odoo, "drop table crm_lead cascade")
    with pytest.raises(Exception, match="lacks contracted tables \\['crm_lead'\\]"):
        run_extract("odoo")


def test_a_recreated_warehouse_is_reloaded_not_trusted_to_local_state(sources):
    """Local dlt state must never outlive the warehouse it describes: the destination is the truth."""
    odoo, _, wh = sources
    execute(odoo, "insert into res_country (name, code, write_date) values ('{\"en_US\": \"A\"}', 'AA', now())")
    run_extract("odoo")
    recreate_database(wh)
    run_extract("odoo")
    assert query(wh, "select code from raw.odoo_res_country") == [("AA",)]


def test_a_full_refresh_that_dies_mid_load_leaves_the_previous_rows(sources):
    """Issue 11.1: a full refresh swaps each table's content in one transaction, so a load that fails
    half-way (here: the warehouse refuses the rows of one table) leaves that table as it was, never empty."""
    odoo, _, wh = sources
    execute(odoo, """
        insert into res_country (name, code, write_date)
        select jsonb_build_object('en_US', 'Country ' || g), chr(65 + g / 26) || chr(65 + g % 26), '2026-01-01' from generate_series(1, 30) as g;
        insert into res_partner (name, write_date) select 'Partner ' || g, '2026-01-01' from generate_series(1, 20) as g;
    """)
    run_extract("odoo")
    execute(wh, """
        create function raw.refuse() returns trigger language plpgsql as $$
        begin raise exception 'disk full (simulated)'; end $$;
        create trigger refuse before insert on raw.odoo_res_partner for each row execute function raw.refuse();
    """)
    with pytest.raises(Exception, match="disk full"):
        run_extract("odoo", full_refresh=True)
    assert query(wh, "select count(*) from raw.odoo_res_partner")[0][0] == 20
    assert query(wh, "select count(*) from raw.odoo_res_country")[0][0] == 30

    execute(wh, "drop trigger refuse on raw.odoo_res_partner")
    execute(odoo, "update res_partner set name = 'Renamed' where id = (select min(id) from res_partner)")
    run_extract("odoo", full_refresh=True)
    assert query(wh, "select count(*), count(*) filter (where name = 'Renamed') from raw.odoo_res_partner")[0] == (20, 1)
    # the next incremental run re-reads from the cursor of the last incremental run; the merge absorbs it
    execute(odoo, "update res_country set write_date = '2026-03-01', code = 'ZZ' where code = 'AB'")
    run_extract("odoo")
    assert query(wh, "select count(*), count(distinct id), count(*) filter (where code = 'ZZ') from raw.odoo_res_country")[0] == (30, 30, 1)


def test_unrepresentable_numbers_land_quarantined_and_the_rest_loads(sources):
    """Issue 11.2: NaN, 1e25 and 22 decimals cannot be Arrow decimals; the rows land anyway with the value
    NULL (no sum adds it) and its source text in `_quarantine`, and the other rows and tables load."""
    odoo, _, wh = sources
    execute(odoo, """
        insert into c_billing_internal_cur
            (usage_account_id, payer_account_id, billing_period, service_code, usage_cost, unblended_cost,
             currency_code, write_date)
        values ('111111111111', '111111111111', '2026-01-01', 'AmazonEC2', 12.5, 12.5, 'USD', '2026-01-02'),
               ('111111111111', '111111111111', '2026-01-01', 'AmazonS3', 'NaN', 3, 'USD', '2026-01-02'),
               ('111111111111', '111111111111', '2026-01-01', 'AmazonRDS', 1e25, 4, 'USD', '2026-01-02'),
               ('111111111111', '111111111111', '2026-01-01', 'AWSLambda', 0.1234567890123456789012, 5, 'USD', '2026-01-02'),
               ('111111111111', '111111111111', '2026-01-01', 'AmazonSQS', 1.5000000000000000000000, 6, 'USD', '2026-01-02');
        insert into res_country (name, code, write_date) values ('{"en_US": "A"}', 'AA', now());
    """)
    result = run_extract("odoo")
    assert result.rows_by_table["odoo_c_billing_internal_cur"] == 5
    rows = query(wh, """select service_code, usage_cost, unblended_cost, _quarantine::jsonb ->> 'usage_cost'
                        from raw.odoo_c_billing_internal_cur order by id""")
    assert [(r[0], r[1], r[3]) for r in rows] == [
        ("AmazonEC2", 12.5, None),
        ("AmazonS3", None, "NaN"),
        ("AmazonRDS", None, "10000000000000000000000000"),
        ("AWSLambda", None, "0.1234567890123456789012"),
        ("AmazonSQS", 1.5, None),  # trailing zeros lose nothing
    ]
    assert [float(r[2]) for r in rows] == [12.5, 3, 4, 5, 6]
    assert query(wh, "select count(*) from raw.odoo_res_country")[0][0] == 1
    # ... flagged in monitoring with the rule they broke, and left out of the sums (real dbt on the landed rows)
    from revops.dbt import run_dbt

    run_extract("apn")  # every raw table exists, as after any run
    run_dbt(["run", "--select", "+source_row_issues", "+cost_vs_invoice_monthly"])
    issues = query(wh, """select source_table, source_row_id, field_name, field_value, severity, explanation
                          from monitoring.source_row_issues where check_name = 'unrepresentable_number'
                          order by source_row_id::int""")
    assert [(i[0], i[2], i[3], i[4]) for i in issues] == [
        ("c_billing_internal_cur", "usage_cost", "NaN", "error"),
        ("c_billing_internal_cur", "usage_cost", "10000000000000000000000000", "error"),
        ("c_billing_internal_cur", "usage_cost", "0.1234567890123456789012", "error"),
    ]
    assert "landed with usage_cost empty, so every sum leaves it out" in issues[0][5]
    assert query(wh, "select sum(usage_cost), count(*) from staging.stg_odoo__aws_cost_usage")[0] == (14, 5)
    assert query(wh, "select sum(usage_cost) from billing.cost_vs_invoice_monthly")[0][0] == 14


def test_a_dropped_or_retyped_contracted_column_fails_before_anything_is_written(sources):
    """Issue 11.3: names would otherwise vanish silently; the error names table, column and what to do."""
    from extract.contract import ContractError
    from extract.pipeline import check_contract

    odoo, _, wh = sources
    execute(odoo, "insert into crm_lead (name, partner_name, type, write_date) values ('Deal', 'Acme', 'opportunity', '2026-01-01')")
    run_extract("odoo")
    loads = query(wh, "select count(*) from raw._dlt_loads")[0][0]

    execute(odoo, """
        alter table crm_lead drop column partner_name;
        alter table c_billing_internal_cur alter column usage_cost type text;
        alter table res_partner alter column name type text;  -- varchar → text: same family, fine
        update crm_lead set name = 'Changed', write_date = '2026-02-01';
    """)
    expected = (r"source odoo \(extract_odoo\) breaks the contract: crm_lead.partner_name is missing \(contracted as "
                r"varchar, read by stg_odoo__leads\); c_billing_internal_cur.usage_cost is text, contracted as numeric"
                r" \(read by stg_odoo__aws_cost_usage\); nothing was loaded.*restore the column in the source")
    with pytest.raises(ContractError, match=expected):
        check_contract("odoo")
    with pytest.raises(Exception, match=expected):
        run_extract("odoo")
    assert query(wh, "select count(*) from raw._dlt_loads")[0][0] == loads
    assert query(wh, "select name, partner_name from raw.odoo_crm_lead") == [("Deal", "Acme")]


def test_a_hard_delete_at_the_source_leaves_raw_as_a_tombstone_and_core_follows(sources):
    """Issue 11.4: an incremental run reconciles ids; the deleted row moves to raw._tombstones with its time
    and its content, and core (dbt, incremental) drops it on the same run."""
    from revops.dbt import run_dbt

    odoo, _, wh = sources
    execute(odoo, """
        insert into crm_lead (name, partner_name, type, write_date)
        select 'Deal ' || g, 'Company ' || g, 'opportunity', '2026-01-01' from generate_series(1, 5) as g;
        insert into res_country (name, code, write_date) values ('{"en_US": "A"}', 'AA', '2026-01-01');
    """)
    run_extract("odoo")
    run_extract("apn")
    run_dbt(["run", "--select", "+odoo_opportunities"])
    assert query(wh, "select count(*) from core.odoo_opportunities")[0][0] == 5

    execute(odoo, "delete from crm_lead where name in ('Deal 2', 'Deal 4')")
    result = run_extract("odoo")
    assert result.deleted_by_table == {"odoo_crm_lead": 2}
    assert query(wh, "select name from raw.odoo_crm_lead order by id") == [("Deal 1",), ("Deal 3",), ("Deal 5",)]
    tombstones = query(wh, "select source_table, row ->> 'name', deleted_at <= now() from raw._tombstones order by id")
    assert tombstones == [("odoo_crm_lead", "Deal 2", True), ("odoo_crm_lead", "Deal 4", True)]
    run_dbt(["run", "--select", "+odoo_opportunities"])
    assert query(wh, "select count(*) from core.odoo_opportunities")[0][0] == 3

    assert run_extract("odoo").deleted_by_table == {}  # nothing more to reconcile
    execute(odoo, "delete from crm_lead")  # a source emptied: tombstones keep every row (the raw guard stops the run)
    run_extract("odoo")
    assert query(wh, "select count(*) from raw.odoo_crm_lead")[0][0] == 0
    assert query(wh, "select count(*) from raw._tombstones")[0][0] == 5


@pytest.mark.slow
def test_kill_9_during_a_full_refresh_never_empties_raw(sources):
    """Issue 11.1 as an operator reproduces it: `revops extract --full-refresh` killed with -9 while it loads.
    Watched all along, no raw table ever has fewer rows than before; after the kill, every one is as it was."""
    import os
    import signal
    import subprocess
    import sys
    import time

    odoo, _, wh = sources
    execute(odoo, """
        insert into res_partner (name, email, write_date)
        select 'Partner ' || g, 'p' || g || '@example.com', '2026-01-01' from generate_series(1, 60000) as g;
        insert into res_country (name, code, write_date)
        select jsonb_build_object('en_US', 'Country ' || g), chr(65 + g / 26) || chr(65 + g % 26), '2026-01-01'
        from generate_series(1, 30) as g;
    """)
    run_extract("odoo")
    execute(wh, "truncate raw_staging.odoo_res_partner")  # rows there from now on: this refresh is loading
    before = dict(query(wh, "select 'res_partner', count(*) from raw.odoo_res_partner "
                            "union all select 'res_country', count(*) from raw.odoo_res_country"))
    process = subprocess.Popen([sys.executable, "-m", "revops.cli", "extract", "--source", "odoo", "--full-refresh"],
                               cwd=REPO, env=os.environ.copy(), start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen_loading = False
    try:
        deadline = time.monotonic() + 300
        while process.poll() is None and time.monotonic() < deadline:
            counts = dict(query(wh, "select 'res_partner', count(*) from raw.odoo_res_partner "
                                    "union all select 'res_country', count(*) from raw.odoo_res_country"))
            assert all(counts[t] >= before[t] for t in before), f"raw lost rows while loading: {counts} < {before}"
            staged = query(wh, "select to_regclass('raw_staging.odoo_res_partner') is not null")[0][0]
            if staged and query(wh, "select count(*) > 0 from raw_staging.odoo_res_partner")[0][0]:
                seen_loading = True
                break  # the load has begun: the moment a truncating refresh would have emptied raw
            time.sleep(0.05)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    after = dict(query(wh, "select 'res_partner', count(*) from raw.odoo_res_partner "
                           "union all select 'res_country', count(*) from raw.odoo_res_country"))
    assert after == before
    assert seen_loading or process.returncode == 0


def test_an_unchanged_source_skips_dlt_and_any_change_brings_it_back(sources):
    """Issue 14: an idle extract reads one fingerprint per source (counts, newest cursors, id checksums, columns)
    instead of running dlt; an insert, an update, a delete, an edit of a row without a cursor value and a new
    column each make the next extract run dlt again."""
    odoo, _, wh = sources
    execute(odoo, """
        insert into res_country (name, code, write_date)
        select jsonb_build_object('en_US', 'Country ' || g), chr(65 + g), '2026-01-01' from generate_series(0, 9) as g;
        insert into res_country (name, code, write_date) values ('{"en_US": "No write date"}', 'ZZ', null);
    """)
    assert run_extract("odoo").rows_by_table["odoo_res_country"] == 11
    idle = run_extract("odoo")
    assert idle.skipped and idle.rows == 0 and idle.deleted_by_table == {}

    changes = [
        "insert into res_country (name, code, write_date) values ('{\"en_US\": \"New\"}', 'NW', '2026-02-01')",
        "update res_country set code = 'QQ', write_date = '2026-03-01' where code = 'A'",
        "update res_country set code = 'ZY' where code = 'ZZ'",  # no cursor value: dlt re-reads it anyway
        "delete from res_country where code = 'B'",
        "alter table res_country add column c_region varchar",
    ]
    for change in changes:
        execute(odoo, change)
        moved = run_extract("odoo")
        assert not moved.skipped, change
        assert run_extract("odoo").skipped, change
    assert query(wh, "select count(*), count(*) filter (where code in ('QQ', 'ZY', 'NW')) from raw.odoo_res_country")[0] == (11, 3)
    assert run_extract("odoo", full_refresh=True).skipped is None  # a full refresh always reloads
    assert not run_extract("odoo").skipped  # and records no fingerprint: the next incremental extract runs dlt
