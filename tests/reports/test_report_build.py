"""The Evidence site builds against the marts and its prerendered pages carry the data.

Runs the real thing: `npm ci` (first time only), `npm run sources` and the strict build against
the `evidence_dev` fixture database. Needs Node.js and, the first time, the npm registry.
About 2.5-3 min on 2 cores, ~3 GB peak memory.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import time
from decimal import Decimal
from pathlib import Path

import psycopg2
import pytest

from revops import report

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = [
    pytest.mark.slow,
]


def _scalar(parts, sql: str):
    with psycopg2.connect(parts.dsn()) as connection, connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


@pytest.fixture(scope="module")
def built_site(evidence_dev_db):
    report.install()
    started = time.monotonic()
    build_dir = report.build(evidence_dev_db)
    seconds = time.monotonic() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"\nreport build (sources + strict build): {seconds:.0f} s, largest process peak RSS {peak_mb:.0f} MB")
    return build_dir, seconds, peak_mb


def test_build_writes_the_overview_page(built_site):
    build_dir, _, _ = built_site
    index = build_dir / "index.html"
    assert index.is_file()
    html = index.read_text()
    assert "<title>RevOps overview" in html or "RevOps overview" in html
    assert "Cost vs invoice" in html
    assert "POD decisions" in html


def test_overview_shows_fixture_numbers(built_site, evidence_dev_db):
    build_dir, _, _ = built_site
    html = (build_dir / "index.html").read_text()

    total_cost = _scalar(evidence_dev_db, "select sum(aws_cost) from billing.cost_vs_invoice_monthly")
    total_invoiced = _scalar(evidence_dev_db, "select sum(invoiced_amount) from billing.cost_vs_invoice_monthly")
    assert f"${round(total_cost):,}" in html  # BigValue "AWS cost", usd0
    assert f"${round(total_invoiced):,}" in html  # BigValue "Invoiced"

    margin_pct = (total_invoiced - total_cost) / total_invoiced * 100
    assert f"{margin_pct.quantize(Decimal('0.1'))}%" in html  # BigValue "Margin %", pct1

    needs_review = _scalar(evidence_dev_db, "select count(*) from pod.decisions where decision = 'needs_review'")
    assert re.search(rf"Needs review.{{0,400}}?>\s*{needs_review}\s*<", html, re.S), "needs_review count missing"


def test_site_carries_the_decisions_data(built_site):
    """Tables render in the browser from the parquet files the build ships."""
    build_dir, _, _ = built_site
    manifest = json.loads((build_dir / "data" / "manifest.json").read_text())
    files = manifest["renderedFiles"]["warehouse"]
    assert any(f.endswith("pod_decisions.parquet") for f in files)
    assert any(f.endswith("cost_vs_invoice_monthly.parquet") for f in files)
    for name in files:
        assert (build_dir / name.removeprefix("static/")).stat().st_size > 0


def test_site_works_in_a_browser(built_site, evidence_dev_db):
    """Headless Chromium: the POD table fills in, and the decision filter narrows it."""
    build_dir, _, _ = built_site
    first_review = _scalar(
        evidence_dev_db,
        "select ace_opportunity_id from pod.decisions where decision = 'needs_review' "
        "order by confidence desc, ace_opportunity_id limit 1",
    )
    ARTIFACTS.mkdir(exist_ok=True)
    result = subprocess.run(
        ["node", str(Path(__file__).with_name("browse_site.mjs")), str(build_dir), str(ARTIFACTS / "overview.png"),
         "RevOps overview", "Needs review", first_review],
        capture_output=True, text=True, timeout=240, env={**os.environ, "CHROMIUM_PATH": CHROMIUM},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads(result.stdout)
    assert summary["tableRows"] > 10 and not summary["consoleErrors"]


def test_build_failure_names_the_cause(evidence_dev_db, tmp_path):
    broken = evidence_dev_db.with_database("no_such_database")
    with pytest.raises(report.ReportError, match="no_such_database"):
        report.build(broken, reports_dir=_copy_project(tmp_path))


def test_missing_mart_is_reported_before_evidence_runs(warehouse_server, tmp_path):
    empty = warehouse_server.with_database("postgres")
    with pytest.raises(report.ReportError, match="billing.cost_vs_invoice_monthly.*dbt build"):
        report.build(empty, reports_dir=_copy_project(tmp_path))


def test_failing_source_query_fails_the_build(evidence_dev_db, tmp_path):
    """Evidence prints ✖, exits 0 (or hangs) on a failing source query: build() must still fail."""
    project = _copy_project(tmp_path)
    (project / "sources" / "warehouse" / "broken.sql").write_text("select 1 / 0 as boom from pod.decisions\n")
    with pytest.raises(report.ReportError, match="broken"):
        report.build(evidence_dev_db, reports_dir=project)


def _copy_project(tmp_path):
    """A copy of the project sharing node_modules, so a failing build leaves reports/ alone."""
    target = tmp_path / "reports"
    target.mkdir()
    for name in ("package.json", "package-lock.json", "evidence.plugins.yaml", "evidence.settings.json"):
        shutil.copy(report.REPORTS_DIR / name, target / name)
    for name in ("pages", "sources"):
        shutil.copytree(report.REPORTS_DIR / name, target / name)
    (target / "node_modules").symlink_to(report.REPORTS_DIR / "node_modules")
    return target


def test_serve_hint_names_the_build_folder():
    hint = report.serve_hint()
    assert "npm run preview" in hint and str(report.REPORTS_DIR / "build") in hint
