"""The Prefect flow: extract → dbt (staging, core, search inputs) → embed → dbt (the rest) → report.

Tasks are thin wrappers over package functions; business logic lives in the packages and in dbt.
"""

from __future__ import annotations

from prefect import flow, get_run_logger, task

# dbt selection of what the embedding step needs; everything else is built after it.
BEFORE_EMBED = ["staging", "core", "+search_inputs"]


@task(retries=3, retry_delay_seconds=[5, 30, 120], task_run_name="extract-{source}")
def extract_source(source: str, full_refresh: bool) -> dict:
    from extract.pipeline import run_extract

    result = run_extract(source, full_refresh=full_refresh)
    return {"source": source, "rows": result.rows, "seconds": round(result.seconds, 2)}


@task(retries=1, retry_delay_seconds=10, task_run_name="dbt-{label}")
def dbt_build(label: str, selection: list[str], exclude: bool, full_refresh: bool) -> int:
    from revops.dbt import run_dbt

    args = ["build", "--exclude" if exclude else "--select", *selection]
    if full_refresh:
        args.append("--full-refresh")
    return len(run_dbt(args))


@task(retries=2, retry_delay_seconds=[10, 60])
def embed() -> dict:
    from embeddings.run import embed_changed

    result = embed_changed()
    return {"model": result.model, "dim": result.dim, "device": result.device, "embedded": result.embedded}


@task(retries=1, retry_delay_seconds=10)
def build_report() -> str:
    from revops import report, settings

    report.install()
    return str(report.build(settings.warehouse()))


@flow(name="revops", log_prints=True)
def revops_flow(full_refresh: bool = False, with_report: bool = True) -> dict:
    """The whole chain. Each stage waits for the one before; a failed stage stops the rest,
    and the marts of the previous good run stay readable (dbt swaps tables only on success)."""
    logger = get_run_logger()
    extracted = [extract_source(source, full_refresh) for source in ("odoo", "apn")]
    logger.info("extracted %s", extracted)
    nodes = dbt_build("staging-core", BEFORE_EMBED, exclude=False, full_refresh=full_refresh)
    embedded = embed()
    logger.info("embedded %s", embedded)
    nodes += dbt_build("marts", BEFORE_EMBED, exclude=True, full_refresh=full_refresh)
    site = build_report() if with_report else None
    return {"extract": extracted, "dbt_nodes": nodes, "embed": embedded, "report": site}
