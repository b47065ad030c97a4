"""Fusion math: log-odds contributions, null signals, model families, fitting and calibration."""

from __future__ import annotations

import math

import numpy as np
import pytest

from matching import fusion


def test_contributions_sum_to_the_logit_of_the_confidence():
    weights = fusion.Weights("minilm", prior=-4.0, weights={"domain": 3.0, "name_similarity": 2.0, "owner_match": 1.0})
    features = {"domain": 1.0, "name_similarity": 0.5, "owner_match": None}
    contributions = weights.contributions(features)
    assert contributions == {"prior": -4.0, "domain": 3.0, "name_similarity": 1.0, "owner_match": 0.0}
    confidence = weights.confidence(features)
    assert math.log(confidence / (1 - confidence)) == pytest.approx(sum(contributions.values()))
    assert 0 <= fusion.sigmoid(-800) < fusion.sigmoid(800) <= 1  # no overflow at the extremes


def test_dense_only_family_has_no_bge_m3_terms():
    assert "sparse_similarity" not in fusion.family_terms("minilm")
    assert "colbert_score" not in fusion.family_terms("minilm")
    assert {"sparse_similarity", "colbert_score"} <= set(fusion.family_terms("bge-m3"))
    assert fusion.model_family("BAAI/bge-m3@abc") == "bge-m3"
    assert fusion.model_family("sentence-transformers/all-MiniLM-L6-v2") == "minilm"


def test_null_signals_contribute_nothing():
    rows = fusion.feature_rows([{
        "ace_opportunity_id": "O1", "odoo_lead_id": 1, "has_domain_match": None, "name_similarity": None,
        "context_similarity": None, "identity_similarity": 0.8, "created_gap_days": None, "has_owner_match": None,
    }])
    assert rows[0]["domain"] == 0.0
    assert rows[0]["name_similarity"] is None and rows[0]["owner_match"] is None
    assert rows[0]["best_identity"] == 1.0


def test_relative_terms_compare_candidates_of_one_opportunity():
    rows = fusion.feature_rows([
        {"ace_opportunity_id": "O1", "odoo_lead_id": 1, "context_similarity": 0.9, "has_domain_match": True},
        {"ace_opportunity_id": "O1", "odoo_lead_id": 2, "context_similarity": 0.4},
        {"ace_opportunity_id": "O2", "odoo_lead_id": 2, "context_similarity": 0.3},
    ])
    assert [r["best_context"] for r in rows] == [1.0, 0.0, 1.0]
    assert [r["single_key_candidate"] for r in rows] == [1.0, 0.0, 0.0]


def test_date_levels_follow_the_signed_lag_and_the_ownership():
    rows = fusion.feature_rows([
        {"ace_opportunity_id": "O1", "odoo_lead_id": 1, "created_lag_days": 5.0, "is_partner_referral": True,
         "close_date_lag_days": -20},
        {"ace_opportunity_id": "O2", "odoo_lead_id": 1, "created_lag_days": -10.0, "is_partner_referral": False,
         "close_date_lag_days": 61},
        {"ace_opportunity_id": "O3", "odoo_lead_id": 1, "created_lag_days": None},
    ])
    first, second, missing = rows
    assert (first["partner_after_lead"], first["aws_referral_before_lead"], first["created_within_7"]) == (1.0, 0.0, 1.0)
    assert (second["partner_after_lead"], second["aws_referral_before_lead"], second["ace_before_lead"]) == (0.0, 1.0, 1.0)
    assert (first["close_within_25"], second["close_within_60"]) == (1.0, 0.0)
    assert missing["created_within_90"] is None and missing["close_within_7"] is None


def test_second_stage_terms_see_rivals_across_opportunities_and_the_renewal_link():
    keys = [
        fusion.PairKey("O1", 10), fusion.PairKey("O1", 11),
        fusion.PairKey("O2", 10),  # the same lead, wanted less by O2 than by O1
        fusion.PairKey("O3", 11, parent_ace_opportunity_id="O1"), fusion.PairKey("O3", 10, parent_ace_opportunity_id="O1"),
    ]
    logits = [4.0, 1.0, 2.0, 0.5, 0.0]
    terms = fusion.second_stage_terms(logits, keys)
    assert [t[0] for t in terms] == [3.0, -3.0, fusion.MARGIN_CAP, 0.5, -0.5]  # against the opportunity's other leads
    assert [t[1] for t in terms] == [2.0, 0.5, -2.0, -0.5, -4.0]  # against the lead's other opportunities
    assert [t[2] for t in terms] == [0.0, 0.0, 0.0, 0.0, 1.0]  # O3's candidate 10 is O1's best lead


def test_second_stage_contributions_still_sum_to_the_logit():
    weights = fusion.Weights("minilm", prior=-2.0, weights={"domain": 3.0},
                             stage2={"intercept": 0.1, "scale": 0.8, "margin": 0.3, "lead_margin": 0.2,
                                     "parent_lead": 5.0})
    keys = [fusion.PairKey("O1", 1), fusion.PairKey("O2", 1, parent_ace_opportunity_id="O1")]
    scored = weights.score_batch([{"domain": 1.0}, {"domain": 0.0}], keys)
    first_logits = [1.0, -2.0]
    for contributions, (margin, lead_margin, parent), logit in zip(
            scored, fusion.second_stage_terms(first_logits, keys), first_logits):
        expected = 0.1 + 0.8 * logit + 0.3 * margin + 0.2 * lead_margin + 5.0 * parent
        assert sum(contributions.values()) == pytest.approx(expected, abs=1e-3)
    assert scored[1]["parent_lead"] == 5.0


def test_irls_recovers_known_weights_and_is_calibrated():
    rng = np.random.default_rng(0)
    n = 20000
    x = np.column_stack([rng.integers(0, 2, n), rng.random(n)]).astype(float)
    true_logit = -3.0 + 4.0 * x[:, 0] + 2.5 * x[:, 1]
    y = (rng.random(n) < 1 / (1 + np.exp(-true_logit))).astype(float)
    intercept, coefficients = fusion.fit_logistic(x, y, ridge=0.01)
    assert intercept == pytest.approx(-3.0, abs=0.15)
    assert coefficients == pytest.approx([4.0, 2.5], abs=0.15)
    predicted = 1 / (1 + np.exp(-(intercept + x @ coefficients)))
    for row in fusion.calibration_table(list(predicted), list(y.astype(int))):
        if row["pairs"] > 500:
            assert row["observed"] == pytest.approx(row["mean_confidence"], abs=0.05)


def test_separable_keys_stay_finite():
    x = np.array([[1.0], [1.0], [0.0], [0.0]] * 10)
    y = np.array([1.0, 1.0, 0.0, 0.0] * 10)
    intercept, coefficients = fusion.fit_logistic(x, y, ridge=1.0)
    assert np.isfinite(intercept) and np.isfinite(coefficients).all() and coefficients[0] > 2


def test_weights_round_trip_and_unfitted_family_borrows_minilm(tmp_path):
    path = tmp_path / "match_weights.yml"
    fitted = fusion.Weights("minilm", prior=-5.0, weights={"domain": 3.0}, meta={"pairs": 10})
    fusion.save_weights([fitted], path=path, note="test")
    loaded = fusion.load_weights("bge-m3", path=path)
    assert (loaded.prior, loaded.weights, loaded.family) == (-5.0, {"domain": 3.0}, "bge-m3")
    assert loaded.meta["fitted_family"] == "minilm"


def test_project_weights_file_covers_the_dense_family():
    weights = fusion.load_weights("minilm")
    assert set(weights.weights) == set(fusion.family_terms("minilm"))
