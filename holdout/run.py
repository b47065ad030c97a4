"""`revops holdout`: the held-out labelled set end to end, kept apart from the project's own warehouse.

1. `holdout.generate` recreates the source databases `odoo_holdout` / `apn_holdout` on the embedded server and
   writes the labels to `<REVOPS_HOME>/holdout/truth.csv`;
2. the whole flow runs against them into a warehouse database of its own, `revops_holdout` (with its own dlt
   state under `<REVOPS_HOME>/holdout`), in a child process whose environment points there;
3. `revops eval --truth <csv>` is computed on that warehouse and written to ops.match_eval* there and in the
   project's warehouse (truth_set `holdout`), so the overview page shows both sets side by side.

Nothing here fits weights: the held-out labels never reach `revops fit-weights`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from holdout.generate import create_holdout_sources
from revops import settings, warehouse

ODOO_DB, APN_DB, WAREHOUSE_DB = "odoo_holdout", "apn_holdout", "revops_holdout"


def holdout_home() -> Path:
    return settings.home() / "holdout"


def holdout_env() -> dict[str, str]:
    """Environment of a process that works on the holdout set (sources, warehouse, pipeline state)."""
    source = settings.apn()  # the embedded server's superuser URL of the demo sources
    as_of = settings.current().revops_as_of_date
    return {
        "REVOPS_DATABASE_URL": settings.warehouse().with_database(WAREHOUSE_DB).url(show_password=True),
        "ODOO_DATABASE_URL": source.with_database(ODOO_DB).url(show_password=True),
        "APN_DATABASE_URL": source.with_database(APN_DB).url(show_password=True),
        "REVOPS_SECRETS_FILE": str(settings.secrets_file()),
        "REVOPS_HOME": str(holdout_home()),
        "REVOPS_AS_OF_DATE": as_of.isoformat() if as_of else "2026-11-01",
    }


@contextmanager
def pointed_at_holdout():
    """This process's settings pointed at the holdout warehouse for the block (and back after it)."""
    env = holdout_env()
    previous = settings.activate(settings.current().model_copy(update={
        "revops_database_url": env["REVOPS_DATABASE_URL"], "odoo_database_url": env["ODOO_DATABASE_URL"],
        "apn_database_url": env["APN_DATABASE_URL"], "revops_secrets_file": Path(env["REVOPS_SECRETS_FILE"]),
        "revops_home": Path(env["REVOPS_HOME"]), "revops_as_of_date": date.fromisoformat(env["REVOPS_AS_OF_DATE"])}))
    try:
        yield
    finally:
        settings.activate(previous)


def build_holdout(scale: float, seed: int) -> dict:
    """Sources, labels and the holdout warehouse (the full flow, without the report site)."""
    from matching.evaluate import holdout_truth_path

    admin = settings.apn()
    summary = create_holdout_sources(lambda db: admin.with_database(db).dsn(), ODOO_DB, APN_DB, holdout_truth_path(),
                                     seed=seed, scale=scale)
    warehouse.ensure_database(settings.warehouse().with_database(WAREHOUSE_DB))
    holdout_home().mkdir(parents=True, exist_ok=True)
    revops = Path(sys.executable).with_name("revops")
    command = [str(revops)] if revops.exists() else [sys.executable, "-m", "revops.cli"]
    subprocess.run([*command, "run", "--no-report"], env={**os.environ, **holdout_env()}, check=True)
    return summary


def holdout(scale: float = 1.0, seed: int = 20261204, build: bool = True):
    """Build (unless `build=False`) and evaluate the holdout set; returns the Evaluation."""
    from matching.evaluate import evaluate, holdout_truth_path, write_evaluation

    if build:
        build_holdout(scale, seed)
    truth_path = str(holdout_truth_path())
    with pointed_at_holdout():
        evaluation = evaluate(truth=truth_path)
        evaluation.truth_name = evaluation.metrics["truth_set"] = "holdout"
        write_evaluation(evaluation)
    write_evaluation(evaluation, situations_only=True)  # the project's warehouse: the overview page shows it
    from revops.dbt import run_dbt

    run_dbt(["build", "--select", "match_quality_situations"])
    return evaluation
