"""Issue 11 items 1 and 7: the run lock, crashed runs, and the raw guard, on a real warehouse."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest

from orchestration import runlog
from revops import settings
from tests.conftest import REPO, execute, query, recreate_database

DDL_DIR = REPO / "demo_data" / "sql"


@pytest.fixture()
def wh(warehouse_server, monkeypatch):
    parts = recreate_database(settings.warehouse().with_database("runlog_wh"))
    monkeypatch.setenv("REVOPS_DATABASE_URL", f"postgresql://revops_loader@127.0.0.1:{parts.port}/{parts.database}")
    monkeypatch.delenv(runlog.ALLOW_RAW_SHRINK_ENV, raising=False)
    runlog.ensure_tables()
    return parts


def _succeeded_run_with_counts(counts: dict[str, int]) -> str:
    run_id = runlog.start_run(False)
    with runlog.stage(run_id, runlog.RAW_GUARD_STAGE) as record:
        record.detail = {"counts": counts}
    runlog.finish_run(run_id)
    return run_id


def test_a_second_run_is_refused_while_one_holds_the_lock(wh):
    with runlog.run_lock():
        with pytest.raises(runlog.RunLockedError, match="another revops run is in progress on this warehouse"):
            with runlog.run_lock():
                pass
    with runlog.run_lock():  # released with the run
        pass


def test_a_killed_run_frees_the_lock_and_is_recorded_as_crashed(wh):
    script = (
        "from orchestration import runlog\n"
        "with runlog.run_lock():\n"
        "    print(runlog.start_run(False), flush=True)\n"
        "    import time; time.sleep(600)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, env=os.environ.copy(),
                               stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        run_id = process.stdout.readline().strip()
        with pytest.raises(runlog.RunLockedError):
            with runlog.run_lock():
                pass
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    deadline = time.monotonic() + 30
    while True:  # the server notices the dead connection and drops its lock
        try:
            with runlog.run_lock():
                assert runlog.mark_crashed_runs() == 1
            break
        except runlog.RunLockedError:
            assert time.monotonic() < deadline
            time.sleep(0.2)
    status, error = query(wh, "select status, error from ops.pipeline_runs where run_id = %s", (run_id,))[0]
    assert status == "failed" and error.startswith("Crashed")
    assert runlog.last_runs()[0]["status"] == "failed"


def test_raw_guard_refuses_a_raw_layer_that_lost_most_rows(wh, monkeypatch):
    execute(wh, """
        create schema raw;
        create table raw.odoo_crm_lead (id int primary key);
        insert into raw.odoo_crm_lead select generate_series(1, 47);
        create table raw.odoo_crm_team (id int primary key);
        insert into raw.odoo_crm_team select generate_series(1, 3);
        create table raw._dlt_loads (load_id text);
    """)
    first = runlog.check_raw_counts(runlog.raw_row_counts())  # no successful run yet: nothing to compare
    assert first["counts"] == {"odoo_crm_lead": 47, "odoo_crm_team": 3} and first["baseline_run"] is None
    baseline = _succeeded_run_with_counts(first["counts"])

    execute(wh, "delete from raw.odoo_crm_lead where id > 30; delete from raw.odoo_crm_team")
    assert runlog.check_raw_counts(runlog.raw_row_counts())["shrunk"] == {}  # 30 of 47 kept, tiny table ignored

    execute(wh, "delete from raw.odoo_crm_lead where id > 5")
    with pytest.raises(runlog.RawShrinkError, match=rf"raw.odoo_crm_lead 5 rows \(was 47\).*{baseline}.*--allow-raw-shrink"):
        runlog.check_raw_counts(runlog.raw_row_counts())
    assert runlog.check_raw_counts(runlog.raw_row_counts(), allow_shrink=True)["allowed"] is True
    monkeypatch.setenv(runlog.ALLOW_RAW_SHRINK_ENV, "1")
    assert runlog.check_raw_counts(runlog.raw_row_counts())["allowed"] is True
    monkeypatch.delenv(runlog.ALLOW_RAW_SHRINK_ENV)

    # tombstones of rows deleted at the source are not landed rows
    execute(wh, "create table raw._tombstones (id text)")
    assert set(runlog.raw_row_counts()) == {"odoo_crm_lead", "odoo_crm_team"}


@pytest.mark.slow
def test_run_stops_before_dbt_when_raw_emptied_and_repairs_stale_runs(wh, monkeypatch, tmp_path):
    """The whole `revops run` on empty sources after a successful run that had rows: it fails at the raw guard
    with the guard's message, builds nothing, and records the run a kill left `running` as crashed."""
    base = settings.warehouse()
    for name, ddl in (("guard_odoo", "odoo.sql"), ("guard_apn", "apn.sql")):
        execute(recreate_database(base.with_database(name)), (DDL_DIR / ddl).read_text())
    url = "postgresql://revops_loader@127.0.0.1:{port}/{db}"
    monkeypatch.setenv("ODOO_DATABASE_URL", url.format(port=base.port, db="guard_odoo"))
    monkeypatch.setenv("APN_DATABASE_URL", url.format(port=base.port, db="guard_apn"))
    monkeypatch.setenv("REVOPS_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("REVOPS_TASK_RETRIES", "0")
    _succeeded_run_with_counts({"odoo_crm_lead": 47, "odoo_res_partner": 120})
    stale = str(uuid.uuid4())
    execute(wh, "insert into ops.pipeline_runs (run_id, started_at, status, full_refresh) values (%s, now() - interval '1 hour', 'running', true)", (stale,))

    result = subprocess.run([sys.executable, "-m", "revops.cli", "run", "--no-report"], cwd=REPO,
                            capture_output=True, text=True, timeout=600, env=os.environ.copy())
    assert result.returncode != 0
    assert "raw.odoo_crm_lead 0 rows (was 47)" in result.stdout + result.stderr
    runs = {str(r[0]): r[1:] for r in query(wh, "select run_id, status, error from ops.pipeline_runs")}
    assert runs[stale][0] == "failed" and runs[stale][1].startswith("Crashed")
    newest = runlog.last_runs(1)[0]
    assert newest["status"] == "failed" and "lost more than half their rows" in newest["error"]
    assert [s["stage"] for s in newest["stages"]][-1] == runlog.RAW_GUARD_STAGE
    assert query(wh, "select to_regclass('core.customers')")[0][0] is None  # nothing was built
    detail = query(wh, "select detail from ops.pipeline_run_stages where run_id = %s and stage = 'raw_guard'",
                   (newest["run_id"],))[0][0]
    assert detail["counts"]["odoo_crm_lead"] == 0  # what the guard saw is kept with the failed stage


def test_a_stage_error_quoting_a_connection_string_is_stored_without_its_password(wh):
    run_id = runlog.start_run(False)
    secret = "s3cr" + "etValue42"  # built, not written as a password literal
    with pytest.raises(RuntimeError):
        with runlog.stage(run_id, "extract"):
            raise RuntimeError(f"could not connect to postgresql://odoo:{secret}@db.example:5432/odoo")
    runlog.finish_run(run_id, RuntimeError(f"host=db.example password={secret} dbname=odoo"))
    stored = query(wh, "select error from ops.pipeline_run_stages where run_id = %s "
                       "union all select error from ops.pipeline_runs where run_id = %s", (run_id, run_id))
    assert len(stored) == 2 and all(row[0] for row in stored)
    assert not any(secret in row[0] for row in stored), stored
    assert all("***" in row[0] for row in stored)


def test_each_stage_records_its_own_peak_memory(wh):
    run_id = runlog.start_run(False)
    with runlog.stage(run_id, "extract_odoo"):
        ballast = bytearray(300 * 1024 * 1024)  # touched: resident, not only reserved
        ballast[::4096] = b"x" * len(ballast[::4096])
        del ballast
    with runlog.stage(run_id, "embed"):
        pass
    runlog.finish_run(run_id)
    peaks = dict(query(wh, "select stage, (detail ->> 'peak_rss_mb')::numeric from ops.pipeline_run_stages "
                           "where run_id = %s", (run_id,)))
    assert peaks["extract_odoo"] >= 300
    assert peaks["embed"] < peaks["extract_odoo"] - 200  # its own peak, not the run's so far
