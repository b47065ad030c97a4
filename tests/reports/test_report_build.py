"""How `revops.report` fails: cheap cases that never run a full Evidence build.

The site itself is built once per session by the `demo_run` fixture and checked in test_site.py.
"""

from __future__ import annotations

import shutil

import pytest

from revops import report


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


def test_source_queries_read_only_marts():
    """Every page reads marts (billing, pod, core, monitoring), never raw, staging or ops tables."""
    schemas = {relation.split(".")[0] for relation in report.source_relations()}
    assert schemas <= {"billing", "pod", "core", "monitoring"}, schemas
    assert "billing.findings" in report.source_relations()


def test_unreachable_warehouse_names_the_cause(warehouse_server, tmp_path):
    broken = warehouse_server.with_database("no_such_database")
    with pytest.raises(report.ReportError, match="no_such_database"):
        report.build(broken, reports_dir=_copy_project(tmp_path))


def test_missing_mart_is_reported_before_evidence_runs(warehouse_server, tmp_path):
    empty = warehouse_server.with_database("postgres")
    with pytest.raises(report.ReportError, match=r"billing\.cost_vs_invoice_monthly.*dbt build"):
        report.build(empty, reports_dir=_copy_project(tmp_path))


@pytest.mark.slow
def test_failing_source_query_fails_the_build(built_site, tmp_path):
    """Evidence prints ✖ and exits 0 (or hangs) on a failing source query: build() must still fail.

    Stops at `npm run sources` (seconds), before the site build."""
    _, warehouse = built_site
    project = _copy_project(tmp_path)
    (project / "sources" / "warehouse" / "broken.sql").write_text("select 1 / 0 as boom from pod.decisions\n")
    with pytest.raises(report.ReportError, match="broken"):
        report.build(warehouse, reports_dir=project)


def test_serve_hint_names_the_build_folder():
    hint = report.serve_hint()
    assert "npm run preview" in hint and str(report.REPORTS_DIR / "build") in hint
