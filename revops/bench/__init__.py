"""`revops bench`: every speed figure of the pipeline beside a reference measured in the same run.

The machine may be shared and its speed varies from minute to minute, so a figure is judged by its ratio to a
reference taken in the same run (plain COPY for ingestion, the bare model for the embed step, the exact scan for
HNSW search); absolute figures (rules per opportunity, a no-change run, peak memory) carry the SPEC target.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from revops import settings

ALL_FIGURES = ("ingest", "embed", "search", "rules", "noop_run", "change_1pct", "report")
# report: slow Evidence build, --report; change_1pct edits the demo sources and runs a full refresh: --only
DEFAULT_FIGURES = ("ingest", "embed", "search", "rules", "noop_run")
RSS_TARGET_MIB = 2048


@dataclass
class Row:
    figure: str
    value: float | None
    unit: str
    reference: float | None = None  # same-run reference, same unit
    reference_name: str = ""
    ratio: float | None = None
    target: str = ""  # e.g. "ratio >= 0.5", "value <= 20"
    ok: bool | None = None


def _check(row: Row) -> Row:
    if not row.target:
        return row
    on, op, limit = row.target.split()
    got = row.ratio if on == "ratio" else row.value
    if got is not None:
        row.ok = got >= float(limit) if op == ">=" else got <= float(limit)
    return row


def _ratio(value: float | None, reference: float | None) -> float | None:
    return round(value / reference, 3) if value is not None and reference else None


def rows_of(figures: dict) -> list[Row]:
    """The table: one row per figure (ratios against the same-run reference), then peak RSS per stage."""
    rows: list[Row] = []
    if "ingest" in figures:
        f = figures["ingest"]
        rows.append(Row("ingest rows/s (extract stage, all tables)", f["extract_rows_per_second"], "rows/s",
                        f["copy_rows_per_second"], "COPY TO STDOUT | COPY FROM STDIN",
                        _ratio(f["extract_rows_per_second"], f["copy_rows_per_second"]), "ratio >= 0.5"))
    if "embed" in figures:
        f = figures["embed"]
        rows.append(Row(f"embed step texts/s ({f['device']}{', fp16' if f['fp16'] else ''})",
                        f["step_texts_per_second"], "texts/s", f["bare_texts_per_second"], "bare model.encode",
                        _ratio(f["step_texts_per_second"], f["bare_texts_per_second"]), "ratio >= 0.8"))
    if "search" in figures:
        for kind, f in figures["search"]["kinds"].items():
            rows.append(Row(f"top-{f['k']} HNSW p95 ms ({kind}, {f['corpus']} rows)", f["hnsw_ms_p95"], "ms",
                            f["exact_ms_p95"], "exact scan p95", _ratio(f["hnsw_ms_p95"], f["exact_ms_p95"]),
                            "value <= 100"))
            rows.append(Row(f"top-{f['k']} HNSW recall ({kind})", f["hnsw_recall"], "recall", 1.0, "exact scan",
                            f["hnsw_recall"], "ratio >= 0.95"))
    if "rules" in figures:
        f = figures["rules"]
        rows.append(Row(f"POD rules ms/opportunity ({f['opportunities']} opportunities)",
                        f["rules_ms_per_opportunity"], "ms", target="value <= 50"))
        rows.append(Row("POD rules + decisions ms/opportunity", f["rules_and_decisions_ms_per_opportunity"], "ms",
                        target="value <= 50"))
    if "noop_run" in figures:
        rows.append(Row("run with nothing changed, end to end", figures["noop_run"]["seconds"], "s",
                        target="value <= 20"))
    if "change_1pct" in figures:
        f = figures["change_1pct"]
        rows.append(Row(f"run after 1% of source rows changed ({f['changed_rows']} rows)", f["seconds"], "s",
                        f["full_refresh_seconds"], "run --full-refresh",
                        _ratio(f["seconds"], f["full_refresh_seconds"]), "ratio <= 0.1"))
        rows.append(Row("full refresh (revops run --full-refresh --no-report)", f["full_refresh_seconds"], "s",
                        target="value <= 300"))
    if "report" in figures:
        rows.append(Row("report build (Evidence)", figures["report"]["seconds"], "s"))
    for name, f in figures.items():
        rss = max(f.get("peak_rss_mib") or 0, f.get("peak_rss_children_mib") or 0)
        rows.append(Row(f"peak RSS: {name}", rss, "MiB", target=f"value <= {RSS_TARGET_MIB}"))
    return [_check(r) for r in rows]


def _fmt(x) -> str:
    if x is None:
        return "-"
    return f"{x:,.3f}" if isinstance(x, float) and abs(x) < 10 else f"{x:,.1f}" if isinstance(x, float) else str(x)


def format_table(rows: list[dict]) -> str:
    header = ("figure", "value", "unit", "reference", "ratio", "target", "")
    def reference(r: dict) -> str:
        return f"{_fmt(r['reference'])} ({r['reference_name']})" if r["reference_name"] else _fmt(r["reference"])

    lines = [header] + [(r["figure"], _fmt(r["value"]), r["unit"], reference(r), _fmt(r["ratio"]), r["target"] or "-",
                         {True: "ok", False: "MISSED", None: ""}[r["ok"]]) for r in rows]
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    return "\n".join("  ".join(str(c).ljust(w) for c, w in zip(line, widths)).rstrip() for line in lines)


def compare(current: dict, previous: dict) -> list[dict]:
    """Row by row: the value and the ratio before and now, and the value's relative change."""
    before = {r["figure"]: r for r in previous.get("rows", [])}
    now = {r["figure"]: r for r in current.get("rows", [])}
    changes = []
    for figure in list(now) + [f for f in before if f not in now]:
        a, b = before.get(figure), now.get(figure)
        change = {"figure": figure, "before": a and a["value"], "now": b and b["value"],
                  "ratio_before": a and a["ratio"], "ratio_now": b and b["ratio"], "change_pct": None,
                  "status": "new" if a is None else "gone" if b is None else "both"}
        if a and b and a["value"] and b["value"] is not None:
            change["change_pct"] = round(100 * (b["value"] - a["value"]) / abs(a["value"]), 1)
        changes.append(change)
    return changes


def format_compare(changes: list[dict], previous_path: str) -> str:
    lines = [f"compared with {previous_path}:"]
    for c in changes:
        if c["status"] != "both":
            lines.append(f"  {c['figure']}: {c['status']} ({_fmt(c['before'] if c['status'] == 'gone' else c['now'])})")
            continue
        ratio = (f"; ratio {_fmt(c['ratio_before'])} -> {_fmt(c['ratio_now'])}"
                 if c["ratio_now"] is not None or c["ratio_before"] is not None else "")
        pct = "" if c["change_pct"] is None else f" ({c['change_pct']:+.1f}%)"
        lines.append(f"  {c['figure']}: {_fmt(c['before'])} -> {_fmt(c['now'])}{pct}{ratio}")
    return "\n".join(lines)


def _run_figure(name: str, options: dict) -> dict:
    """One figure in a process of its own; its last stdout line is the figure's JSON."""
    proc = subprocess.run([sys.executable, "-m", "revops.bench.figures", name, json.dumps(options)],
                          cwd=settings.PROJECT_ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"bench figure {name} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def ensure_demo(scale: float, seed: int) -> dict:
    """Demo sources at this scale and seed and a warehouse built from them; builds what is missing."""
    import psycopg2

    from revops import warehouse
    from demo_data import generate

    warehouse.up()
    built = {"generated": False, "pipeline_run": False}
    if settings.uses_demo_sources() and not generate.demo_is_current(settings.odoo(), settings.apn(),
                                                                     scale=scale, seed=seed):
        generate.create_demo_sources(settings.odoo(), settings.apn(), scale=scale, seed=seed)
        built["generated"] = True
    with psycopg2.connect(settings.warehouse().dsn()) as conn, conn.cursor() as cur:
        cur.execute("select to_regclass('embeddings.dense_vectors') is not null "
                    "and to_regclass('core.ace_opportunities') is not null")
        warehouse_built = cur.fetchone()[0]
    if built["generated"] or not warehouse_built:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "revops.cli", *settings.cli_options(), "run", "--no-report"],
                       cwd=settings.PROJECT_ROOT,
                       check=True, stdout=subprocess.DEVNULL)
        built["pipeline_run"] = True
        built["first_run_seconds"] = round(time.perf_counter() - started, 2)
        built["warehouse_was_empty"] = not warehouse_built
        built["first_run_rss_mib"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    return built


def run(figures: list[str], options: dict, scale: float, seed: int) -> dict:
    started = time.perf_counter()
    demo = ensure_demo(scale, seed)
    # a run with nothing changed comes first: the other figures leave the warehouse as it was, but a demo just
    # built has had its one pipeline run, so this is the second run over the same sources
    order = [f for f in ("noop_run", *ALL_FIGURES) if f in figures]
    measured = {}
    for name in dict.fromkeys(order):
        measured[name] = _run_figure(name, options)
    rows = [asdict(r) for r in rows_of(measured)]
    if demo.get("first_run_seconds") is not None and demo.get("warehouse_was_empty"):
        # the run that built the warehouse for this bench (from ensure_demo): the first-run figure
        rows += [asdict(_check(Row("first run, empty warehouse (revops run --no-report)", demo["first_run_seconds"],
                                   "s", target="value <= 480"))),
                 asdict(_check(Row("first run: its peak RSS", demo["first_run_rss_mib"], "MiB",
                                   target=f"value <= {RSS_TARGET_MIB}")))]
    return {"scale": scale, "seed": seed, "demo": demo, "options": options,
            "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "seconds": round(time.perf_counter() - started, 1),
            "rows": rows, "figures": measured}


def main(args) -> int:
    figures = [f.strip() for f in args.only.split(",")] if args.only else list(DEFAULT_FIGURES)
    if args.report and "report" not in figures:
        figures.append("report")
    unknown = set(figures) - set(ALL_FIGURES)
    if unknown:
        raise ValueError(f"unknown figures {sorted(unknown)}: choose from {', '.join(ALL_FIGURES)}")
    config = settings.current()  # --tenant / --as-of reach each figure's process through its options
    options = {"queries": args.queries, "k": 50, "embed_texts": args.embed_texts, "repeats": args.repeats,
               "rules_runs": args.rules_runs, "revops_tenant": config.revops_tenant,
               "revops_as_of_date": config.revops_as_of_date and config.revops_as_of_date.isoformat()}
    result = run(figures, options, args.scale, args.seed)
    print(format_table(result["rows"]))
    if args.compare:
        previous = json.loads(Path(args.compare).read_text())
        result["compare"] = {"previous": str(args.compare), "changes": compare(result, previous)}
        print()
        print(format_compare(result["compare"]["changes"], args.compare))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, default=str) + "\n")
        print(f"\nwritten to {args.json}")
    return 0
