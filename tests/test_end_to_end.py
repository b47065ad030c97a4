"""The whole chain on a tiny demo: sources → raw → dbt → embeddings → decisions → site, twice."""

from __future__ import annotations

import tomllib

import pytest

from revops import settings
from tests.conftest import REPO, query, revops

pytestmark = pytest.mark.slow

CONFIG = tomllib.loads((REPO / ".dlt" / "config.toml").read_text())
CONTRACT = {system: sorted(CONFIG["sources"][system]["tables"]) for system in ("odoo", "apn")}


def source_parts(system: str) -> settings.ConnectionParts:
    return settings.odoo() if system == "odoo" else settings.apn()


def raw_counts(wh) -> dict[str, tuple[int, int]]:
    """(rows, distinct ids) of every raw table."""
    counts = {}
    for system, tables in CONTRACT.items():
        for table in tables:
            rows, ids = query(wh, f"select count(*), count(distinct id) from raw.{system}_{table}")[0]
            counts[f"{system}_{table}"] = (rows, ids)
    return counts


@pytest.fixture(scope="module")
def first_run(demo_run):
    return demo_run


def test_every_raw_table_matches_its_source(first_run):
    counts = raw_counts(first_run)
    for system, tables in CONTRACT.items():
        for table in tables:
            source_rows = query(source_parts(system), f"select count(*) from public.{table}")[0][0]
            assert counts[f"{system}_{table}"] == (source_rows, source_rows), f"{system}.{table}"
    assert sum(rows for rows, _ in counts.values()) > 0


def test_one_decision_per_ace_opportunity(first_run):
    opportunities = query(settings.apn(), "select count(*) from public.opportunity")[0][0]
    decisions, distinct_ids = query(
        first_run, "select count(*), count(distinct ace_opportunity_id) from pod.decisions"
    )[0]
    assert opportunities > 0
    assert decisions == distinct_ids == opportunities
    allowed = {"auto_approve", "needs_review", "auto_reject"}
    assert {row[0] for row in query(first_run, "select distinct decision from pod.decisions")} <= allowed


def test_embeddings_cover_every_search_input(first_run):
    inputs = query(first_run, "select count(*) from search.search_inputs")[0][0]
    vectors, dims, models = query(
        first_run, "select count(*), count(distinct vector_dims(embedding)), min(model) from embeddings.dense_vectors"
    )[0]
    assert inputs > 0 and vectors == inputs
    assert dims == 1 and models == "sentence-transformers/all-MiniLM-L6-v2"


def test_site_contains_the_report_page(first_run):
    index = REPO / "reports" / "build" / "index.html"
    assert index.is_file(), "the Evidence build did not produce index.html"
    html = index.read_text()
    assert "RevOps" in html


def test_rerun_changes_nothing(first_run):
    before = raw_counts(first_run)
    decisions_before = query(first_run, "select ace_opportunity_id, decision, odoo_lead_id from pod.decisions order by 1")
    result = revops("run", "--no-report")
    assert '"embedded": 0' in result.stdout, "unchanged texts must not be re-embedded"
    assert raw_counts(first_run) == before
    assert query(first_run, "select ace_opportunity_id, decision, odoo_lead_id from pod.decisions order by 1") == decisions_before
