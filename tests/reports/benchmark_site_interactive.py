"""Benchmark: time to interactive of every report page, served locally, against the target of 2 s (issue 16).

Not a test (pytest does not collect it): speed targets are shown by benchmarks, not timed unit tests. Usage, on a
warehouse and a site built by `revops demo-data --scale S && revops run` (or `revops report`):

    .venv/bin/python tests/reports/benchmark_site_interactive.py [--rounds 3]      # prints one JSON object

It drives the built site with tests/reports/browse_site.mjs (headless /usr/bin/chromium) in its timing-only mode:
each page is opened `rounds` times, from navigation until its browser-side queries have rendered (a detail page:
until its heading names the id from the URL), and the script prints each page's times, their median and whether
the median meets the 2 s target.

Measured 2026-12-04 at scale 1.0 (seed 42: 4,800 opportunities, 361 accounts), `--rounds 2`, on the shared 2-core
machine with other jobs running (load-sensitive), medians: overview 1.5 s, Cost Explorer 1.6 s (default view, from
its prerendered results), accounts 0.5 s, opportunities 0.4 s, opportunity 2.0 s (10-15 s with the former
4,800-option dropdown), account 3.2 s, service 3.0 s, payer 3.4 s, POD review 4.7 s. Pages whose queries depend on
the URL run them in DuckDB in the browser: ~1.5 s of DuckDB start-up and parquet registration come first.

`--reference DIR` times a second build of the same warehouse in the same run (e.g. the previous commit's site built
with `revops.report.build(warehouse, reports_dir=<a checkout of its reports/>)`) and prints each page's reference
median and the ratio. Measured 2026-12-04 (branch site2, scale 0.01 test warehouse, machine loaded), `--rounds 2`,
medians this branch / previous commit: POD review 2.87 / 3.52 s (0.82), Cost Explorer 1.94 / 2.66 (0.73), account
3.47 / 2.73 (1.27, with a payer/customer switch since removed: its options ran in the browser), service 3.23 / 2.80, payer 3.11 / 2.73,
opportunity 3.42 / 2.80 (pages not changed: ~15-20 % drift), overview 2.98 / 2.87, lists 0.53 / 0.58-0.61.

The detail pages open the largest account and the first opportunity of the data the site was built from (its
parquet files in build/data), not of the warehouse: `make test` rebuilds reports/build from the test warehouse, and
ids taken from the dev warehouse were then missing from the site (the pages never became interactive; they now say
that the id is not in the data). A page that never becomes interactive is reported (null time, a line in
failures), not fatal.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq

from revops import report

TARGET_MS = 2000
HERE = Path(__file__).resolve().parent


def _site_table(build_dir: Path, name: str):
    """One source query's rows as the built site holds them (build/data/warehouse/<name>/<name>.parquet)."""
    files = sorted((build_dir / "data" / "warehouse" / name).glob("*.parquet"))
    if not files:
        raise SystemExit(f"the built site has no {name} data in {build_dir / 'data'}")
    return pq.read_table(files[0])


def _largest(costs, column: str) -> str:
    """The value of `column` with the most AWS cost."""
    costs = costs.filter(pc.is_valid(costs[column]))
    totals = costs.group_by(column).aggregate([("aws_cost", "sum")]).sort_by([("aws_cost_sum", "descending")])
    return str(totals[column][0])


def detail_ids(build_dir: Path) -> dict[str, str]:
    """The largest linked account, payer and service (by AWS cost) and the first opportunity of the site's own data."""
    costs = _site_table(build_dir, "cost_vs_invoice_monthly")
    decisions = _site_table(build_dir, "pod_decisions").column("ace_opportunity_id")
    return {
        "account": _largest(costs, "aws_account_id"),
        "payer": _largest(costs, "payer_aws_account_id"),
        "service": _largest(costs, "service_code"),
        "opportunity": str(pc.min(decisions)),
    }


def measure(build_dir: Path, ids: dict[str, str], rounds: int) -> tuple[dict, list]:
    """Each page's load times (ms, `rounds` opens) on the site in `build_dir`, their median and the target check."""
    with tempfile.TemporaryDirectory() as artifacts:
        plan = {
            "buildDir": str(build_dir),
            "artifacts": artifacts,
            "interactiveOnly": True,
            "rounds": rounds,
            "pages": {
                "overview": "/",
                "cost-explorer": "/cost-explorer",
                "cost-explorer-accounts": "/cost-explorer/accounts",
                "cost-explorer-account": f"/cost-explorer/account/?account={ids['account']}",
                "cost-explorer-service": f"/cost-explorer/service/?service={ids['service']}",
                "cost-explorer-payer": f"/cost-explorer/payer/?payer={ids['payer']}",
                "pod-review": "/pod",
                "pod-opportunities": "/pod/opportunities",
                "pod-opportunity": f"/pod/opportunity/?opportunity={ids['opportunity']}",
            },
        }
        plan_file = Path(artifacts) / "plan.json"
        plan_file.write_text(json.dumps(plan))
        result = subprocess.run(
            ["node", str(HERE / "browse_site.mjs"), str(plan_file)],
            capture_output=True, text=True, timeout=900,
            env={**os.environ, "CHROMIUM_PATH": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")},
        )
    seen = json.loads(result.stdout)
    pages = {}
    for name, times in seen["interactiveMs"].items():
        measured = [ms for ms in times if ms is not None]  # None: not interactive within the browse timeout
        median = statistics.median(measured) if len(measured) == len(times) else None
        pages[name] = {"ms": times, "median_ms": median, "meets_target": median is not None and median <= TARGET_MS}
    return pages, seen["failures"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--build-dir", type=Path, default=report.REPORTS_DIR / "build", help="the site to time")
    parser.add_argument(
        "--reference", type=Path, default=None,
        help="another build of the same warehouse (e.g. the previous commit's site) timed in the same run: each page "
        "gets its reference median and the ratio (this site / reference)",
    )
    args = parser.parse_args()
    build_dir = args.build_dir
    if not (build_dir / "index.html").is_file():
        raise SystemExit(f"no built site in {build_dir}: run `revops report` first")
    ids = detail_ids(build_dir)
    pages, failures = measure(build_dir, ids, args.rounds)
    if args.reference is not None:
        reference, reference_failures = measure(args.reference, ids, args.rounds)
        failures += [f"reference: {failure}" for failure in reference_failures]
        for name, page in pages.items():
            ref = reference.get(name, {}).get("median_ms")
            page["reference_median_ms"] = ref
            page["ratio"] = round(page["median_ms"] / ref, 2) if ref and page["median_ms"] is not None else None
    print(json.dumps({"target_ms": TARGET_MS, "cpu_count": os.cpu_count(), "ids": ids, "pages": pages,
                      "all_meet_target": all(p["meets_target"] for p in pages.values()),
                      "failures": failures}, indent=1))


if __name__ == "__main__":
    main()
