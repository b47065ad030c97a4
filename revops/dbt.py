"""Run dbt in-process against the configured warehouse."""

from __future__ import annotations

import json
import logging
import os

from typing import TYPE_CHECKING

from revops import settings

if TYPE_CHECKING:
    from revops.rules import RuleSet

log = logging.getLogger(__name__)


class DbtError(RuntimeError):
    pass


def project_var(name: str):
    """A var of dbt_project.yml as the project sets it (the home of constants SQL and Python share)."""
    import yaml

    project = yaml.safe_load((settings.PROJECT_ROOT / "dbt_project.yml").read_text())
    return project["vars"][name]


def dbt_env() -> dict[str, str]:
    env = settings.warehouse().dbt_env()
    env["DO_NOT_TRACK"] = "1"
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    return env


# dbt subcommands that take --vars: they get the POD rule set (rules/pod.yml + the tenant's override) as vars.
VARS_COMMANDS = {"build", "run", "test", "compile", "snapshot", "seed", "show", "run-operation", "list", "ls",
                 "parse", "docs", "source"}


def with_rule_vars(args: list[str], rule_set: "RuleSet | None" = None) -> list[str]:
    """Add the POD rule vars of `rule_set` (a run's resolved rules; None: loaded now for the settings' tenant and
    as-of date) to a dbt command; `--vars` given by the caller win. An invalid rules file raises
    revops.rules.RulesConfigError before dbt starts."""
    if not args or args[0] not in VARS_COMMANDS:
        return args
    import yaml

    from revops import rules

    merged = (rule_set or rules.load()).dbt_vars()
    rest, index = [], 0
    while index < len(args):
        if args[index] == "--vars" and index + 1 < len(args):
            merged.update(yaml.safe_load(args[index + 1]) or {})
            index += 2
            continue
        if args[index].startswith("--vars="):
            merged.update(yaml.safe_load(args[index].split("=", 1)[1]) or {})
        else:
            rest.append(args[index])
        index += 1
    return [*rest, "--vars", json.dumps(merged, default=str)]


def run_dbt(args: list[str], rule_set: "RuleSet | None" = None) -> list[dict]:
    """`dbt <args>` with the project and profiles at the repo root and the POD rules of `rule_set` as vars
    (see `with_rule_vars`); returns per-node results, raises on failure."""
    from dbt.cli.main import dbtRunner

    os.environ.update(dbt_env())
    if args and args[0] in ("build", "run", "test", "snapshot"):
        from revops import review

        review.ensure()  # the source `review` (people's reviews) exists before any model reads it
    root = str(settings.PROJECT_ROOT)
    full_args = [*with_rule_vars(args, rule_set), "--project-dir", root, "--profiles-dir", root]
    log.info("dbt %s", " ".join(args))
    result = dbtRunner().invoke(full_args)
    nodes = []
    if result.result is not None and hasattr(result.result, "results"):
        for node_result in result.result.results:
            nodes.append(
                {
                    "node": node_result.node.unique_id,
                    "status": str(node_result.status),
                    "rows": (node_result.adapter_response or {}).get("rows_affected"),
                    "seconds": node_result.execution_time,
                    "message": node_result.message,
                }
            )
    if not result.success:
        failed = [n for n in nodes if n["status"] in ("error", "fail", "runtime error")]
        detail = "; ".join(f"{n['node']}: {n['message']}" for n in failed[:5]) or str(result.exception)
        raise DbtError(f"dbt {' '.join(args)} failed: {detail}")
    return nodes
