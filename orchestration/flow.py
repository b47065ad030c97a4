"""The Prefect flows: extract → dbt (staging, core, search inputs) → embed → match → dbt (the rest) → report.

Tasks are thin wrappers over package functions; business logic lives in the packages and in dbt.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time

from prefect import flow, get_run_logger, task

from orchestration import changes, runlog
from revops import settings
from revops.rules import RuleSet

log = logging.getLogger(__name__)


def retries(default: int) -> int:
    """A task's retries: its default, or REVOPS_TASK_RETRIES for every task (0 fails fast, e.g. while debugging)."""
    configured = settings.current().revops_task_retries
    return default if configured is None else configured


# errors worth another try: the network, the server restarting, a lock timeout; anything else (bad data,
# a broken contract, a SQL error) fails the same way again, so it fails the run at once
TRANSIENT_ERROR_NAMES = {
    "OperationalError", "InterfaceError", "DisconnectionError", "DestinationTransientException",
    "ConnectionError", "ConnectionResetError", "ConnectionRefusedError", "BrokenPipeError", "TimeoutError",
    "SerializationFailure", "DeadlockDetected", "LockNotAvailable", "QueryCanceled", "AdminShutdown",
}


def is_transient(error: BaseException | None) -> bool:
    """True when `error` or an error it wraps (cause, context, dlt's `.exception`) is of a transient kind."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if any(cls.__name__ in TRANSIENT_ERROR_NAMES for cls in type(error).__mro__):
            return True
        error = error.__cause__ or getattr(error, "exception", None) or error.__context__
    return False


def transient_only(task, task_run, state) -> bool:
    """Prefect retry_condition_fn: retry a failed task only when its error is transient."""
    try:
        state.result()
    except BaseException as exc:  # the task's own exception, re-raised by the failed state
        return is_transient(exc)
    return False


# dbt selectors (selectors.yml) of the flow's dbt stages: what the embedding step reads, what the matching
# step builds (matching.run.CANDIDATE_SELECTOR), everything else after it
BEFORE_EMBED = "before_embed"
AFTER_MATCH = "after_match"


def prefect_api_configured() -> bool:
    """True when a Prefect API (a server or Cloud) is configured; without one, Prefect 3 would start a temporary
    local server for every run (~20–30 s on 2 cores)."""
    from prefect.settings import get_current_settings

    return bool(get_current_settings().api.url)


def in_flow_run() -> bool:
    from prefect.context import FlowRunContext

    return FlowRunContext.get() is not None


def call(task_object, *args, **kwargs):
    """Run a stage's task: inside a Prefect flow run as a Prefect task (states, retries, UI); outside one
    (`revops run` with no Prefect API configured) its function directly, with the same retry policy: the
    task's retries and delays, transient errors only."""
    if in_flow_run():
        return task_object(*args, **kwargs)
    delays = task_object.retry_delay_seconds
    delays = list(delays) if isinstance(delays, (list, tuple)) else [delays or 0]
    for attempt in range(task_object.retries + 1):
        try:
            return task_object.fn(*args, **kwargs)
        except Exception as exc:
            if attempt >= task_object.retries or not is_transient(exc):
                raise
            delay = delays[min(attempt, len(delays) - 1)]
            log.warning("%s failed (%s: %s), retry %d of %d in %ss", task_object.name, type(exc).__name__, exc,
                        attempt + 1, task_object.retries, delay)
            time.sleep(delay)
    raise AssertionError("unreachable")


@task(retries=retries(3), retry_condition_fn=transient_only, retry_delay_seconds=[5, 30, 120],
      task_run_name="extract-{source}")
def extract_source(source: str, full_refresh: bool) -> dict:
    from extract.pipeline import run_extract

    # the run's source_contract stage has just checked the contract of every source
    result = run_extract(source, full_refresh=full_refresh, contract_checked=True)
    extracted = {"source": source, "rows": result.rows, "seconds": round(result.seconds, 2),
                 "deleted_at_source": result.deleted_by_table}
    if result.skipped:  # the stage itself ran (it read the source's fingerprint); dlt did not
        extracted["dlt"] = f"not run: {result.skipped}"
    return extracted


@task(retries=retries(1), retry_condition_fn=transient_only, retry_delay_seconds=10, task_run_name="dbt-{label}")
def dbt_build(label: str, selector: str, full_refresh: bool, rule_set: RuleSet) -> dict:
    """`dbt build --selector <selector>` (selectors.yml: tests that also read models of a later stage wait for it)."""
    from revops.dbt import run_dbt

    args = ["build", "--selector", selector]
    if full_refresh:
        args.append("--full-refresh")
    nodes = run_dbt(args, rule_set)
    models = [n for n in nodes if n["node"].startswith(("model.", "snapshot."))]
    slowest = sorted(nodes, key=lambda n: n["seconds"] or 0, reverse=True)[:8]  # where the stage's time goes
    return {"models": len(models), "tests": len(nodes) - len(models), "rows": sum(n["rows"] or 0 for n in models),
            "node_seconds": round(sum(n["seconds"] or 0 for n in nodes), 2),
            "slowest": {n["node"]: round(n["seconds"] or 0, 2) for n in slowest}}


def _embed_here() -> dict:
    from embeddings.run import embed_changed

    result = embed_changed()
    return {"model": result.model, "dim": result.dim, "device": result.device, "embedded": result.embedded}


@task(retries=retries(2), retry_condition_fn=transient_only, retry_delay_seconds=[10, 60])
def embed() -> dict:
    """Embed here, or, when REVOPS_EMBED_DEPLOYMENT names a deployment of `embed_flow` (e.g. one served
    by a worker of a GPU work pool), run it there and wait: the SQL steps stay on this worker."""
    config = settings.current()
    deployment = config.revops_embed_deployment
    if not deployment:
        return _embed_here()
    from prefect.deployments import run_deployment

    from embeddings.store import remote_summary
    from revops import warehouse

    flow_run = run_deployment(name=deployment, timeout=int(config.revops_embed_timeout_s))
    if not flow_run.state.is_completed():
        raise RuntimeError(f"embedding deployment {deployment} ended {flow_run.state.name}: {flow_run.state.message}")
    # the other worker's return value lives in its own result storage; the warehouse both share tells the same
    with warehouse.connect() as conn, conn.cursor() as cur:
        summary = remote_summary(cur, since=flow_run.start_time or flow_run.expected_start_time)
    return {**summary, "device": f"deployment {deployment}"}


@task(retries=retries(1), retry_condition_fn=transient_only, retry_delay_seconds=10)
def match(rule_set: RuleSet, full_refresh: bool = False) -> dict:
    """Candidate pairs (dbt selector match_candidates: blocking + HNSW neighbours), the signals only Python
    computes, the fused confidence; re-scores only the pairs whose inputs changed and their rivals unless
    `full_refresh`."""
    from matching.run import run_match

    result = run_match(rule_set=rule_set, full=full_refresh)
    return {"pairs": result.pairs, "opportunities": result.opportunities, "model_family": result.model_family,
            "rescored": result.rescored}


@task(retries=retries(1), retry_condition_fn=transient_only, retry_delay_seconds=10)
def evaluate_matches(rule_set: RuleSet) -> dict:
    """Score the matches against ground truth when the sources carry it (the demo does); the overview
    page shows the result. Real sources have no truth: the stage says so and moves on."""
    from matching.evaluate import evaluate, load_truth, write_evaluation
    from revops.dbt import run_dbt

    try:
        load_truth()
    except RuntimeError as exc:
        return {"skipped": str(exc)}
    evaluation = evaluate(rule_set=rule_set)
    write_evaluation(evaluation)
    run_dbt(["build", "--select", "match_quality", "match_quality_situations"], rule_set)
    return {key: value for key, value in evaluation.metrics.items() if isinstance(value, (int, float))}


@flow(name="revops-embed")
def embed_flow() -> dict:
    """The embedding step alone, to deploy on a GPU work pool (see README, Operations)."""
    return _embed_here()


@task(retries=retries(1), retry_condition_fn=transient_only, retry_delay_seconds=10)
def build_report() -> str:
    from revops import report, settings

    report.install()
    return str(report.build(settings.reader()))  # the site reads as the BI role: no write access in its build


@flow(name="revops", log_prints=True)
def revops_flow(
    full_refresh: bool = False, with_report: bool = True, tenant: str | None = None, allow_raw_shrink: bool = False,
    as_of_date: dt.date | None = None,
) -> dict:
    """The whole chain as a Prefect flow (served deployments, `revops run --prefect`, or `revops run` when a
    Prefect API is configured): each stage a Prefect task. See `run_pipeline`."""
    return run_pipeline(full_refresh, with_report, tenant, allow_raw_shrink, as_of_date, get_run_logger())


def run_pipeline(
    full_refresh: bool = False, with_report: bool = True, tenant: str | None = None, allow_raw_shrink: bool = False,
    as_of_date: dt.date | None = None, logger=None,
) -> dict:
    """The whole chain, recorded in `ops`. Each stage waits for the one before; a failed stage stops
    the rest, and the marts of the previous good run stay readable (dbt swaps tables only on success).
    `tenant` picks the POD rules override (rules/tenants/<tenant>.yml), `as_of_date` the day they are judged for
    (None: the settings'); the rules are resolved once, here (a bad rules file fails first), recorded with the
    run in ops.pipeline_runs and handed to every stage, so an edit of the file during the run changes nothing.
    One run at a time per warehouse (an advisory lock); runs left `running` by a killed process are
    recorded as crashed. After extract, the raw guard stops the run when a raw table lost most of its
    rows since the last successful run, unless `allow_raw_shrink` (see runlog.check_raw_counts).
    Called outside a Prefect flow run, the stages run as plain functions with the tasks' retry policy."""
    from revops import rules

    rule_set = rules.load(tenant, as_of_date)
    logger = logger or log
    with runlog.run_lock():
        crashed = runlog.mark_crashed_runs()
        if crashed:
            logger.warning("%d earlier run(s) had stopped without an end: recorded as crashed", crashed)
        return _run_stages(full_refresh, with_report, allow_raw_shrink, logger, rule_set)


def _skip_reason(run_id: str, full_refresh: bool, moved: int, fingerprint: str) -> str | None:
    """Why the stages after the raw guard can be skipped, or None when they must run: not on a full refresh,
    only when extract moved no row and the inputs of every later stage (changes.inputs) are those of the
    previous run, which succeeded."""
    if full_refresh or moved or settings.current().revops_no_skip:
        return None
    previous_run, previous = changes.last_run_fingerprint(run_id)
    if previous != fingerprint:
        return None
    return f"nothing changed since run {previous_run}: no source row moved, same dbt project, vars, reviews and weights"


def _run_stages(full_refresh: bool, with_report: bool, allow_raw_shrink: bool, logger, rule_set: RuleSet) -> dict:
    run_id = runlog.start_run(full_refresh, rule_set)
    summary: dict = {"run_id": run_id}
    try:
        from revops import review

        review.ensure()  # schema review (people's reviews, append-only): dbt reads it as a source, no run drops it

        with runlog.stage(run_id, "source_contract") as record:
            # every source's contracted columns, before anything is written (the extracts rely on it)
            from extract.pipeline import SOURCES, check_contract

            for source in SOURCES:
                check_contract(source)
            record.detail = {"sources": list(SOURCES)}
        moved = 0
        for source in ("odoo", "apn"):
            with runlog.stage(run_id, f"extract_{source}") as record:
                extracted = call(extract_source, source, full_refresh)
                record.row_count, record.detail = extracted["rows"], extracted
            summary[f"extract_{source}"] = extracted
            moved += extracted["rows"] + sum(extracted["deleted_at_source"].values())
        with runlog.stage(run_id, runlog.RAW_GUARD_STAGE) as record:
            counts = runlog.raw_row_counts()
            record.row_count, record.detail = sum(counts.values()), {"counts": counts}
            record.detail = runlog.check_raw_counts(counts, allow_raw_shrink)
            parts = changes.inputs(rule_set.dbt_vars())
            fingerprint = changes.fingerprint(parts)
            record.detail.update(inputs=parts, inputs_fingerprint=fingerprint)
        skipped = _skip_reason(run_id, full_refresh, moved, fingerprint)
        if skipped:
            logger.info("skipping dbt, embed, match and evaluate: %s", skipped)
            summary["skipped"] = skipped
        with runlog.stage(run_id, "dbt_staging_core") as record:
            built = ({"skipped": skipped} if skipped
                     else call(dbt_build, "staging-core", BEFORE_EMBED, full_refresh, rule_set))
            record.row_count, record.detail = built.get("rows", 0), built
        with runlog.stage(run_id, "embed") as record:
            summary["embed"] = embedded = {"embedded": 0, "skipped": skipped} if skipped else call(embed)
            record.row_count, record.detail = embedded["embedded"], embedded
        with runlog.stage(run_id, "match") as record:
            summary["match"] = matched = ({"pairs": 0, "skipped": skipped} if skipped
                                          else call(match, rule_set, full_refresh))
            record.row_count, record.detail = matched["pairs"], matched
        with runlog.stage(run_id, "dbt_marts") as record:
            built = {"skipped": skipped} if skipped else call(dbt_build, "marts", AFTER_MATCH, full_refresh, rule_set)
            record.row_count, record.detail = built.get("rows", 0), built
        with runlog.stage(run_id, "evaluate") as record:
            summary["evaluate"] = record.detail = ({"skipped": skipped} if skipped
                                                   else call(evaluate_matches, rule_set))
        if with_report:
            with runlog.stage(run_id, "report") as record:
                summary["report"] = record.detail["site"] = call(build_report)
    except BaseException as exc:
        runlog.finish_run(run_id, exc)
        raise
    runlog.finish_run(run_id)
    logger.info("run %s finished: %s", run_id, summary)
    return summary
