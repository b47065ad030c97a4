"""The figures of `revops bench`, each with the reference it is compared to, measured in the same run.

Each figure runs in a process of its own (`python -m revops.bench.figures NAME OPTIONS-JSON`) so that its
peak resident memory is its own; the process prints one JSON object on its last line.
"""

from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import sys
import threading
import time

import psycopg2

from revops import settings, warehouse
from demo_data.copyio import drop_database, recreate_database

SCRATCH_INGEST = "bench_ingest"
SCRATCH_EMBED = "bench_embed"


def _columns_ddl(cur, table: str) -> str:
    cur.execute("""
        select quote_ident(attname) || ' ' || format_type(atttypid, atttypmod)
        from pg_attribute where attrelid = %s::regclass and attnum > 0 and not attisdropped order by attnum""",
                (f"public.{table}",))
    return ", ".join(r[0] for r in cur.fetchall())


def _source_has(source: settings.ConnectionParts, table: str) -> bool:
    with psycopg2.connect(source.dsn()) as conn, conn.cursor() as cur:
        cur.execute("select to_regclass(%s) is not null", (f"public.{table}",))
        return cur.fetchone()[0]


def _copy_between(source: settings.ConnectionParts, target: settings.ConnectionParts, table: str) -> int:
    """`COPY public.t TO STDOUT | COPY bench_copy.t FROM STDIN`, streamed through a pipe; returns rows."""
    with psycopg2.connect(source.dsn()) as src, src.cursor() as scur, \
            psycopg2.connect(target.dsn()) as dst, dst.cursor() as dcur:
        dcur.execute(f"create table bench_copy.{table} ({_columns_ddl(scur, table)})")
        read_fd, write_fd = os.pipe()
        errors: list[BaseException] = []

        def produce() -> None:
            try:
                with os.fdopen(write_fd, "wb") as writer:
                    scur.copy_expert(f"copy public.{table} to stdout", writer)
            except BaseException as exc:  # surfaced below
                errors.append(exc)

        producer = threading.Thread(target=produce)
        producer.start()
        with os.fdopen(read_fd, "rb") as reader:
            dcur.copy_expert(f"copy bench_copy.{table} from stdin", reader)
        producer.join()
        if errors:
            raise errors[0]
        return dcur.rowcount


def ingest(options: dict) -> dict:
    """The extract stage (dlt, unchanged code) landing every source into a scratch warehouse database, against a
    plain COPY of the same tables between the same servers."""
    scratch = settings.warehouse().with_database(SCRATCH_INGEST)
    recreate_database(scratch)
    # the sources' URLs (with the embedded server's passwords) before REVOPS_HOME moves away from its secrets
    settings.activate(settings.current().model_copy(update={
        "odoo_database_url": settings.odoo_url(), "apn_database_url": settings.apn_url(),
        "revops_database_url": scratch.sqlalchemy_url(drivername="postgresql"),
        "revops_home": settings.home() / "bench",  # dlt's local state apart from the real one
    }))
    from extract.pipeline import SOURCES, run_extract

    sources = {}
    try:
        for name, source_parts in SOURCES.items():
            result = run_extract(name, full_refresh=True)
            sources[name] = {"parts": source_parts(), "seconds": result.seconds, "rows_by_table": result.rows_by_table}
        with psycopg2.connect(scratch.dsn()) as conn, conn.cursor() as cur:
            cur.execute("create schema bench_copy")
        copy_seconds = 0.0
        copy_rows = 0
        for name, info in sources.items():
            for raw_table, rows in info["rows_by_table"].items():
                table = raw_table.removeprefix(f"{name}_")
                if rows == 0 or not _source_has(info["parts"], table):
                    continue
                started = time.perf_counter()
                copy_rows += _copy_between(info["parts"], scratch, table)
                copy_seconds += time.perf_counter() - started
    finally:
        drop_database(scratch)
    extract_rows = sum(sum(i["rows_by_table"].values()) for i in sources.values())
    extract_seconds = sum(i["seconds"] for i in sources.values())
    tables = sorted(((f"{n}.{t}", r) for n, i in sources.items() for t, r in i["rows_by_table"].items()),
                    key=lambda item: -item[1])
    return {
        "extract_rows": extract_rows,
        "extract_seconds": round(extract_seconds, 2),
        "extract_rows_per_second": round(extract_rows / extract_seconds, 1),
        "copy_rows": copy_rows,
        "copy_seconds": round(copy_seconds, 2),
        "copy_rows_per_second": round(copy_rows / copy_seconds, 1) if copy_seconds else None,
        "largest_tables": dict(tables[:5]),
        "seconds_by_source": {n: round(i["seconds"], 2) for n, i in sources.items()},
    }


def _onnx_backend() -> str:
    """Whether sentence-transformers' ONNX backend could run here offline (it needs optimum + onnxruntime)."""
    missing = []
    for module in ("onnxruntime", "optimum"):
        try:
            __import__(module)
        except ImportError:
            missing.append(module)
    return "available" if not missing else f"unavailable: {', '.join(missing)} not installed"


def embed(options: dict) -> dict:
    """The embed step (embeddings.run.embed_changed: DB read, encode, COPY, HNSW build) on a scratch copy of the
    search inputs, against the bare model's encode of the same texts in the same process."""
    import torch

    from embeddings.models import load_embedder
    from embeddings.run import embed_changed

    limit = options.get("embed_texts")
    scratch = settings.warehouse().with_database(SCRATCH_EMBED)
    recreate_database(scratch)
    if settings.uses_embedded_warehouse():  # pgvector is superuser-only; the scratch database comes from template0
        with warehouse.connect(scratch.with_role(settings.SUPERUSER), autocommit=True) as conn, conn.cursor() as cur:
            cur.execute("create extension if not exists vector")
    try:
        buffer = io.BytesIO()
        with warehouse.connect() as conn, conn.cursor() as cur:
            select = ("select text_id, source_system, record_id, text_kind, content, content_hash "
                      "from search.search_inputs where content != '' order by text_id")
            if limit:
                select += f" limit {int(limit)}"
            cur.copy_expert(f"copy ({select}) to stdout with (format binary)", buffer)
        buffer.seek(0)
        with psycopg2.connect(scratch.dsn()) as conn, conn.cursor() as cur:
            cur.execute("""create schema search;
                create table search.search_inputs (text_id text primary key, source_system text, record_id text,
                    text_kind text, content text, content_hash text)""")
            cur.copy_expert("copy search.search_inputs from stdin with (format binary)", buffer)
            cur.execute("select content from search.search_inputs order by text_id")
            texts = [r[0] for r in cur.fetchall()]
        started = time.perf_counter()
        embedder = load_embedder()
        embedder.encode(texts[:16])  # loads the weights; warm-up: first-call costs belong to neither side
        load_seconds = time.perf_counter() - started
        bare, step = [], []
        for _ in range(int(options.get("repeats", 1))):  # alternate, keep the best of each: the machine is shared
            started = time.perf_counter()
            embedder.encode(texts)
            bare.append(time.perf_counter() - started)
            with psycopg2.connect(scratch.dsn()) as conn, conn.cursor() as cur:
                cur.execute("drop schema if exists embeddings cascade")
            result = embed_changed(embedder, parts=scratch)
            assert result.embedded == len(texts), (result.embedded, len(texts))
            step.append(result.seconds)
    finally:
        drop_database(scratch)
    return {
        "model": embedder.name, "device": embedder.device, "dim": embedder.dim,
        "torch_threads": torch.get_num_threads(), "batch_size": getattr(embedder, "batch_size", None),
        "fp16": embedder.device == "cuda", "onnx_backend": _onnx_backend(),
        "texts": len(texts), "mean_chars": round(sum(map(len, texts)) / max(len(texts), 1), 1),
        "model_load_and_warmup_seconds": round(load_seconds, 2),
        "bare_seconds": round(min(bare), 3), "step_seconds": round(min(step), 3),
        "bare_seconds_each": [round(x, 3) for x in bare], "step_seconds_each": [round(x, 3) for x in step],
        "bare_texts_per_second": round(len(texts) / min(bare), 1),
        "step_texts_per_second": round(len(texts) / min(step), 1),
    }


def search(options: dict) -> dict:
    """Top-k HNSW search through the partial indexes vs the exact scan (matching.benchmark)."""
    from matching.benchmark import neighbour_latency, project_ef_search

    ef_search = project_ef_search()
    return {"kinds": {kind: neighbour_latency(int(options.get("k", 50)), int(options.get("queries", 200)),
                                              ef_search, kind) for kind in ("identity", "context")}}


def rules(options: dict) -> dict:
    from revops.bench.rules import measure

    return measure(options.get("as_of"), int(options.get("rules_runs", 2)))


def _revops(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "revops.cli", *settings.cli_options(), *args], cwd=settings.PROJECT_ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def _last_run_stages() -> tuple[dict, dict]:
    from orchestration.runlog import last_runs

    last = last_runs(1)
    stages = {s["stage"]: s["seconds"] for s in last[0]["stages"]} if last else {}
    rows = {s["stage"]: s["rows"] for s in last[0]["stages"]} if last else {}
    return stages, rows


def noop_run(options: dict) -> dict:
    """`revops run --no-report` with nothing changed at the sources, end to end, with its stages' seconds. A
    first run settles the warehouse (a run after other changes, e.g. a demo just built, still has work); the
    second is the figure."""
    settle = _revops("run", "--no-report")
    seconds = _revops("run", "--no-report")
    stages, rows = _last_run_stages()
    return {"seconds": round(seconds, 2), "settle_seconds": round(settle, 2), "stages": stages,
            "texts_embedded": rows.get("embed")}


# the demo's tables and a text column whose edit reaches the search texts (the rest are touched only)
CHANGE_COLUMNS = {"odoo": {"crm_lead": "name"}, "apn": {"opportunity": "partner_project_title"}}


def change_sources(fraction: float, seed: int = 1) -> dict[str, int]:
    """Touch `fraction` of the rows of every demo source table (a later cursor value; the CRM lead names and
    ACE project titles get a suffix, so their texts are embedded again). {source.table: rows}."""
    import tomllib

    config = tomllib.loads((settings.PROJECT_ROOT / ".dlt" / "config.toml").read_text())
    changed = {}
    for source, parts in (("odoo", settings.odoo()), ("apn", settings.apn())):
        with psycopg2.connect(parts.dsn()) as conn, conn.cursor() as cur:
            cur.execute("select setseed(%s)", (seed / 10,))
            for table, cursor in config["sources"][source]["tables"].items():
                text_column = CHANGE_COLUMNS[source].get(table)
                edit = f", {text_column} = {text_column} || ' v2'" if text_column else ""
                cur.execute(f"""update public."{table}" set {cursor} = now() {edit}
                                where id in (select id from public."{table}" where random() < %s)""", (fraction,))
                changed[f"{source}.{table}"] = cur.rowcount
    return changed


def change_1pct(options: dict) -> dict:
    """A run after 1% of the source rows changed, against a full refresh of the same warehouse in the same
    bench (target: at most 10% of it). Edits the demo sources (see change_sources)."""
    full = _revops("run", "--full-refresh", "--no-report")
    full_stages, _ = _last_run_stages()
    _revops("run", "--no-report")  # settle: the first incremental run after a full refresh
    changed = change_sources(options.get("change_fraction", 0.01))
    seconds = _revops("run", "--no-report")
    stages, rows = _last_run_stages()
    return {"seconds": round(seconds, 2), "full_refresh_seconds": round(full, 2), "stages": stages,
            "full_refresh_stages": full_stages, "rows": rows, "changed_rows": sum(changed.values()),
            "changed": changed}


def report(options: dict) -> dict:
    return {"seconds": round(_revops("report"), 2)}


FIGURES = {"ingest": ingest, "embed": embed, "search": search, "rules": rules, "noop_run": noop_run,
           "change_1pct": change_1pct, "report": report}


def main(argv: list[str]) -> int:
    name, options = argv[0], json.loads(argv[1]) if len(argv) > 1 else {}
    config = settings.validate()
    # the parent's --tenant / --as-of (global options of `revops`) reach the figure's own process here
    update = {key: options[key] for key in ("revops_tenant", "revops_as_of_date") if options.get(key)}
    settings.activate(config.model_copy(update=update))
    result = FIGURES[name](options)
    result["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["peak_rss_children_mib"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    print(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
