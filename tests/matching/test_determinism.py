"""Issue 11.8: the same sources built into two fresh warehouses give the same candidates and decisions, byte for
byte (similarities rounded before ranking, ties broken by id, exact re-ranking of the HNSW proposals)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from revops import settings
from tests.conftest import DEMO_SCALE, DEMO_SEED, REPO, query, recreate_database

pytestmark = pytest.mark.slow

TABLES = {
    # (relation, order, columns left out: the time of the build)
    "intermediate.int_match_candidates": ("ace_opportunity_id, odoo_lead_id", ()),
    "intermediate.int_match_candidates_by_neighbours": ("ace_opportunity_id, match_method, neighbour_rank", ()),
    "pod.matches": ("ace_opportunity_id, rank", ()),
    "pod.decisions": ("ace_opportunity_id", ("decided_at",)),
}


def _rows(wh, relation: str, order: str, leave_out: tuple[str, ...]) -> list[str]:
    schema, table = relation.split(".")
    columns = [c for (c,) in query(wh, """select column_name from information_schema.columns
                                          where table_schema = %s and table_name = %s order by ordinal_position""",
                                   (schema, table)) if c not in leave_out]
    assert columns, relation
    listed = ", ".join(f'"{c}"' for c in columns)
    return [r[0] for r in query(wh, f"select cast(row({listed}) as text) from {relation} order by {order}")]


def test_two_builds_of_the_same_sources_decide_the_same(warehouse_server, tmp_path):
    from revops.demo import generate

    base = settings.warehouse()
    odoo, apn = base.with_database("determinism_odoo"), base.with_database("determinism_apn")
    generate.create_demo_sources(odoo, apn, scale=DEMO_SCALE, seed=DEMO_SEED)
    url = "postgresql://postgres@127.0.0.1:{port}/{db}"
    builds = []
    for name in ("determinism_wh_a", "determinism_wh_b"):
        wh = recreate_database(base.with_database(name))
        env = {**os.environ, "ODOO_DATABASE_URL": url.format(port=base.port, db=odoo.database),
               "APN_DATABASE_URL": url.format(port=base.port, db=apn.database),
               "REVOPS_DATABASE_URL": url.format(port=base.port, db=wh.database),
               "REVOPS_HOME": str(tmp_path / name), "REVOPS_TASK_RETRIES": "0"}
        result = subprocess.run([sys.executable, "-m", "revops.cli", "run", "--no-report"], cwd=REPO, env=env,
                                capture_output=True, text=True, timeout=1200)
        assert result.returncode == 0, result.stderr[-4000:]
        builds.append(wh)
    a, b = builds
    for relation, (order, leave_out) in TABLES.items():
        rows_a, rows_b = _rows(a, relation, order, leave_out), _rows(b, relation, order, leave_out)
        assert rows_a, relation
        differing = [(x, y) for x, y in zip(rows_a, rows_b) if x != y]
        assert len(rows_a) == len(rows_b) and not differing, f"{relation}: {differing[:3]}"
