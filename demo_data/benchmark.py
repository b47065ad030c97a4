"""Time and memory of one demo generation: `python -m demo_data.benchmark [--scale 1.0] [--seed 42]`.

Generates into scratch databases (`odoo_benchmark`, `apn_benchmark` on the warehouse server), never
into the demo databases the pipeline reads, and drops them afterwards unless `--keep`.
"""

from __future__ import annotations

import argparse
import resource
import time

from revops import settings, warehouse
from demo_data.copyio import drop_database
from demo_data.generate import create_demo_sources, format_summary

TIME_BUDGET_S = 180.0


def peak_rss_mib() -> float:
    """Peak resident memory of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(scale: float, seed: int, keep: bool) -> dict:
    warehouse.up()
    base = settings.warehouse()
    odoo, apn = base.with_database("odoo_benchmark"), base.with_database("apn_benchmark")
    started = time.monotonic()
    summary = create_demo_sources(odoo, apn, scale=scale, seed=seed)
    elapsed = time.monotonic() - started
    if not keep:
        drop_database(odoo)
        drop_database(apn)
    return {"summary": summary, "seconds": elapsed, "peak_rss_mib": peak_rss_mib()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark databases")
    args = parser.parse_args(argv)
    result = run(args.scale, args.seed, args.keep)
    print(format_summary(result["summary"]))
    print(f"generation time: {result['seconds']:.1f} s (budget at scale 1.0: {TIME_BUDGET_S:.0f} s)")
    print(f"peak RSS of the generator process: {result['peak_rss_mib']:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
