"""What a run's stages read, as one fingerprint: a run whose inputs match the last successful run's skips the
stages after the raw guard (their outputs would come out the same).

The inputs of everything after extract: the raw layer (the newest dlt load in each raw table and the tombstones of rows
deleted at the source), the dbt project's files, the dbt vars (the POD rule set with its as-of date, today's
date when none is set: the timeline rule reads it), the people's reviews and claim exports, the fitted match
weights, the embedding model, and the code of the Python stages (embeddings, matching)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from revops import settings, warehouse

# files whose content decides what dbt and the Python stages produce (relative to the project root)
CODE_PATHS = ("dbt_project", "dbt_project.yml", "selectors.yml", "rules", "embeddings", "matching")
CODE_SUFFIXES = {".sql", ".yml", ".yaml", ".md", ".py", ".csv"}


def _hash_files(root: Path, paths: tuple[str, ...] = CODE_PATHS) -> str:
    digest = hashlib.sha256()
    for name in paths:
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if file.exists() and file.suffix in CODE_SUFFIXES and "__pycache__" not in file.parts:
                digest.update(str(file.relative_to(root)).encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def _raw_loads(cur) -> str:
    """The newest dlt load that left rows in each raw table (a load that moved no row changes nothing here;
    an update merged into a table does)."""
    cur.execute("""select table_name from information_schema.tables
                   where table_schema = 'raw' and table_type = 'BASE TABLE' and table_name not like '\\_%'
                   order by table_name""")
    newest = []
    for (table,) in cur.fetchall():
        cur.execute(f'select max(_dlt_load_id) from raw."{table}"')
        newest.append(f"{table}={cur.fetchone()[0]}")
    return hashlib.sha256(";".join(newest).encode()).hexdigest()[:16]


def _warehouse_state(cur) -> dict:
    """Loads dlt left rows from in raw, rows deleted at the source, reviews and claim exports, the embedding model."""
    state = {"raw_loads": _raw_loads(cur)}
    queries = {
        "tombstones": "select count(*), max(deleted_at)::text from raw._tombstones",
        "reviews": "select count(*), max(review_id) from review.reviews",
        "claim_exports": "select count(*), max(export_id) from review.claim_exports",
        "embedding_model": "select max(model) from embeddings.model",
    }
    for name, sql in queries.items():
        relation = sql.split(" from ")[1].split()[0]
        cur.execute("select to_regclass(%s) is not null", (relation,))
        if cur.fetchone()[0]:
            cur.execute(sql)
            state[name] = [None if v is None else str(v) for v in cur.fetchone()]
        else:
            state[name] = None
    return state


def inputs(dbt_vars: dict) -> dict:
    """The parts of the fingerprint, each small and readable (recorded in the raw guard's stage detail)."""
    with warehouse.connect() as conn, conn.cursor() as cur:
        state = _warehouse_state(cur)
    as_of = dbt_vars.get("pod_as_of_date") or dt.datetime.now(dt.timezone.utc).date().isoformat()
    return {
        **state,
        "as_of_date": as_of,
        "dbt_vars": hashlib.sha256(json.dumps(dbt_vars, sort_keys=True, default=str).encode()).hexdigest()[:16],
        "code": _hash_files(settings.PROJECT_ROOT),
    }


def fingerprint(parts: dict) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:24]


def last_run_fingerprint(current_run_id: str) -> tuple[str | None, str | None]:
    """(run id, inputs fingerprint) of the newest run before `current_run_id` when it succeeded, else
    (its id or None, None): after a failed or crashed run everything runs again."""
    with warehouse.connect() as conn, conn.cursor() as cur:
        cur.execute(
            """select r.run_id, r.status, s.detail ->> 'inputs_fingerprint' from ops.pipeline_runs as r
               left join ops.pipeline_run_stages as s on s.run_id = r.run_id and s.stage = 'raw_guard'
               where r.run_id != %s and r.finished_at is not null
               order by r.started_at desc limit 1""",
            (current_run_id,),
        )
        row = cur.fetchone()
    if not row:
        return None, None
    run_id, status, previous = row
    return str(run_id), previous if status == "succeeded" else None
