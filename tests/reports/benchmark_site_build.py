"""Benchmark of the report site build: seconds, pages and size of `reports/build` against the current warehouse.

Not a test (pytest does not collect it): the scale-1.0 check of issue 16 ("report build <= 60 s at scale 1.0 and
not growing with the number of opportunities or accounts") needs a scale-1.0 warehouse, which the unit tests
never build. Usage, on a warehouse built by `revops demo-data --scale S && revops run`:

    .venv/bin/python tests/reports/benchmark_site_build.py            # prints one JSON line

It times `npm run sources` + the strict Evidence build (revops.report.build), then counts the prerendered
pages (index.html files) and the bytes of the build folder, and the opportunities and accounts in the marts,
so runs at two scales show whether the build grows with them.

Measured 2026-12-04 on the shared 2-core machine (other builds and tests running at the same time): scale 1.0
(4,800 opportunities, 361 accounts) 246.9 s, 9 pages, 67 MB (before the 2 MB cap on prerendered query results:
335.7 s and 457 MB, 375 MB of it the Cost Explorer's row-level query); scale 0.05 ~240 s, 9 pages. Most of it is
Evidence's fixed vite compile (~2 min here) plus the prerender of 9 pages, so the time no longer grows with the data
(29 min and 5,166 pages before), but the 60 s target is not met on this machine.

The JSON has `phase_seconds` (revops.report.LAST_BUILD_SECONDS). Measured 2026-12-04 (branch site2) on the test
warehouse (scale 0.01), machine loaded by three other helpers: 239.7 s = install 0.0 + sources 7.3 + Evidence build
232.0 s: the Evidence build (vite compile + prerender of 9 pages) is the whole cost, independent of the data.
"""

from __future__ import annotations

import json
import time

import psycopg2

from revops import report, settings


def main() -> None:
    warehouse = settings.warehouse()
    with psycopg2.connect(warehouse.dsn()) as connection, connection.cursor() as cursor:
        cursor.execute(
            "select (select count(*) from pod.decisions),"
            " (select count(distinct aws_account_id) from billing.cost_vs_invoice_monthly)"
        )
        opportunities, accounts = cursor.fetchone()
    started = time.monotonic()
    build_dir = report.build(warehouse)
    seconds = time.monotonic() - started
    pages = sum(1 for _ in build_dir.rglob("index.html"))
    size = sum(p.stat().st_size for p in build_dir.rglob("*") if p.is_file())
    print(
        json.dumps(
            {
                "opportunities": opportunities,
                "accounts": accounts,
                "build_seconds": round(seconds, 1),
                "phase_seconds": dict(report.LAST_BUILD_SECONDS),
                "pages": pages,
                "build_mb": round(size / 1e6, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
