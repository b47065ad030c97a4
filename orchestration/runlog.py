"""Each flow run records itself in schema `ops`: one row per run, one per stage (timing, rows, error)."""

from __future__ import annotations

import json
import logging
import resource
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from revops import settings, warehouse

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
-- the resolved POD rules every stage of the run used (revops.rules.RuleSet.record) and their sha256
alter table ops.pipeline_runs add column if not exists rules jsonb, add column if not exists rules_hash text;
"""


def _execute(sql: str, params: tuple = ()) -> None:
    with warehouse.connect() as conn, conn.cursor() as cur:
        cur.execute(sql, params)


def ensure_tables() -> None:
    """The run log's tables; dbt's monitoring marts read them, so they exist before any dbt run."""
    _execute(DDL)


# pg_advisory_lock key of `revops run` (any constant bigint; "revops" in ASCII): one run per warehouse
RUN_LOCK_KEY = 0x7265766F7073
CRASHED = "Crashed: the run ended without recording an end (killed, or its machine or connection was lost)"


class RunLockedError(RuntimeError):
    """Another `revops run` holds this warehouse's run lock."""


@contextmanager
def run_lock() -> Iterator[None]:
    """Hold the warehouse's run lock for the whole run: a PostgreSQL session advisory lock on a connection
    of its own, so it goes away with the process however it ends (kill -9 included) and a stale `running`
    row can be told from a live one. A second run fails at once with a clear message."""
    with warehouse.connect(autocommit=True) as conn, conn.cursor() as cur:
        cur.execute("select pg_try_advisory_lock(%s)", (RUN_LOCK_KEY,))
        if not cur.fetchone()[0]:
            cur.execute(
                """select l.pid, a.backend_start, a.client_addr from pg_locks as l
                   left join pg_stat_activity as a on a.pid = l.pid
                   where l.locktype = 'advisory' and l.granted
                     and ((l.classid::bigint << 32) | l.objid::bigint) = %s and l.database = (
                         select oid from pg_database where datname = current_database())""",
                (RUN_LOCK_KEY,),
            )
            holder = cur.fetchone()
            since = f" (server process {holder[0]}, connected {holder[1]:%Y-%m-%d %H:%M:%S %Z})" if holder else ""
            raise RunLockedError(
                f"another revops run is in progress on this warehouse{since}: wait for it to finish "
                "(`revops status` shows it) instead of starting a second one"
            )
        try:
            yield
        finally:
            cur.execute("select pg_advisory_unlock(%s)", (RUN_LOCK_KEY,))


def mark_crashed_runs() -> int:
    """Runs still `running` while the caller holds the run lock can have no live process: record them as
    failed (crashed), with their unfinished stages, so status and the monitoring marts stop showing them
    as running. Returns how many runs were marked."""
    ensure_tables()
    with warehouse.connect() as conn, conn.cursor() as cur:
        cur.execute(
            "update ops.pipeline_run_stages set finished_at = now(), status = 'failed', error = %s "
            "where status = 'running'",
            (CRASHED,),
        )
        cur.execute(
            "update ops.pipeline_runs set finished_at = now(), status = 'failed', error = %s "
            "where status = 'running'",
            (CRASHED,),
        )
        return cur.rowcount


def start_run(full_refresh: bool, rule_set=None) -> str:
    """A new run in ops.pipeline_runs, with the resolved rules it runs under (a revops.rules.RuleSet)."""
    run_id = str(uuid.uuid4())
    ensure_tables()
    _execute(
        "insert into ops.pipeline_runs (run_id, started_at, status, full_refresh, rules, rules_hash) "
        "values (%s, now(), 'running', %s, %s, %s)",
        (run_id, full_refresh, json.dumps(rule_set.record(), default=str) if rule_set else None,
         rule_set.digest if rule_set else None),
    )
    return run_id


def finish_run(run_id: str, error: BaseException | None = None) -> None:
    _execute(
        "update ops.pipeline_runs set finished_at = now(), status = %s, error = %s where run_id = %s",
        ("failed" if error else "succeeded", _describe(error), run_id),
    )


def _describe(error: BaseException | None) -> str | None:
    # errors from drivers can quote a connection string: never store a password in ops
    return None if error is None else settings.redact(f"{type(error).__name__}: {error}")[:4000]


class StageRecord:
    def __init__(self) -> None:
        self.row_count: int | None = None
        self.detail: dict = {}


def _start_peak_rss() -> None:
    """Linux: start a new high-water mark of this process's resident memory (VmHWM), so each stage reports its own
    peak rather than the largest of the run so far. Elsewhere (or where refused) the peak is the process's so far."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _peak_rss_mb() -> float:
    """This process's peak resident memory since `_start_peak_rss` (MiB)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _children_peak_rss_mb() -> float:
    """The largest peak resident memory of any finished child process so far (MiB): npm/node for the report."""
    return round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)


@contextmanager
def stage(run_id: str, name: str) -> Iterator[StageRecord]:
    """Time a stage and record its outcome; the error is recorded and re-raised, so later stages never run.
    The detail also gets the stage's peak memory (`peak_rss_mb`, and `children_peak_rss_mb` when a child process
    it ran set a new peak), so the 2 GB target of every stage can be read from `ops`."""
    record = StageRecord()
    started = time.monotonic()
    _start_peak_rss()
    children_before = _children_peak_rss_mb()
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
        memory = {"peak_rss_mb": _peak_rss_mb()}
        if _children_peak_rss_mb() > children_before:
            memory["children_peak_rss_mb"] = _children_peak_rss_mb()
        record.detail = {**(record.detail or {}), **memory}
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


# --- the raw guard: marts are never built from a raw layer that silently lost most of its rows ---

RAW_GUARD_STAGE = "raw_guard"
RAW_GUARD_MIN_ROWS = 10  # tables smaller than this at the last good run are not judged
RAW_GUARD_MAX_LOSS = 0.5  # a table that lost more than this share of its rows stops the run
ALLOW_RAW_SHRINK_ENV = "REVOPS_ALLOW_RAW_SHRINK"


class RawShrinkError(RuntimeError):
    """The raw layer lost most of the rows of a table since the last successful run."""


def raw_row_counts() -> dict[str, int]:
    """Rows of every landed table in `raw` (dlt's own tables and raw._tombstones not counted)."""
    with warehouse.connect() as conn, conn.cursor() as cur:
        cur.execute(
            """select table_name from information_schema.tables
               where table_schema = 'raw' and table_type = 'BASE TABLE' and table_name not like '\\_%'
               order by table_name"""
        )
        counts = {}
        for (table,) in cur.fetchall():
            cur.execute(f'select count(*) from raw."{table}"')
            counts[table] = cur.fetchone()[0]
        return counts


def previous_raw_counts() -> tuple[str | None, dict[str, int]]:
    """The raw row counts recorded by the newest successful run (its run id), or (None, {})."""
    with warehouse.connect() as conn, conn.cursor() as cur:
        cur.execute(
            """select r.run_id, s.detail -> 'counts' from ops.pipeline_runs as r
               join ops.pipeline_run_stages as s on s.run_id = r.run_id and s.stage = %s
               where r.status = 'succeeded' and s.detail ? 'counts'
               order by r.started_at desc limit 1""",
            (RAW_GUARD_STAGE,),
        )
        row = cur.fetchone()
        return (str(row[0]), {k: int(v) for k, v in row[1].items()}) if row else (None, {})


def check_raw_counts(counts: dict[str, int], allow_shrink: bool = False) -> dict:
    """Compare the raw row counts with the last successful run's; raise RawShrinkError when a table lost
    more than half its rows (or vanished), unless `allow_shrink` or REVOPS_ALLOW_RAW_SHRINK=1 says the loss
    is real. Returns the stage detail to record (the counts become the baseline once this run succeeds)."""
    allow_shrink = allow_shrink or settings.current().revops_allow_raw_shrink
    previous_run, previous = previous_raw_counts()
    shrunk = {
        table: {"before": before, "now": counts.get(table, 0)}
        for table, before in sorted(previous.items())
        if before >= RAW_GUARD_MIN_ROWS and counts.get(table, 0) < before * (1 - RAW_GUARD_MAX_LOSS)
    }
    detail = {"counts": counts, "baseline_run": previous_run, "shrunk": shrunk, "allowed": bool(shrunk and allow_shrink)}
    if shrunk and not allow_shrink:
        listed = ", ".join(f"raw.{t} {v['now']} rows (was {v['before']})" for t, v in list(shrunk.items())[:5])
        more = f" and {len(shrunk) - 5} more tables" if len(shrunk) > 5 else ""
        raise RawShrinkError(
            f"refusing to build the marts: {listed}{more} lost more than half their rows since the last successful "
            f"run {previous_run}; check the sources and rerun `revops run --full-refresh`, or if the loss is real "
            f"rerun with `revops run --allow-raw-shrink` ({ALLOW_RAW_SHRINK_ENV}=1)"
        )
    return detail
