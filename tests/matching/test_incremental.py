"""Incremental match scoring re-scores only the pairs whose inputs changed and their rivals, and gives exactly
the rows a full re-score gives."""

from __future__ import annotations

import pytest

from matching import fusion
from matching.run import SCORES_TABLE, score_candidates
from tests.conftest import execute, query

pytestmark = pytest.mark.slow

CANDIDATES = "intermediate.int_match_candidates"
COMPARED = """select ace_opportunity_id, odoo_lead_id, name_similarity, colbert_score, title_similarity, confidence,
                     model_family, contributions::text, input_hash, first_stage::text, first_stage_logit, weights_version
              from matching.candidate_scores order by 1, 2"""


@pytest.fixture()
def changed_candidates(demo_run):
    """The demo's candidate pairs with a few changed the ways a run changes them; restored afterwards."""
    execute(demo_run, f"drop table if exists public.candidates_backup; "
                      f"create table public.candidates_backup as select * from {CANDIDATES}")
    yield demo_run
    execute(demo_run, f"truncate {CANDIDATES}; insert into {CANDIDATES} select * from public.candidates_backup; "
                      f"drop table public.candidates_backup")
    score_candidates(full=True)


def test_incremental_scoring_equals_a_full_rescore(changed_candidates):
    wh = changed_candidates
    score_candidates(full=True)
    total = query(wh, f"select count(*) from {SCORES_TABLE}")[0][0]
    # unchanged inputs: nothing is scored again
    assert score_candidates(full=False).rescored == 0

    # an opportunity with several candidates: one pair's similarity moves
    ace, lead = query(wh, f"""select ace_opportunity_id, min(odoo_lead_id) from {CANDIDATES}
                             group by 1 having count(*) >= 3 order by 1 limit 1""")[0]
    execute(wh, f"update {CANDIDATES} set identity_similarity = coalesce(identity_similarity, 0) + 0.2 "
                f"where ace_opportunity_id = %s and odoo_lead_id = %s", (ace, lead))
    # a pair disappears, another appears (a new neighbour of another opportunity)
    gone = query(wh, f"""select ace_opportunity_id, odoo_lead_id from {CANDIDATES}
                        where ace_opportunity_id > %s order by 1 desc, 2 limit 1""", (ace,))[0]
    execute(wh, f"delete from {CANDIDATES} where ace_opportunity_id = %s and odoo_lead_id = %s", gone)
    execute(wh, f"""
        create temporary table new_pair as
            select * from public.candidates_backup where ace_opportunity_id < %(ace)s order by 1, 2 limit 1;
        update new_pair set odoo_lead_id = (
            select min(other.odoo_lead_id) from {CANDIDATES} as other
            where other.ace_opportunity_id != new_pair.ace_opportunity_id and not exists (
                select 1 from {CANDIDATES} as own
                where own.ace_opportunity_id = new_pair.ace_opportunity_id and own.odoo_lead_id = other.odoo_lead_id));
        insert into {CANDIDATES} select * from new_pair""", {"ace": ace})
    # a renewal's parent: its pairs change, so the renewal's parent_lead term is looked at again
    parent = query(wh, f"select min(parent_ace_opportunity_id) from {CANDIDATES}")[0][0]
    if parent is not None:
        execute(wh, f"update {CANDIDATES} set context_similarity = coalesce(context_similarity, 0) + 0.3 "
                    f"where ace_opportunity_id = %s", (parent,))

    incremental = score_candidates(full=False)
    assert 0 < incremental.rescored < total, incremental  # on the tiny demo most leads compete with many pairs
    after_incremental = query(wh, COMPARED)
    score_candidates(full=True)
    assert after_incremental == query(wh, COMPARED)
    assert fusion.load_weights(incremental.model_family).stage2, "the rivals' second stage is what this test covers"
