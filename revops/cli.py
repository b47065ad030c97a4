"""`revops` command line: the one entry point for people, Make and the Prefect flow."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys

from revops import settings


def _prepare_environment() -> settings.Settings:
    """Every setting read and validated once (environment and `.env`); every tool's state kept inside the
    project and every telemetry off (the tools read these from the environment)."""
    config = settings.validate()
    settings.activate(config)
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
    return config


def cmd_db(args: argparse.Namespace) -> int:
    from revops import warehouse

    if args.action == "up":
        warehouse.up()
        print(f"warehouse ready: {settings.warehouse().url()}")
        if settings.uses_embedded_warehouse():
            print(f"BI (read-only): {settings.reader().url()}   (`revops db url --show-password` prints it usable)")
    elif args.action == "down":
        print("stopped" if warehouse.down() else "not running")
    elif args.action == "url":
        parts = settings.warehouse() if args.role == "loader" else settings.reader()
        print(parts.url(show_password=args.show_password))
    else:
        info = warehouse.status()
        print(json.dumps(info, indent=2))
        return 0 if info.get("running") else 1
    return 0


def cmd_demo_data(args: argparse.Namespace) -> int:
    from revops import warehouse
    from demo_data import generate

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

    weights, report = fit_from_truth(ridge=args.ridge, truth=args.truth)
    if not args.dry_run:
        fusion.save_weights([weights], note=args.note or f"fitted on the {args.truth} truth")
    print(json.dumps({"prior": round(weights.prior, 4), "weights": {k: round(v, 4) for k, v in weights.weights.items()},
                      **report}, indent=2))
    print(("weights not written (--dry-run)" if args.dry_run else f"wrote {fusion.WEIGHTS_PATH}")
          + "; run `revops match` to rescore")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from matching.evaluate import evaluate, format_evaluation, write_evaluation

    evaluation = evaluate(truth=args.truth)
    print(format_evaluation(evaluation))
    if not args.no_write:
        write_evaluation(evaluation)
        print(f"written to ops.match_eval* (eval_id {evaluation.eval_id})")
    return 0


def cmd_holdout(args: argparse.Namespace) -> int:
    from holdout import run as holdout_run

    evaluation = holdout_run.holdout(scale=args.scale, seed=args.seed, build=not args.eval_only)
    from matching.evaluate import format_evaluation

    print(format_evaluation(evaluation))
    print(f"written to ops.match_eval* of the holdout warehouse and to ops.match_eval_situations of this one "
          f"(truth_set holdout, eval_id {evaluation.eval_id})")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from revops import report

    report.install()
    print(f"site built in {report.build(settings.reader())}")  # as the read-only BI role
    print(report.serve_hint())
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from revops import warehouse

    warehouse.up()
    from orchestration.flow import prefect_api_configured, revops_flow, run_pipeline

    # through Prefect when asked or when a Prefect API is configured; else the same stages as plain calls (with
    # the tasks' retry policy), without the temporary Prefect server that would cost ~20-30 s per run
    config = settings.current()
    runner = revops_flow if args.prefect or prefect_api_configured() else run_pipeline
    result = runner(full_refresh=args.full_refresh, with_report=not args.no_report, tenant=config.revops_tenant,
                    allow_raw_shrink=args.allow_raw_shrink, as_of_date=config.revops_as_of_date)
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


REVIEW_ACTIONS = {"confirm": "confirm_lead", "choose": "choose_lead", "no-lead": "no_lead",
                  "approve": "approve", "reject": "reject"}


def cmd_review(args: argparse.Namespace) -> int:
    """The review queue, one item, one act, or the CSV round-trip; refusals are one sentence on stderr."""
    from revops import review, warehouse

    action = args.review_action or "list"
    filters = {k: getattr(args, k, None) for k in ("status", "rule", "search", "min_confidence", "max_confidence")}
    try:
        if action == "list":
            with warehouse.connect() as conn, conn.cursor() as cur:
                review.ensure_schema(cur)
                items = review.queue(cur, limit=args.limit, **filters)
            for item in items:
                print(f"{item['ace_opportunity_id']:<22} {item['review_status']:<21} "
                      f"{'' if item['confidence'] is None else round(float(item['confidence']), 3)!s:<6} "
                      f"lead {item['final_odoo_lead_id'] or '-'!s:<6} {(item['customer_company_name'] or '')[:30]:<30} "
                      f"[{item['review_rules'] or ''}]"
                      + (f" changed: {item['review_changes']}" if item["review_changes"] else ""))
            print(f"{len(items)} item(s) in the queue" + (" (limited)" if args.limit and len(items) == args.limit else ""))
        elif action == "show":
            with warehouse.connect() as conn, conn.cursor() as cur:
                review.ensure_schema(cur)
                print(review.format_item(review.show(cur, args.ace_opportunity_id)))
        elif action == "export":
            count = review.export_queue(args.file, limit=args.limit, **filters)
            print(f"wrote {count} queue item(s) to {args.file}: fill in review_action "
                  f"({', '.join(review.ACTIONS)}), review_odoo_lead_id, review_reason; then `revops review import`")
        elif action == "import":
            result = review.import_file(args.file, reviewer=args.reviewer)
            print(f"{result.rows} row(s): {result.recorded} recorded, {result.unchanged} unchanged (same as the "
                  f"latest review), {result.blank} without review_action, {result.rejected} rejected"
                  + (f" -> {result.rejected_file} (reason per row)" if result.rejected_file else ""))
            return 2 if result.rejected else 0
        else:
            outcome = review.record([review.Review(args.ace_opportunity_id, REVIEW_ACTIONS[action],
                                                   getattr(args, "lead", None), args.reason)],
                                    reviewer=args.reviewer)
            print(f"recorded review {outcome.review_ids[0]}" if outcome.recorded
                  else "unchanged: identical to the latest review")
            print("it applies in pod.decisions after the next `revops run` (or `revops dbt build -s decisions+`)")
    except review.ReviewError as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Approved POD claims not exported before, as CSV, recorded so that none is claimed twice."""
    from revops import review

    try:
        count = review.export_approved(args.output, exporter=args.reviewer)
    except review.ReviewError as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {count} approved claim(s) to {args.output}; recorded in review.claim_exports")
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


def build_parser(config: settings.Settings | None = None) -> argparse.ArgumentParser:
    config = config or settings.current()
    parser = argparse.ArgumentParser(prog="revops", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    parser.add_argument("--tenant", help="POD rules of rules/tenants/<TENANT>.yml (or a YAML path); "
                        "default $REVOPS_TENANT, else rules/pod.yml")
    parser.add_argument("--as-of", dest="as_of", help="as-of date YYYY-MM-DD of the POD rules (default today)")
    sub = parser.add_subparsers(dest="command", required=True)

    db = sub.add_parser("db", help="the warehouse server (embedded PostgreSQL unless REVOPS_DATABASE_URL is set)")
    db.add_argument("action", choices=["up", "down", "status", "url"])
    db.add_argument("--role", choices=["reader", "loader"], default="reader",
                    help="url: the read-only BI role (default) or the pipeline's loader role")
    db.add_argument("--show-password", action="store_true",
                    help="url: print the real password instead of *** (e.g. psql \"$(revops db url --show-password)\")")
    db.set_defaults(func=cmd_db)

    demo = sub.add_parser("demo-data", help="(re)create the demo Odoo and APN source databases")
    demo.add_argument("--scale", type=float, default=config.revops_demo_scale)
    demo.add_argument("--seed", type=int, default=config.revops_demo_seed)
    demo.add_argument("--if-missing", action="store_true", help="keep sources generated with the same scale and seed")
    demo.set_defaults(func=cmd_demo_data)

    ext = sub.add_parser("extract", help="land the sources in schema raw (dlt)")
    ext.add_argument("--source", choices=["odoo", "apn"])
    ext.add_argument("--full-refresh", action="store_true", help="reload every row (each raw table swapped in one transaction)")
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
    fit.add_argument("--note", help="provenance recorded in the YAML (default: which truth)")
    fit.add_argument("--dry-run", action="store_true", help="print the fit, keep the file")
    fit.add_argument("--truth", choices=["demo", "reviews", "both"], default="demo",
                     help="labels: the demo truth, people's lead reviews, or both (reviews win)")
    fit.set_defaults(func=cmd_fit_weights)

    ev = sub.add_parser("eval", help="match quality against the truth: P/R/F1, no-match accuracy, worst errors")
    ev.add_argument("--no-write", action="store_true", help="print only, do not write ops.match_eval*")
    ev.add_argument("--truth", default="demo", metavar="demo|reviews|both|holdout|FILE.csv",
                    help="labels: the demo truth, people's lead reviews, both (reviews win), the held-out set of "
                         "`revops holdout`, or any CSV with columns ace_opportunity_id,odoo_lead_id,situation "
                         "(odoo_lead_id empty = no lead)")
    ev.set_defaults(func=cmd_eval)

    hold = sub.add_parser("holdout", help="the independently generated labelled set: sources, its own warehouse, eval")
    hold.add_argument("--scale", type=float, default=1.0, help="1.0 = about 580 ACE opportunities")
    hold.add_argument("--seed", type=int, default=20261204)
    hold.add_argument("--eval-only", action="store_true", help="evaluate the holdout warehouse built last")
    hold.set_defaults(func=cmd_holdout)

    rep = sub.add_parser("report", help="build the Evidence site")
    rep.set_defaults(func=cmd_report)

    run = sub.add_parser("run", help="the whole flow: extract, dbt, embed, match, dbt, evaluate, report")
    run.add_argument("--full-refresh", action="store_true")
    run.add_argument("--no-report", action="store_true", help="skip the Evidence build")
    run.add_argument("--prefect", action="store_true",
                     help="run as a Prefect flow even when no Prefect API is configured (starts a temporary server)")
    run.add_argument("--allow-raw-shrink", action="store_true",
                     help="build even if a raw table lost more than half its rows since the last successful run "
                          "(also REVOPS_ALLOW_RAW_SHRINK=1)")
    run.set_defaults(func=cmd_run)
    server = sub.add_parser("prefect-server", help="start Prefect's UI/API on 127.0.0.1 (optional)")
    server.add_argument("--port", type=int, default=4200)
    server.set_defaults(func=cmd_prefect_server)

    serve = sub.add_parser("serve", help="scheduled deployment of the flow, served until stopped")
    serve.add_argument("--cron", default=config.revops_schedule_cron)
    serve.add_argument("--timezone", default=config.revops_schedule_tz)
    serve.add_argument("--name", default="daily")
    serve.add_argument("--port", type=int, default=4200, help="port of the Prefect server")
    serve.add_argument("--embed-only", action="store_true",
                       help="serve only the embedding flow (run this on the GPU machine)")
    serve.set_defaults(func=cmd_serve)

    rev = sub.add_parser("review", help="the review queue: list, show, act on one item, or the CSV round-trip",
                         description="People confirm or correct the machine's POD proposals. The reviewer is "
                         "--reviewer, else $REVOPS_REVIEWER, else the OS user. Reviews are append-only.")
    rev.add_argument("--reviewer", help="who reviews (default $REVOPS_REVIEWER, else the OS user)")
    rev_sub = rev.add_subparsers(dest="review_action")

    def queue_filters(p: argparse.ArgumentParser) -> None:
        p.add_argument("--status", choices=["unreviewed", "reviewed", "changed_since_review"])
        p.add_argument("--rule", help="only items where this rule asks for review or fails, e.g. match_confidence")
        p.add_argument("--search", help="text in the customer, title or ACE id")
        p.add_argument("--min-confidence", dest="min_confidence", type=float)
        p.add_argument("--max-confidence", dest="max_confidence", type=float)
        p.add_argument("--limit", type=int)

    queue_filters(rev)
    queue_filters(rev_sub.add_parser("list", help="the queue (final decision needs_review)"))
    rev_sub.add_parser("show", help="one item: decision, candidates, rules, reviews").add_argument("ace_opportunity_id")
    for name, text in (("confirm", "the proposed lead is right"), ("choose", "another lead is right (--lead)"),
                       ("no-lead", "no Odoo lead belongs to it"), ("approve", "approve the claim (--reason)"),
                       ("reject", "reject the claim (--reason)")):
        act = rev_sub.add_parser(name, help=text)
        act.add_argument("ace_opportunity_id")
        if name in ("confirm", "choose"):
            act.add_argument("--lead", type=int, required=name == "choose", help="Odoo lead id")
        act.add_argument("--reason", required=name in ("approve", "reject"), help="why (mandatory to approve/reject)")
        act.add_argument("--reviewer", default=argparse.SUPPRESS, help="who reviews")
    exp_q = rev_sub.add_parser("export", help="write the queue as CSV with the columns to fill in")
    exp_q.add_argument("file", nargs="?", default="review-queue.csv")
    queue_filters(exp_q)
    imp = rev_sub.add_parser("import", help="validate and record a filled-in queue CSV (bad rows -> FILE.rejected.csv)")
    imp.add_argument("file")
    imp.add_argument("--reviewer", default=argparse.SUPPRESS, help="who reviews")
    rev.set_defaults(func=cmd_review)

    exp = sub.add_parser("export", help="actions: `revops export approved` writes approved POD claims once each")
    exp.add_argument("what", choices=["approved"])
    exp.add_argument("--output", "-o", default="approved-claims.csv")
    exp.add_argument("--reviewer", help="who exports (default $REVOPS_REVIEWER, else the OS user)")
    exp.set_defaults(func=cmd_export)


    bench = sub.add_parser("bench", help="speed figures, each beside a reference measured in the same run "
                           "(builds the demo at --scale if missing)")
    bench.add_argument("--scale", type=float, default=config.revops_demo_scale)
    bench.add_argument("--seed", type=int, default=config.revops_demo_seed)
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


class _Redact(logging.Filter):
    """Masks passwords in every log record (URLs, libpq DSNs, the embedded server's generated secrets)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = settings.redact(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def main(argv: list[str] | None = None) -> int:
    previous = settings.activate(None)
    try:
        return _main(argv)
    finally:
        settings.activate(previous)


def _main(argv: list[str] | None) -> int:
    try:
        config = _prepare_environment()
    except settings.SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    args = build_parser(config).parse_args(argv)
    # the global options win over REVOPS_TENANT / REVOPS_AS_OF_DATE; they travel in the settings, not the environment
    if args.tenant or args.as_of:
        from revops import rules

        try:
            as_of = rules.parse_date(args.as_of) if args.as_of else config.revops_as_of_date
        except ValueError as exc:
            print(f"configuration error: --as-of: {exc}", file=sys.stderr)
            return 2
        settings.activate(config.model_copy(update={"revops_tenant": args.tenant or config.revops_tenant,
                                                    "revops_as_of_date": as_of}))
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    for handler in logging.getLogger().handlers:
        handler.addFilter(_Redact())
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the CLI's last line: one readable error, details with -v
        if args.verbose:
            raise
        print(f"error: {settings.redact(str(exc))}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
