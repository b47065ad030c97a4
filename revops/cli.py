"""`revops` command line: the one entry point for people, Make and the Prefect flow."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys

from revops import settings


def _prepare_environment() -> None:
    """Keep every tool's state inside the project and every telemetry off."""
    settings.load_dotenv()
    home = settings.home()
    os.environ.setdefault("PREFECT_HOME", str(home / "prefect"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    # the temporary server of a plain run migrates its database on first start: slow on 2 busy cores
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("TMPDIR", str(home / "tmp"))
    (home / "tmp").mkdir(parents=True, exist_ok=True)


def cmd_db(args: argparse.Namespace) -> int:
    from revops import warehouse

    if args.action == "up":
        url = warehouse.up()
        print(f"warehouse ready: {url}")
    elif args.action == "down":
        print("stopped" if warehouse.down() else "not running")
    elif args.action == "url":
        print(settings.warehouse_url())
    else:
        info = warehouse.status()
        print(json.dumps(info, indent=2))
        return 0 if info.get("running") else 1
    return 0


def cmd_demo_data(args: argparse.Namespace) -> int:
    from revops import warehouse
    from revops.demo import generate

    if not settings.uses_demo_sources():
        print("ODOO_DATABASE_URL / APN_DATABASE_URL point at real sources; refusing to overwrite them.")
        return 2
    warehouse.up()
    odoo, apn = settings.odoo(), settings.apn()
    if args.if_missing and generate.demo_is_current(odoo, apn, scale=args.scale, seed=args.seed):
        print(f"demo sources already generated (scale {args.scale}, seed {args.seed}): reusing them")
        return 0
    summary = generate.create_demo_sources(odoo, apn, scale=args.scale, seed=args.seed)
    print(generate.format_summary(summary))
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from extract.pipeline import SOURCES, run_extract

    for name in [args.source] if args.source else list(SOURCES):
        result = run_extract(name, full_refresh=args.full_refresh)
        print(f"{name}: {result.rows} rows in {result.seconds:.1f}s")
    return 0


def cmd_dbt(args: argparse.Namespace) -> int:
    from orchestration.runlog import ensure_tables
    from revops.dbt import run_dbt

    ensure_tables()

    run_dbt(args.dbt_args)
    return 0


def cmd_lint(args: argparse.Namespace) -> int:
    """sqlfluff with the dbt templater: compiling reads the landed columns, so it needs the built warehouse."""
    import subprocess
    from pathlib import Path

    from revops.dbt import dbt_env

    sqlfluff = Path(sys.executable).with_name("sqlfluff")
    return subprocess.run([str(sqlfluff), "lint", *(args.paths or ["dbt_project/models"])],
                          cwd=settings.PROJECT_ROOT, env={**os.environ, **dbt_env()}).returncode


def cmd_embed(args: argparse.Namespace) -> int:
    from embeddings.run import embed_changed

    result = embed_changed()
    print(f"embedded {result.embedded} texts ({result.deleted} removed) with {result.model} "
          f"[{result.dim}-d, {result.device}] in {result.seconds:.1f}s")
    return 0


def cmd_rules(args: argparse.Namespace) -> int:
    """Validate the POD rules (rules/pod.yml + the tenant's override) and show what dbt will get."""
    from revops import rules

    try:
        rule_set = rules.load(args.rules_tenant or args.tenant)
    except rules.RulesConfigError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(rule_set.summary())
    if args.vars:
        print(json.dumps(rule_set.dbt_vars(), indent=2, default=str))
    return 0


def cmd_match(args: argparse.Namespace) -> int:
    from matching.run import run_match, score_candidates
    from revops.dbt import run_dbt

    result = score_candidates() if args.score_only else run_match()
    run_dbt(["build", "--select", "matches"])
    print(f"scored {result.pairs} candidate pairs of {result.opportunities} ACE opportunities "
          f"({result.model_family} weights) in {result.seconds:.1f}s; pod.matches rebuilt")
    return 0


def cmd_fit_weights(args: argparse.Namespace) -> int:
    from matching import fusion
    from matching.evaluate import fit_from_truth

    weights, report = fit_from_truth(ridge=args.ridge)
    if not args.dry_run:
        fusion.save_weights([weights], note=args.note)
    print(json.dumps({"prior": round(weights.prior, 4), "weights": {k: round(v, 4) for k, v in weights.weights.items()},
                      **report}, indent=2))
    print(("weights not written (--dry-run)" if args.dry_run else f"wrote {fusion.WEIGHTS_PATH}")
          + "; run `revops match` to rescore")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from matching.evaluate import evaluate, format_evaluation, write_evaluation

    evaluation = evaluate()
    print(format_evaluation(evaluation))
    if not args.no_write:
        write_evaluation(evaluation)
        print(f"written to ops.match_eval* (eval_id {evaluation.eval_id})")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from revops import report

    report.install()
    print(f"site built in {report.build(settings.warehouse())}")
    print(report.serve_hint())
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from revops import warehouse

    warehouse.up()
    from orchestration.flow import revops_flow

    result = revops_flow(full_refresh=args.full_refresh, with_report=not args.no_report,
                         tenant=os.environ.get("REVOPS_TENANT"))
    print(json.dumps(result, indent=2, default=str))
    return 0


def cmd_prefect_server(args: argparse.Namespace) -> int:
    """Prefect's UI and API on 127.0.0.1, with the project's Prefect home."""
    os.execvp(os.path.join(os.path.dirname(sys.executable), "prefect"),
              ["prefect", "server", "start", "--host", "127.0.0.1", "--port", str(args.port)])


def cmd_serve(args: argparse.Namespace) -> int:
    """Create the scheduled deployment and serve its runs until stopped (Ctrl-C)."""
    from revops import warehouse

    os.environ.setdefault("PREFECT_API_URL", f"http://127.0.0.1:{args.port}/api")
    warehouse.up()
    from orchestration.flow import embed_flow, revops_flow

    if args.embed_only:
        embed_flow.serve(name=args.name)
        return 0
    from prefect.schedules import Cron

    revops_flow.serve(name=args.name, schedule=Cron(args.cron, timezone=args.timezone),
                      parameters={"full_refresh": False})
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from revops import bench

    return bench.main(args)


def cmd_status(args: argparse.Namespace) -> int:
    from orchestration.runlog import last_runs

    runs = last_runs(args.limit)
    if not runs:
        print("no runs recorded yet: run `revops run`")
        return 0
    for run in runs:
        took = (run["finished_at"] - run["started_at"]).total_seconds() if run["finished_at"] else None
        print(f"{run['started_at']:%Y-%m-%d %H:%M:%S} {run['status']:<9} "
              f"{'' if took is None else f'{took:.0f}s':>6}  {run['run_id']}"
              + ("  (full refresh)" if run["full_refresh"] else ""))
        for item in run["stages"]:
            rows = "" if item["rows"] is None else f"{item['rows']} rows"
            print(f"    {item['stage']:<18} {item['status']:<9} {item['seconds'] or 0:>7}s  {rows}")
        if run["error"]:
            print(f"    error: {run['error']}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="revops", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    parser.add_argument("--tenant", help="POD rules of rules/tenants/<TENANT>.yml (or a YAML path); "
                        "default $REVOPS_TENANT, else rules/pod.yml")
    parser.add_argument("--as-of", dest="as_of", help="as-of date YYYY-MM-DD of the POD rules (default today)")
    sub = parser.add_subparsers(dest="command", required=True)

    db = sub.add_parser("db", help="the warehouse server (embedded PostgreSQL unless REVOPS_DATABASE_URL is set)")
    db.add_argument("action", choices=["up", "down", "status", "url"])
    db.set_defaults(func=cmd_db)

    demo = sub.add_parser("demo-data", help="(re)create the demo Odoo and APN source databases")
    demo.add_argument("--scale", type=float, default=float(os.environ.get("REVOPS_DEMO_SCALE", "0.05")))
    demo.add_argument("--seed", type=int, default=int(os.environ.get("REVOPS_DEMO_SEED", "42")))
    demo.add_argument("--if-missing", action="store_true", help="keep sources generated with the same scale and seed")
    demo.set_defaults(func=cmd_demo_data)

    ext = sub.add_parser("extract", help="land the sources in schema raw (dlt)")
    ext.add_argument("--source", choices=["odoo", "apn"])
    ext.add_argument("--full-refresh", action="store_true", help="drop and reload the raw tables")
    ext.set_defaults(func=cmd_extract)

    dbt = sub.add_parser("dbt", help="run dbt against the warehouse, e.g. `revops dbt build -s pod`")
    dbt.add_argument("dbt_args", nargs=argparse.REMAINDER)
    dbt.set_defaults(func=cmd_dbt)

    lint = sub.add_parser("lint", help="sqlfluff on the dbt models (needs the warehouse built by a run)")
    lint.add_argument("paths", nargs="*")
    lint.set_defaults(func=cmd_lint)

    emb = sub.add_parser("embed", help="embed search inputs whose text changed")
    emb.set_defaults(func=cmd_embed)

    rul = sub.add_parser("rules", help="POD rules configuration")
    rul.add_argument("action", choices=["check"])
    rul.add_argument("--tenant", dest="rules_tenant", help="tenant to check (default: as for every command)")
    rul.add_argument("--vars", action="store_true", help="also print the dbt vars")
    rul.set_defaults(func=cmd_rules)

    match = sub.add_parser("match", help="candidate pairs, their signals and fused confidence, then pod.matches")
    match.add_argument("--score-only", action="store_true", help="rescore the candidates dbt built last")
    match.set_defaults(func=cmd_match)

    fit = sub.add_parser("fit-weights", help="fit rules/match_weights.yml on labelled truth (demo: schema truth)")
    fit.add_argument("--ridge", type=float, default=1.0, help="L2 penalty of the logistic regression")
    fit.add_argument("--note", default="fitted on the demo truth", help="provenance recorded in the YAML")
    fit.add_argument("--dry-run", action="store_true", help="print the fit, keep the file")
    fit.set_defaults(func=cmd_fit_weights)

    ev = sub.add_parser("eval", help="match quality against the truth: P/R/F1, no-match accuracy, worst errors")
    ev.add_argument("--no-write", action="store_true", help="print only, do not write ops.match_eval*")
    ev.set_defaults(func=cmd_eval)

    rep = sub.add_parser("report", help="build the Evidence site")
    rep.set_defaults(func=cmd_report)

    run = sub.add_parser("run", help="the whole flow: extract, dbt, embed, dbt, report")
    run.add_argument("--full-refresh", action="store_true")
    run.add_argument("--no-report", action="store_true", help="skip the Evidence build")
    run.set_defaults(func=cmd_run)
    server = sub.add_parser("prefect-server", help="start Prefect's UI/API on 127.0.0.1 (optional)")
    server.add_argument("--port", type=int, default=4200)
    server.set_defaults(func=cmd_prefect_server)

    serve = sub.add_parser("serve", help="scheduled deployment of the flow, served until stopped")
    serve.add_argument("--cron", default=os.environ.get("REVOPS_SCHEDULE_CRON", "0 6 * * *"))
    serve.add_argument("--timezone", default=os.environ.get("REVOPS_SCHEDULE_TZ", "UTC"))
    serve.add_argument("--name", default="daily")
    serve.add_argument("--port", type=int, default=4200, help="port of the Prefect server")
    serve.add_argument("--embed-only", action="store_true",
                       help="serve only the embedding flow (run this on the GPU machine)")
    serve.set_defaults(func=cmd_serve)

    bench = sub.add_parser("bench", help="speed figures, each beside a reference measured in the same run "
                           "(builds the demo at --scale if missing)")
    bench.add_argument("--scale", type=float, default=float(os.environ.get("REVOPS_DEMO_SCALE", "0.05")))
    bench.add_argument("--seed", type=int, default=int(os.environ.get("REVOPS_DEMO_SEED", "42")))
    bench.add_argument("--json", help="write the figures to this JSON file")
    bench.add_argument("--compare", help="a previous --json output to compare with")
    bench.add_argument("--only", help="comma-separated figures: ingest,embed,search,rules,noop_run,report")
    bench.add_argument("--report", action="store_true", help="also time the Evidence report build (slow)")
    bench.add_argument("--queries", type=int, default=200, help="search queries per text kind")
    bench.add_argument("--embed-texts", type=int, default=None, help="embed at most this many texts (default all)")
    bench.add_argument("--repeats", type=int, default=1, help="bare/step embedding rounds; the best of each counts")
    bench.add_argument("--rules-runs", type=int, default=2, help="dbt runs of the rules; the best counts")
    bench.set_defaults(func=cmd_bench)

    status = sub.add_parser("status", help="the last runs of the flow, with per-stage timings")
    status.add_argument("--limit", type=int, default=5)
    status.set_defaults(func=cmd_status)
    return parser


def main(argv: list[str] | None = None) -> int:
    _prepare_environment()
    args = build_parser().parse_args(argv)
    if args.tenant:
        os.environ["REVOPS_TENANT"] = args.tenant
    if args.as_of:
        os.environ["REVOPS_AS_OF_DATE"] = args.as_of
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the CLI's last line: one readable error, details with -v
        if args.verbose:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
