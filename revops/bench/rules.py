"""Time of the POD rules per ACE opportunity (target < 50 ms, SPEC "Targets").

Runs the rule models (rule_inputs, every rule_<id>, rule_outcomes) and pod.decisions with `dbt run` against the
configured warehouse (built already: pod.matches and the core models must exist) and returns the dbt execution
time of those models divided by the number of ACE opportunities. The best of several runs is kept.
(Moved here from tests/pod/benchmark_rules.py, which still runs it from the command line.)
"""

from __future__ import annotations

import psycopg2

from revops import settings
from revops.dbt import run_dbt


def measure(as_of: str | None = None, runs: int = 3) -> dict:
    vars_args = ["--vars", f"{{pod_as_of_date: '{as_of}'}}"] if as_of else []
    with psycopg2.connect(settings.warehouse().dsn()) as conn, conn.cursor() as cur:
        cur.execute("select count(*) from core.ace_opportunities")
        opportunities = cur.fetchone()[0]
    best_rules = best_total = None
    rule_models: list[str] = []
    for _ in range(runs):
        nodes = run_dbt(["run", "-s", "rule_inputs+", "--exclude", "decision_history", "decision_changes",
                         *vars_args])
        seconds = {n["node"].split(".")[-1]: n["seconds"] for n in nodes if n["node"].startswith("model.")}
        rule_models = sorted(n for n in seconds if n.startswith("rule_"))
        rules = sum(seconds[name] for name in rule_models)
        total = rules + seconds.get("decisions", 0.0)
        best_rules = rules if best_rules is None else min(best_rules, rules)
        best_total = total if best_total is None else min(best_total, total)
    per = max(opportunities, 1)
    return {
        "opportunities": opportunities,
        "rule_models": rule_models,
        "rules_seconds": round(best_rules, 3),
        "rules_ms_per_opportunity": round(1000 * best_rules / per, 3),
        "rules_and_decisions_seconds": round(best_total, 3),
        "rules_and_decisions_ms_per_opportunity": round(1000 * best_total / per, 3),
        "runs": runs,
    }
