"""Each flow run records itself in schema `ops`: one row per run, one per stage (timing, rows, error)."""

from __future__ import annotations

import json
import logging
import time
import uuid
from contextlib import contextmanager
from typing import Iterator

from revops import warehouse

log = logging.getLogger(__name__)

DDL = """
create schema if not exists ops;
create table if not exists ops.pipeline_runs (
    run_id uuid primary key,
    started_at timestamptz not null,
    finished_at timestamptz,
    status text not null check (status in ('running', 'succeeded', 'failed')),
    full_refresh boolean not null,
    error text
);
create table if not exists ops.pipeline_run_stages (
    run_id uuid not null references ops.pipeline_runs (run_id) on delete cascade,
    stage text not null,
    started_at timestamptz not null,
    finished_at timestamptz,
    seconds numeric(10, 2),
    status text not null check (status in ('running', 'succeeded', 'failed')),
    row_count bigint,
    detail jsonb,
    error text,
    primary key (run_id, stage)
);
"""


def _execute(sql: str, params: tuple = ()) -> None:
    with warehouse.connect() as conn, conn.cursor() as cur:
        cur.execute(sql, params)


def ensure_tables() -> None:
    """The run log's tables; dbt's monitoring marts read them, so they exist before any dbt run."""
    _execute(DDL)


def start_run(full_refresh: bool) -> str:
    run_id = str(uuid.uuid4())
    ensure_tables()
    _execute(
        "insert into ops.pipeline_runs (run_id, started_at, status, full_refresh) values (%s, now(), 'running', %s)",
        (run_id, full_refresh),
    )
    return run_id


def finish_run(run_id: str, error: BaseException | None = None) -> None:
    _execute(
        "update ops.pipeline_runs set finished_at = now(), status = %s, error = %s where run_id = %s",
        ("failed" if error else "succeeded", _describe(error), run_id),
    )


def _describe(error: BaseException | None) -> str | None:
    return None if error is None else f"{type(error).__name__}: {error}"[:4000]


class StageRecord:
    def __init__(self) -> None:
        self.row_count: int | None = None
        self.detail: dict = {}


@contextmanager
def stage(run_id: str, name: str) -> Iterator[StageRecord]:
    """Time a stage and record its outcome; the error is recorded and re-raised, so later stages never run."""
    record = StageRecord()
    started = time.monotonic()
    _execute(
        "insert into ops.pipeline_run_stages (run_id, stage, started_at, status) values (%s, %s, now(), 'running')",
        (run_id, name),
    )
    error: BaseException | None = None
    try:
        yield record
    except BaseException as exc:
        error = exc
        raise
    finally:
        _execute(
            """update ops.pipeline_run_stages
               set finished_at = now(), seconds = %s, status = %s, row_count = %s, detail = %s, error = %s
               where run_id = %s and stage = %s""",
            (round(time.monotonic() - started, 2), "failed" if error else "succeeded", record.row_count,
             json.dumps(record.detail, default=str), _describe(error), run_id, name),
        )


def last_runs(limit: int = 10) -> list[dict]:
    """Most recent runs with their stages, newest first (for `revops status`)."""
    with warehouse.connect() as conn, conn.cursor() as cur:
        cur.execute("select to_regclass('ops.pipeline_runs') is not null")
        if not cur.fetchone()[0]:
            return []
        cur.execute(
            """select r.run_id, r.started_at, r.finished_at, r.status, r.full_refresh, r.error,
                      coalesce(json_agg(json_build_object('stage', s.stage, 'seconds', s.seconds,
                               'status', s.status, 'rows', s.row_count) order by s.started_at)
                               filter (where s.stage is not null), '[]')
               from ops.pipeline_runs as r
               left join ops.pipeline_run_stages as s on s.run_id = r.run_id
               group by r.run_id
               order by r.started_at desc
               limit %s""",
            (limit,),
        )
        keys = ["run_id", "started_at", "finished_at", "status", "full_refresh", "error", "stages"]
        return [dict(zip(keys, row)) for row in cur.fetchall()]
