"""Time of the POD rules per ACE opportunity (target < 50 ms, SPEC "Targets").

    REVOPS_DATABASE_URL=... .venv/bin/python -m tests.pod.benchmark_rules [--as-of 2026-11-01] [--runs 3]

Runs the rule models (rule_inputs, every rule_<id>, rule_outcomes) and pod.decisions with `dbt run` against the
configured warehouse (built already: pod.matches and the core models must exist) and prints the dbt execution
time of those models divided by the number of ACE opportunities. The best of several runs is reported.
"""

from __future__ import annotations

import argparse

import psycopg2

from revops import settings
from revops.dbt import run_dbt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--as-of", default=None, help="as-of date YYYY-MM-DD (default today)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    vars_args = ["--vars", f"{{pod_as_of_date: '{args.as_of}'}}"] if args.as_of else []
    with psycopg2.connect(settings.warehouse().dsn()) as conn, conn.cursor() as cur:
        cur.execute("select count(*) from core.ace_opportunities")
        opportunities = cur.fetchone()[0]
    best_rules = best_total = None
    for _ in range(args.runs):
        nodes = run_dbt(["run", "-s", "rule_inputs+", "--exclude", "decision_history", "decision_changes",
                         *vars_args])
        seconds = {n["node"].split(".")[-1]: n["seconds"] for n in nodes if n["node"].startswith("model.")}
        rules = sum(s for name, s in seconds.items() if name.startswith("rule_"))
        total = rules + seconds.get("decisions", 0.0)
        best_rules = rules if best_rules is None else min(best_rules, rules)
        best_total = total if best_total is None else min(best_total, total)
    print(f"ACE opportunities: {opportunities}")
    print(f"rule models ({', '.join(sorted(n for n in seconds if n.startswith('rule_')))}): {best_rules:.2f} s "
          f"= {1000 * best_rules / max(opportunities, 1):.2f} ms per opportunity")
    print(f"rules + decisions: {best_total:.2f} s = {1000 * best_total / max(opportunities, 1):.2f} ms per opportunity")


if __name__ == "__main__":
    main()
