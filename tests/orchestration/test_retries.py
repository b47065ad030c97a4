"""Issue 11.2: the flow retries only errors that can pass on another try."""

from __future__ import annotations

import psycopg2
import pytest

from extract.pipeline import run_extract
from orchestration import flow
from revops import settings
from tests.conftest import execute, recreate_database


def test_a_lost_connection_is_transient():
    with pytest.raises(psycopg2.OperationalError) as lost:
        psycopg2.connect(host="127.0.0.1", port=1, dbname="x", user="x", connect_timeout=2)
    assert flow.is_transient(lost.value)
    try:  # wrapped, as dlt and sqlalchemy wrap it
        try:
            raise lost.value
        except psycopg2.OperationalError as exc:
            raise RuntimeError("load failed") from exc
    except RuntimeError as wrapped:
        assert flow.is_transient(wrapped)


def test_an_extract_that_cannot_pass_is_not_retried(warehouse_server, monkeypatch):
    """A real deterministic extract failure (a contracted table missing) is not worth a retry."""
    base = settings.warehouse()
    odoo = recreate_database(base.with_database("retry_odoo"))
    execute(odoo, "create table crm_lead (id serial primary key, write_date timestamp)")
    monkeypatch.setenv("ODOO_DATABASE_URL", f"postgresql://postgres@127.0.0.1:{base.port}/{odoo.database}")
    with pytest.raises(Exception) as failed:
        run_extract("odoo")
    assert not flow.is_transient(failed.value)
    assert not flow.is_transient(ValueError("not a valid decimal128"))


def test_every_retried_task_retries_only_transient_errors():
    tasks = [flow.extract_source, flow.dbt_build, flow.embed, flow.match, flow.evaluate_matches, flow.build_report]
    for task in tasks:
        assert task.retry_condition_fn is flow.transient_only, task.name


def test_outside_a_flow_run_a_stage_keeps_its_task_retry_policy():
    """`revops run` without a Prefect API calls the stages directly: transient errors are retried as the task
    says, any other error fails at once."""
    from prefect import task

    calls = []

    @task(retries=2, retry_delay_seconds=0)
    def flaky() -> str:
        calls.append("flaky")
        if calls.count("flaky") < 3:
            raise ConnectionResetError("connection lost")
        return "ok"

    @task(retries=2, retry_delay_seconds=0)
    def broken() -> None:
        calls.append("broken")
        raise ValueError("not a valid decimal128")

    assert not flow.in_flow_run()
    assert flow.call(flaky) == "ok" and calls.count("flaky") == 3
    with pytest.raises(ValueError):
        flow.call(broken)
    assert calls.count("broken") == 1
