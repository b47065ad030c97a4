"""scikit-learn's LogisticRegression replaced the hand-written IRLS fit (issue 13): same weights, same
confidences on a fixed dataset. The IRLS below is the previous implementation, kept verbatim as the reference."""

from __future__ import annotations

import math

import numpy as np
import pytest

from matching import fusion


def irls_reference(x: np.ndarray, y: np.ndarray, ridge: float = 1.0, iterations: int = 100) -> tuple[float, np.ndarray]:
    n, k = x.shape
    design = np.hstack([np.ones((n, 1)), x])
    penalty = np.eye(k + 1) * ridge
    penalty[0, 0] = 1e-6

    def objective(beta: np.ndarray) -> float:
        eta = design @ beta
        return float(np.sum(np.logaddexp(0, eta) - y * eta) + 0.5 * beta @ penalty @ beta)

    beta = np.zeros(k + 1)
    beta[0] = math.log(max(y.mean(), 1e-6) / max(1 - y.mean(), 1e-6))
    current = objective(beta)
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(design @ beta, -35, 35)))
        w = np.clip(p * (1 - p), 1e-12, None)
        gradient = design.T @ (y - p) - penalty @ beta
        hessian = design.T @ (design * w[:, None]) + penalty
        step = np.linalg.solve(hessian, gradient)
        scale = 1.0
        while scale > 1e-6:
            candidate = objective(beta + scale * step)
            if candidate <= current:
                break
            scale /= 2
        beta = beta + scale * step
        improvement, current = current - candidate, candidate
        if improvement < 1e-10:
            break
    return float(beta[0]), beta[1:]


def fixed_pairs(seed: int = 13, n: int = 6000) -> tuple[np.ndarray, np.ndarray]:
    """Pair-like features: rare exact keys (near-separating), similarities in [0, 1], nulls as 0, a correlated pair."""
    rng = np.random.default_rng(seed)
    is_match = rng.random(n) < 0.08
    account = (is_match & (rng.random(n) < 0.5)) | (~is_match & (rng.random(n) < 0.004))
    domain = (is_match & (rng.random(n) < 0.6)) | (~is_match & (rng.random(n) < 0.02))
    name = np.clip(np.where(is_match, rng.normal(0.85, 0.12, n), rng.normal(0.45, 0.18, n)), 0, 1)
    name[rng.random(n) < 0.1] = 0.0  # a null signal enters the design as 0
    identity = np.clip(0.6 * name + rng.normal(0.2, 0.08, n), 0, 1)
    context = np.clip(np.where(is_match, rng.normal(0.7, 0.1, n), rng.normal(0.5, 0.12, n)), 0, 1)
    close = (rng.random(n) < np.where(is_match, 0.7, 0.2)).astype(float)
    x = np.column_stack([account, domain, name, identity, context, close]).astype(float)
    return x, is_match.astype(float)


@pytest.mark.parametrize("ridge", [0.1, 1.0, 10.0])
def test_sklearn_fit_gives_the_irls_weights_and_confidences(ridge):
    x, y = fixed_pairs()
    old_intercept, old_weights = irls_reference(x, y, ridge=ridge)
    new_intercept, new_weights = fusion.fit_logistic(x, y, ridge=ridge)
    assert new_intercept == pytest.approx(old_intercept, abs=1e-3)
    assert new_weights == pytest.approx(old_weights, abs=1e-3)
    old_p = 1 / (1 + np.exp(-(old_intercept + x @ old_weights)))
    new_p = 1 / (1 + np.exp(-(new_intercept + x @ new_weights)))
    assert np.abs(old_p - new_p).max() < 1e-4


def test_two_stage_fit_matches_the_irls_fit():
    """fit_weights end to end (first stage + competition stage) on pair rows, against the same fit done by IRLS."""
    x, y = fixed_pairs(seed=7, n=3000)
    terms = ["account_id", "domain", "name_similarity", "identity_similarity", "context_similarity", "close_within_25"]
    features = [dict(zip(terms, map(float, row))) for row in x]
    keys = [fusion.PairKey(f"O{i // 4}", i) for i in range(len(features))]
    new = fusion.fit_weights(features, list(y.astype(int)), "minilm", ridge=1.0, keys=keys)
    original = fusion.fit_logistic
    try:
        fusion.fit_logistic = lambda a, b, ridge=1.0: irls_reference(a, np.asarray(b, dtype=float), ridge=ridge)
        old = fusion.fit_weights(features, list(y.astype(int)), "minilm", ridge=1.0, keys=keys)
    finally:
        fusion.fit_logistic = original
    new_conf = [fusion.sigmoid(sum(c.values())) for c in new.score_batch(features, keys)]
    old_conf = [fusion.sigmoid(sum(c.values())) for c in old.score_batch(features, keys)]
    assert np.abs(np.array(new_conf) - np.array(old_conf)).max() < 1e-3
    assert new.stage2 == pytest.approx(old.stage2, abs=1e-2)
