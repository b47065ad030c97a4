"""Time of the POD rules per ACE opportunity (target < 50 ms, SPEC "Targets").

    REVOPS_DATABASE_URL=... .venv/bin/python -m tests.pod.benchmark_rules [--as-of 2026-11-01] [--runs 3]

The measurement lives in revops.bench.rules (also a figure of `revops bench`); this prints it.
"""

from __future__ import annotations

import argparse

from revops.bench.rules import measure


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--as-of", default=None, help="as-of date YYYY-MM-DD (default today)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    result = measure(args.as_of, args.runs)
    print(f"ACE opportunities: {result['opportunities']}")
    print(f"rule models ({', '.join(result['rule_models'])}): {result['rules_seconds']:.2f} s "
          f"= {result['rules_ms_per_opportunity']:.2f} ms per opportunity")
    print(f"rules + decisions: {result['rules_and_decisions_seconds']:.2f} s "
          f"= {result['rules_and_decisions_ms_per_opportunity']:.2f} ms per opportunity")


if __name__ == "__main__":
    main()
