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
    inputs = query(first_run, "select count(*) from search.search_inputs where content != ''")[0][0]
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


def test_an_idle_rerun_skips_what_did_not_change(first_run):
    """Run again with the same sources, project, rules and reviews as the run before: the stages after the raw
    guard are skipped (recorded with the reason), the marts stay as they were; a new review makes the next run
    build again."""
    decisions_before = query(first_run, "select ace_opportunity_id, decision, odoo_lead_id, decided_at from pod.decisions order by 1")
    result = revops("run", "--no-report")
    assert '"skipped": "nothing changed since run' in result.stdout and '"embedded": 0' in result.stdout
    run_id = query(first_run, "select run_id from ops.pipeline_runs order by started_at desc limit 1")[0][0]
    stages = dict(query(first_run, "select stage, detail ? 'skipped' from ops.pipeline_run_stages where run_id = %s",
                        (run_id,)))
    assert stages == {"source_contract": False, "extract_odoo": False, "extract_apn": False, "raw_guard": False,
                      "dbt_staging_core": True, "embed": True, "match": True, "dbt_marts": True, "evaluate": True}
    assert query(first_run, "select ace_opportunity_id, decision, odoo_lead_id, decided_at from pod.decisions order by 1") \
        == decisions_before
    ace_id = decisions_before[0][0]
    revops("review", "--reviewer", "tester", "reject", ace_id, "--reason", "test: a review is an input of the marts")
    result = revops("run", "--no-report")
    assert '"skipped"' not in result.stdout
    assert query(first_run, "select final_decision from pod.decisions where ace_opportunity_id = %s", (ace_id,)) \
        == [("rejected_by_review",)]


def changed_since(wh, relation: str, key: str, since) -> set[str]:
    return {str(row[0]) for row in query(wh, f"select {key} from {relation} where row_changed_at > %s", (since,))}


def test_incremental_run_moves_exactly_the_changed_rows(first_run):
    """A handful of changed source rows travel alone through raw, core, search, embeddings and decisions."""
    ace_ids = [row[0] for row in query(first_run, """
        select ace_opportunity_id from pod.decisions
        where partner_originated_outcome = 'pass' and decision != 'auto_reject'
        order by ace_opportunity_id limit 2""")]
    assert len(ace_ids) == 2, "the tiny demo needs two partner-originated opportunities not auto-rejected"
    retitled, reowned = ace_ids
    lead_id = query(first_run, "select min(lead_id) from core.odoo_opportunities where expected_revenue is not null")[0][0]
    as_of = query(first_run, "select max(as_of_date) from pod.decisions")[0][0]
    loads_before = {row[0] for row in query(first_run, "select load_id from raw._dlt_loads")}
    started = query(first_run, "select now()")[0][0]

    # changed in the sources the way the applications write them: new content and a later modification time
    with_apn = settings.apn()
    query(with_apn, """
        update public.opportunity set partner_project_title = coalesce(partner_project_title, '') || ' (phase 2)',
            last_modified_date = (select max(last_modified_date) from public.opportunity) + interval '1 minute'
        where id = %s returning id""", (retitled,))
    query(with_apn, """
        update public.opportunity set opportunity_ownership = 'AWS Referral',
            last_modified_date = (select max(last_modified_date) from public.opportunity) + interval '1 minute'
        where id = %s returning id""", (reowned,))
    query(settings.odoo(), """
        update public.crm_lead set expected_revenue = expected_revenue + 1000,
            write_date = (select max(write_date) from public.crm_lead) + interval '1 minute'
        where id = %s returning id""", (lead_id,))

    revops("--as-of", str(as_of), "run", "--no-report")

    # raw: only the three rows were (re)loaded, in their own tables
    moved = {}
    for system, tables in CONTRACT.items():
        for table in tables:
            ids = query(first_run, f"select id from raw.{system}_{table} where not (_dlt_load_id = any(%s))",
                        (list(loads_before),))
            if ids:
                moved[f"{system}_{table}"] = {str(row[0]) for row in ids}
    assert moved == {"apn_opportunity": {retitled, reowned}, "odoo_crm_lead": {str(lead_id)}}

    # core: the same rows and no others
    assert changed_since(first_run, "core.ace_opportunities", "ace_opportunity_id", started) == {retitled, reowned}
    assert changed_since(first_run, "core.odoo_opportunities", "lead_id", started) == {str(lead_id)}

    # search: only the retitled opportunity's project text changed (ownership and revenue are not searched)
    assert changed_since(first_run, "search.search_inputs", "text_id", started) == {f"ace:{retitled}:context"}
    reembedded = {row[0] for row in query(
        first_run, "select text_id from embeddings.dense_vectors where embedded_at > %s", (started,))}
    assert reembedded == {f"ace:{retitled}:context"}

    # decisions: the ownership flip fails the critical partner-originated rule; the history shows that change
    decision, outcome = query(first_run, """
        select decision, partner_originated_outcome from pod.decisions where ace_opportunity_id = %s""",
        (reowned,))[0]
    assert (decision, outcome) == ("auto_reject", "fail")
    new_versions = {row[0] for row in query(
        first_run, "select ace_opportunity_id from pod.decision_history where dbt_valid_from > %s", (started,))}
    assert reowned in new_versions and new_versions <= {retitled, reowned}


def test_every_run_is_logged_and_status_prints_it(first_run):
    runs = query(first_run, "select run_id, status, error from ops.pipeline_runs order by started_at")
    assert len(runs) >= 2 and all(status == "succeeded" and error is None for _, status, error in runs)
    stages = query(first_run, """
        select stage, status, seconds, row_count from ops.pipeline_run_stages where run_id = %s order by started_at""",
        (runs[-1][0],))
    assert [s[0] for s in stages][:6] == [
        "source_contract", "extract_odoo", "extract_apn", "raw_guard", "dbt_staging_core", "embed"]
    assert all(status == "succeeded" and seconds is not None for _, status, seconds, _ in stages)
    printed = revops("status", "--limit", "2").stdout
    assert runs[-1][0] in printed and "dbt_staging_core" in printed


def test_a_failed_stage_stops_the_run_and_keeps_the_marts(first_run, monkeypatch):
    decisions_before = query(first_run, "select count(*), max(decided_at) from pod.decisions")[0]
    # the APN source is unreachable: the contract check before any extract fails, nothing after it runs
    monkeypatch.setenv("APN_DATABASE_URL", f"postgresql://postgres@127.0.0.1:{settings.warehouse().port}/no_such_apn")
    monkeypatch.setenv("REVOPS_TASK_RETRIES", "0")
    with pytest.raises(AssertionError, match="no_such_apn"):
        revops("run", "--no-report")
    run_id, status, error = query(first_run, """
        select run_id, status, error from ops.pipeline_runs order by started_at desc limit 1""")[0]
    assert status == "failed" and "no_such_apn" in error
    stages = dict(query(first_run, "select stage, status from ops.pipeline_run_stages where run_id = %s", (run_id,)))
    assert stages == {"source_contract": "failed"}
    assert query(first_run, "select count(*), max(decided_at) from pod.decisions")[0] == decisions_before


def test_full_refresh_rebuilds_a_built_warehouse_and_repairs_the_failed_run(first_run):
    """`--full-refresh` reloads every raw table under the staging views dbt built on them, and running again after
    the failed run above is all the repair it needs."""
    decisions_before = query(first_run, "select ace_opportunity_id, decision, odoo_lead_id from pod.decisions order by 1")
    loads_before = {row[0] for row in query(first_run, "select load_id from raw._dlt_loads")}
    revops("run", "--full-refresh", "--no-report")
    test_every_raw_table_matches_its_source(first_run)
    for system, tables in CONTRACT.items():
        for table in tables:
            stale = query(first_run, f"select count(*) from raw.{system}_{table} where _dlt_load_id = any(%s)",
                          (list(loads_before),))[0][0]
            assert stale == 0, f"raw.{system}_{table} kept rows of earlier loads"
    assert query(first_run, "select ace_opportunity_id, decision, odoo_lead_id from pod.decisions order by 1") \
        == decisions_before
    assert query(first_run, "select status, full_refresh from ops.pipeline_runs order by started_at desc limit 1") \
        == [("succeeded", True)]
