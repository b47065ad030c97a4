"""Fusion of the match signals into one calibrated confidence, Splink-style: a prior plus one additive term per
signal in log-odds space, so `logit(confidence) = prior + Σ contributions` and a report can draw the waterfall.

The weights are a logistic regression fitted on labelled pairs (`revops fit-weights`, scikit-learn's LogisticRegression
with a small ridge penalty) and live in rules/match_weights.yml, one set per model family: a signal the embedding model does
not produce (sparse, ColBERT with MiniLM) has no term, and a null signal contributes 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import yaml

from revops import settings

WEIGHTS_PATH = settings.PROJECT_ROOT / "rules" / "match_weights.yml"

# term -> what it measures (the report's label). Each term is a number in [0, 1] derived from one signal column
# (see `feature_rows`); None means the signal is absent and contributes nothing.
TERMS: dict[str, str] = {
    "account_id": "same AWS account id (payer expanded)",
    "domain": "same web domain",
    "typed_ace_id": "ACE id typed on the lead",
    "partner_crm_id": "ACE carries the lead's id",
    "name_similarity": "fuzzy company-name similarity",
    "name_exact": "company names equal after normalisation",
    "identity_similarity": "identity embedding similarity",
    "context_similarity": "context embedding similarity",
    "best_context": "best context similarity among the opportunity's candidates",
    "best_identity": "best identity similarity among the opportunity's candidates",
    "title_similarity": "project words of the titles similar (company words removed)",
    "best_title": "best title similarity among the opportunity's candidates",
    "single_key_candidate": "the only candidate sharing an account id or domain",
    "unaccepted_referral": "AWS referral the partner never accepted",
    "sparse_similarity": "BGE-M3 lexical similarity of identities",
    "colbert_score": "BGE-M3 ColBERT score of contexts",
    "context_overlap": "project words the context texts share (rapidfuzz token set)",
    "created_close": "created within 30 days of each other",
    "created_within_7": "created within 7 days of each other",
    "created_within_90": "created within 90 days of each other",
    "created_within_365": "created within a year of each other",
    "ace_after_lead": "ACE registered 0-30 days after the lead",
    "ace_before_lead": "ACE created 0-30 days before the lead",
    "partner_after_lead": "partner referral registered 0-30 days after the lead",
    "aws_referral_before_lead": "AWS referral received 0-25 days before the lead",
    "close_within_7": "close dates within 7 days",
    "close_within_25": "close dates within 25 days",
    "close_within_60": "close dates within 60 days",
    "created_proximity": "creation dates close (exp(-days/90))",
    "close_date_proximity": "close dates close (exp(-days/60))",
    "owner_match": "ACE owner is the lead's salesperson",
    "owner_mismatch": "ACE owner is not the lead's salesperson",
    # issue 13: comparison levels of the name, its rarity, the country, conflicts next to an account id
    "name_high": "company names similar (>= 0.9 after script-aware normalisation)",
    "name_common": "similar name shared by several Odoo customers (1 - 1/customers with it)",
    "country_mismatch": "ACE and Odoo countries differ",
    "account_name_conflict": "same AWS account id but the names disagree (< 0.6)",
    "key_match": "any exact key (account id, unshared domain, typed ACE id, partner CRM id)",
    # "this deal or another deal of the same customer" when the name is all that ties them
    "sole_similar_name_near": "the only similar-name candidate created within 30 days of the ACE opportunity",
    "nearest_similar_name_lead": "the lead created nearest to the ACE opportunity among its similar-name candidates",
}
BGE_M3_ONLY = ("sparse_similarity", "colbert_score")


def model_family(model_name: str | None) -> str:
    """bge-m3 for BGE-M3 vectors, else minilm (a dense-only model)."""
    return "bge-m3" if model_name and "bge-m3" in model_name.lower() else "minilm"


def family_terms(family: str) -> list[str]:
    return [t for t in TERMS if family == "bge-m3" or t not in BGE_M3_ONLY]


def _flag(value) -> float | None:
    return None if value is None else float(bool(value))


def _num(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def _level(value: float | None, test) -> float | None:
    return None if value is None else float(test(value))


@dataclass(frozen=True)
class PairKey:
    """What the second stage needs besides a pair's terms: who competes with it, and the renewal link."""
    ace_opportunity_id: str
    odoo_lead_id: int
    parent_ace_opportunity_id: str | None = None


def pair_keys(candidates: list[dict]) -> list[PairKey]:
    return [PairKey(c["ace_opportunity_id"], c["odoo_lead_id"], c.get("parent_ace_opportunity_id")) for c in candidates]


def feature_rows(candidates: list[dict]) -> list[dict[str, float | None]]:
    """Term values per candidate pair, from the signal columns (same order). Relative terms (best_*) compare a
    pair with the other candidates of its ACE opportunity."""
    best_context: dict[str, float] = {}
    best_identity: dict[str, float] = {}
    best_title: dict[str, float] = {}
    key_candidates: dict[str, int] = {}
    nearest_named: dict[str, float] = {}  # ACE opportunity -> smallest creation gap among its similar-name leads
    named_near: dict[str, int] = {}  # ACE opportunity -> its similar-name leads created within NEAR_DAYS
    for row in candidates:
        ace = row["ace_opportunity_id"]
        name, lag = _num(row.get("name_similarity")), _num(row.get("created_lag_days"))
        if name is not None and name >= NAME_SUPPORT and lag is not None:
            nearest_named[ace] = min(nearest_named.get(ace, math.inf), abs(lag))
            named_near[ace] = named_near.get(ace, 0) + (abs(lag) <= NEAR_DAYS)
        if row.get("has_account_id_match") or row.get("has_domain_match"):
            key_candidates[ace] = key_candidates.get(ace, 0) + 1
        for best, column in ((best_context, "context_similarity"), (best_identity, "identity_similarity"),
                             (best_title, "title_similarity")):
            value = _num(row.get(column))
            if value is not None and value > best.get(ace, -2.0):
                best[ace] = value
    rows = []
    for row in candidates:
        ace = row["ace_opportunity_id"]
        name = _num(row.get("name_similarity"))
        context = _num(row.get("context_similarity"))
        identity = _num(row.get("identity_similarity"))
        created_gap = _num(row.get("created_gap_days"))
        close_gap = _num(row.get("close_date_gap_days"))
        owner = row.get("has_owner_match")
        title = _num(row.get("title_similarity"))
        lag = _num(row.get("created_lag_days"))
        close_lag = _num(row.get("close_date_lag_days"))
        partner = row.get("is_partner_referral")
        has_key = bool(row.get("has_account_id_match") or row.get("has_domain_match"))
        rows.append({
            "account_id": _flag(row.get("has_account_id_match")) or 0.0,
            "domain": _flag(row.get("has_domain_match")) or 0.0,
            "typed_ace_id": _flag(row.get("has_typed_ace_id_match")) or 0.0,
            "partner_crm_id": _flag(row.get("has_partner_crm_id_match")) or 0.0,
            "name_similarity": name,
            "name_exact": None if name is None else float(name >= 0.999),
            "identity_similarity": identity,
            "context_similarity": context,
            "best_context": None if context is None else float(context >= best_context[ace] - 1e-9),
            "best_identity": None if identity is None else float(identity >= best_identity[ace] - 1e-9),
            "title_similarity": title,
            "best_title": None if title is None else float(title >= best_title[ace] - 1e-9),
            "single_key_candidate": float(has_key and key_candidates.get(ace) == 1),
            "unaccepted_referral": _flag(row.get("is_unaccepted_referral")) or 0.0,
            "sparse_similarity": _num(row.get("sparse_similarity")),
            "colbert_score": _num(row.get("colbert_score")),
            "created_close": None if created_gap is None else float(created_gap <= 30),
            "created_proximity": None if created_gap is None else math.exp(-created_gap / 90.0),
            "close_date_proximity": None if close_gap is None else math.exp(-close_gap / 60.0),
            "context_overlap": _num(row.get("context_overlap")),
            # Splink-style comparison levels of the signed creation lag and of the close-date lag
            "created_within_7": _level(lag, lambda d: abs(d) <= 7),
            "created_within_90": _level(lag, lambda d: abs(d) <= 90),
            "created_within_365": _level(lag, lambda d: abs(d) <= 365),
            "ace_after_lead": _level(lag, lambda d: 0 <= d <= 30),
            "ace_before_lead": _level(lag, lambda d: -30 <= d < 0),
            "partner_after_lead": _level(lag, lambda d: partner is True and 0 <= d <= 30),
            "aws_referral_before_lead": _level(lag, lambda d: partner is False and -25 <= d < 0),
            "close_within_7": _level(close_lag, lambda d: abs(d) <= 7),
            "close_within_25": _level(close_lag, lambda d: abs(d) <= 25),
            "close_within_60": _level(close_lag, lambda d: abs(d) <= 60),
            "owner_match": None if owner is None else float(owner is True),
            "owner_mismatch": None if owner is None else float(owner is False),
            "name_high": None if name is None else float(name >= NAME_SUPPORT),
            "name_common": None if name is None or name < NAME_SUPPORT
            else 1.0 - 1.0 / max(1, int(row.get("odoo_name_customers") or 1)),
            "country_mismatch": _country_mismatch(row),
            "account_name_conflict": float(bool(row.get("has_account_id_match")) and name is not None
                                           and name < NAME_CONFLICT),
            "key_match": float(_has_key(row)),
            "sole_similar_name_near": None if name is None or lag is None
            else float(name >= NAME_SUPPORT and abs(lag) <= NEAR_DAYS and named_near[ace] == 1),
            "nearest_similar_name_lead": None if name is None or lag is None
            else float(name >= NAME_SUPPORT and abs(lag) <= nearest_named[ace] + 1e-9),
        })
    return rows


NAME_SUPPORT = 0.9  # a name this similar (and not shared by several customers) supports a pair on its own
NAME_CONFLICT = 0.6  # below this the names disagree
NEAR_DAYS = 30  # creation dates this close: the same deal, unless the customer has several leads that close
IDENTITY_SUPPORT = 0.85  # identity-embedding similarity that can stand in for a name (aliases, acronyms)
# The most a pair the guards rule out (no key, names that disagree, no identity support) may show. Not "just below
# review": where project texts are generic (the holdout's) the fit scores such pairs ~0.9 and 1 in 26 is right, so a
# cap at 0.696 read as "almost a match"; on the demo 0.4% of context-only pairs are right.
NOT_A_MATCH_CONFIDENCE = 0.05


def _country_mismatch(row: dict) -> float | None:
    ace, odoo = row.get("ace_country_code"), row.get("odoo_country_code")
    return None if not ace or not odoo else float(ace.strip().upper() != odoo.strip().upper())


def names_agree(row: dict) -> bool:
    """The company names support the pair on their own: similar, not shared by several Odoo customers, and not
    in different countries."""
    name = _num(row.get("name_similarity"))
    return (name is not None and name >= NAME_SUPPORT and int(row.get("odoo_name_customers") or 1) == 1
            and _country_mismatch(row) != 1.0)


def _has_id_link(row: dict) -> bool:
    """An explicit id ties the pair: the ACE id typed on the lead, or the lead id ACE carries."""
    return bool(row.get("has_typed_ace_id_match") or row.get("has_partner_crm_id_match"))


def _has_key(row: dict) -> bool:
    return bool(row.get("has_account_id_match") or row.get("has_domain_match") or row.get("has_typed_ace_id_match")
                or row.get("has_partner_crm_id_match"))


def band_thresholds(rule_set=None) -> tuple[float, float]:
    """(pass, review) thresholds of POD rule 4 in `rule_set` (a run's resolved rules; None: loaded now)."""
    from revops import rules

    bands = (rule_set or rules.load()).match_thresholds()
    return bands["pass"], bands["review"]


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def apply_guards(scored: list[dict[str, float]], candidates: list[dict], pass_threshold: float,
                 review_threshold: float) -> list[dict[str, float]]:
    """Rules a careful analyst holds to whatever the fitted weights say (issue 13), each applied as one more
    log-odds term (`guard`) so the contributions still sum to the confidence's logit:

    - identity evidence is needed for the automatic band: a pair with no exact key and no supporting name (similar,
      not shared by several Odoo customers, same country) is capped just below the pass threshold: context, dates
      and embeddings alone never auto-match;
    - with no key, names that disagree and no identity-embedding support, a pair is not a match at all: capped
      at NOT_A_MATCH_CONFIDENCE (similar projects of unrelated companies), so its confidence stays calibrated;
    - an exact AWS account id, typed ACE id or partner CRM id is strong evidence on its own: when the names do not
      agree next to it and no lead of the opportunity reaches review otherwise, its best such lead is lifted to the
      review threshold, so the opportunity is never left as "no match" (where the names agree, the fitted score
      already weighs whether it is this deal or another deal of the same customer; where another lead is proposed,
      lifting a second one only showed wrong pairs at 0.72: 115 of 118 at scale 1.0, mostly moved accounts);
    - a shared AWS account id next to names that disagree (renamed customer, moved account) is capped below the
      pass threshold: a person decides;
    - when an explicit id names a lead of the opportunity (the ACE id typed on the lead, the lead id ACE carries),
      no other lead of it is matched automatically (a copy of the lead, another deal of the same customer): at
      most review.
    Floors go to one lead per opportunity (its best by the fitted score), so they never reorder its leads.
    """
    cap = _logit(pass_threshold) - 0.02
    not_a_match = min(_logit(NOT_A_MATCH_CONFIDENCE), _logit(review_threshold) - 0.02)
    floor = _logit(review_threshold) + 0.02
    logits = [sum(c.values()) for c in scored]
    targets = list(logits)
    floor_best: dict[str, int] = {}
    id_linked = {row["ace_opportunity_id"] for row in candidates if _has_id_link(row)}
    for i, row in enumerate(candidates):
        name = _num(row.get("name_similarity"))
        identity = _num(row.get("identity_similarity"))
        agree = names_agree(row)
        strong_key = bool(row.get("has_account_id_match") or row.get("has_typed_ace_id_match")
                          or row.get("has_partner_crm_id_match"))
        ids_only = bool(row.get("has_account_id_match")) and not (
            row.get("has_typed_ace_id_match") or row.get("has_partner_crm_id_match") or row.get("has_domain_match"))
        if not _has_key(row) and not agree:
            targets[i] = min(targets[i], cap)
            if (name is None or name < NAME_CONFLICT) and (identity is None or identity < IDENTITY_SUPPORT):
                targets[i] = min(targets[i], not_a_match)
        if ids_only and name is not None and name < NAME_CONFLICT:
            targets[i] = min(targets[i], cap)
        if row["ace_opportunity_id"] in id_linked and not _has_id_link(row):
            targets[i] = min(targets[i], cap)
        if strong_key and not agree:  # the fitted score may sink it for the name: a person decides
            ace = row["ace_opportunity_id"]
            if ace not in floor_best or logits[i] > logits[floor_best[ace]]:
                floor_best[ace] = i
    best_target: dict[str, float] = {}
    for row, target in zip(candidates, targets):
        ace = row["ace_opportunity_id"]
        best_target[ace] = max(best_target.get(ace, target), target)
    for ace, i in floor_best.items():
        if best_target[ace] < _logit(review_threshold):  # no other lead proposes a match: a person decides
            targets[i] = max(targets[i], floor)
    out = []
    for contributions, logit, target in zip(scored, logits, targets):
        guarded = dict(contributions)
        if abs(target - logit) > 1e-9:
            guarded["guard"] = round(target - logit, 4)
        out.append(guarded)
    return out


@dataclass
class Weights:
    family: str
    prior: float
    weights: dict[str, float]
    meta: dict = field(default_factory=dict)
    # second stage: logit = intercept + scale * (first-stage logit) + margin * (lead over the best rival candidate)
    stage2: dict[str, float] | None = None

    def score_batch(self, features: list[dict[str, float | None]], keys: list[PairKey]) -> list[dict[str, float]]:
        """Contributions of every pair. With a second stage, each first-stage term is scaled and three terms are
        added from the first-stage logits of all pairs scored together: `competition` (how far the pair leads
        the best other lead of its ACE opportunity), `lead_competition` (how far it leads the best other ACE
        opportunity of its lead: one deal is registered about once) and `parent_lead` (the lead is the best
        lead of the ACE opportunity this one renews). The sum of the contributions is the confidence's logit."""
        return self.second_stage_batch([self.contributions(f) for f in features], keys)

    def second_stage_batch(self, first: list[dict[str, float]], keys: list[PairKey]) -> list[dict[str, float]]:
        """`score_batch` from the first-stage contributions (callers that also store those compute them once)."""
        if not self.stage2:
            return first
        terms = second_stage_terms([sum(c.values()) for c in first], keys)
        return [self.second_stage(contributions, term) for contributions, term in zip(first, terms)]

    def second_stage(self, contributions: dict[str, float], terms: tuple[float, float, float]) -> dict[str, float]:
        """One pair's contributions after the second stage, from its first-stage ones and its rival terms."""
        stage2 = self.stage2
        margin, lead_margin, parent_lead = terms
        scale = stage2["scale"]
        scaled = {k: round(v * scale, 4) for k, v in contributions.items()}
        scaled["prior"] = round(stage2["intercept"] + contributions["prior"] * scale, 4)
        scaled["competition"] = round(stage2["margin"] * margin, 4)
        scaled["lead_competition"] = round(stage2.get("lead_margin", 0.0) * lead_margin, 4)
        scaled["parent_lead"] = round(stage2.get("parent_lead", 0.0) * parent_lead, 4)
        return scaled

    def contributions(self, features: dict[str, float | None]) -> dict[str, float]:
        """prior + one term per signal of this family (0 when the signal is null), rounded for storage."""
        out = {"prior": round(self.prior, 4)}
        for term, weight in self.weights.items():
            value = features.get(term)
            out[term] = 0.0 if value is None else round(weight * value, 4)
        return out

    def confidence(self, features: dict[str, float | None]) -> float:
        return sigmoid(sum(self.contributions(features).values()))


MARGIN_CAP = 10.0


def rival_margins(logits: list[float], groups: list[str]) -> list[float]:
    """Per pair: its logit minus the best logit of the other pairs of its group, capped to ±MARGIN_CAP
    (MARGIN_CAP when it has no rival)."""
    top: dict[str, list[float]] = {}
    for logit, group in zip(logits, groups):
        best = top.setdefault(group, [-math.inf, -math.inf])
        if logit > best[0]:
            best[0], best[1] = logit, best[0]
        elif logit > best[1]:
            best[1] = logit
    margins = []
    for logit, group in zip(logits, groups):
        first, second = top[group]
        rival = second if logit >= first else first
        margins.append(max(-MARGIN_CAP, min(MARGIN_CAP, logit - rival)) if rival > -math.inf else MARGIN_CAP)
    return margins


def second_stage_terms(logits: list[float], keys: list[PairKey]) -> list[tuple[float, float, float]]:
    """(lead over the best rival lead, lead over the best rival ACE opportunity, is the parent's best lead)."""
    margins = rival_margins(logits, [k.ace_opportunity_id for k in keys])
    lead_margins = rival_margins(logits, [str(k.odoo_lead_id) for k in keys])
    best: dict[str, tuple[float, int]] = {}
    for logit, key in zip(logits, keys):
        if key.ace_opportunity_id not in best or logit > best[key.ace_opportunity_id][0]:
            best[key.ace_opportunity_id] = (logit, key.odoo_lead_id)
    parent_lead = [
        float(k.parent_ace_opportunity_id in best and best[k.parent_ace_opportunity_id][1] == k.odoo_lead_id)
        for k in keys
    ]
    return list(zip(margins, lead_margins, parent_lead))


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def load_weights(family: str, path: Path = WEIGHTS_PATH) -> Weights:
    """The weights of a model family; a family not fitted yet borrows minilm's (its extra signals get no term)."""
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: run `revops fit-weights` on labelled truth")
    document = yaml.safe_load(path.read_text()) or {}
    families = document.get("families", {})
    chosen = family if family in families else "minilm"
    if chosen not in families:
        raise KeyError(f"{path} has no weights for {family!r} (nor minilm): run `revops fit-weights`")
    entry = families[chosen]
    stage2 = entry.get("competition")
    return Weights(family=family, prior=float(entry["prior"]),
                   weights={k: float(v) for k, v in entry["weights"].items()},
                   meta={"fitted_family": chosen,
                         **{k: v for k, v in entry.items() if k not in ("prior", "weights", "competition")}},
                   stage2={k: float(v) for k, v in stage2.items()} if stage2 else None)


def save_weights(fitted: list[Weights], path: Path = WEIGHTS_PATH, note: str = "") -> None:
    """Write the fitted families, keeping families fitted earlier that this fit did not touch."""
    document = yaml.safe_load(path.read_text()) if path.is_file() else {}
    document = document or {}
    families = document.get("families", {})
    for weights in fitted:
        families[weights.family] = {
            "prior": round(weights.prior, 4),
            "weights": {k: round(v, 4) for k, v in weights.weights.items()},
            **({"competition": {k: round(v, 4) for k, v in weights.stage2.items()}} if weights.stage2 else {}),
            **weights.meta,
        }
    header = (
        "# Fusion weights of the matching engine (issue #4), in log-odds per unit of each term (matching/fusion.py).\n"
        "# Fitted by `revops fit-weights` (logistic regression on labelled candidate pairs); do not hand-tune:\n"
        "# refit instead. One set per embedding model family; a family missing here borrows minilm's weights.\n"
    )
    document = {"updated_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), "note": note,
                "families": families}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + yaml.safe_dump(document, sort_keys=False, width=110))


def design_matrix(features: list[dict[str, float | None]], terms: list[str]) -> np.ndarray:
    """Rows of term values, null as 0 (no contribution), as the scorer does."""
    return np.array([[f.get(t) or 0.0 for t in terms] for f in features], dtype=np.float64).reshape(len(features), len(terms))


def fit_logistic(x: np.ndarray, y: np.ndarray, ridge: float = 1.0) -> tuple[float, np.ndarray]:
    """L2-penalised logistic regression (scikit-learn, Newton-Cholesky): minimises the negative log-likelihood
    plus `ridge/2 * |w|^2` on the weights, the intercept unpenalised, so perfectly separating keys stay finite.
    Returns (intercept, weights)."""
    from sklearn.linear_model import LogisticRegression

    y = np.asarray(y, dtype=np.float64)
    if x.shape[1] == 0 or y.min() == y.max():  # one class only: the intercept alone (the log-odds of the class)
        share = min(max(float(y.mean()), 1e-6), 1 - 1e-6) if len(y) else 0.5
        return math.log(share / (1 - share)), np.zeros(x.shape[1])
    model = LogisticRegression(C=1.0 / max(ridge, 1e-12), solver="newton-cholesky", tol=1e-10, max_iter=200)
    model.fit(x, y.astype(int))
    return float(model.intercept_[0]), model.coef_[0].astype(np.float64)


def fit_weights(features: list[dict[str, float | None]], labels: list[int], family: str, ridge: float = 1.0,
                keys: list[PairKey] | None = None) -> Weights:
    """First stage: one weight per signal. With `keys`, a second stage recalibrates the first-stage logit
    together with the competition terms of `second_stage_terms`."""
    terms = family_terms(family)
    x = design_matrix(features, terms)
    y = np.asarray(labels, dtype=np.float64)
    intercept, coefficients = fit_logistic(x, y, ridge=ridge)
    weights = Weights(family=family, prior=intercept, weights=dict(zip(terms, map(float, coefficients))),
                      meta={"pairs": int(len(y)), "positive_pairs": int(y.sum()), "ridge": ridge})
    if keys is not None:
        logits = [sum(weights.contributions(f).values()) for f in features]
        second = np.array(second_stage_terms(logits, keys), dtype=np.float64).reshape(len(logits), 3)
        b0, (scale, margin, lead_margin, parent_lead) = fit_logistic(np.column_stack([logits, second]), y, ridge=0.01)
        weights.stage2 = {"intercept": b0, "scale": float(scale), "margin": float(margin),
                          "lead_margin": float(lead_margin), "parent_lead": float(parent_lead)}
    return weights


def calibration_table(confidences: list[float], labels: list[int], bins: int = 10) -> list[dict]:
    """Observed share of true pairs per confidence bin (reliability diagram rows)."""
    c = np.asarray(confidences)
    y = np.asarray(labels)
    rows = []
    for low in np.linspace(0, 1, bins, endpoint=False):
        high = low + 1.0 / bins
        mask = (c >= low) & ((c < high) if high < 1 else (c <= 1))
        if mask.any():
            rows.append({"low": round(float(low), 2), "high": round(float(high), 2), "pairs": int(mask.sum()),
                         "mean_confidence": round(float(c[mask].mean()), 4), "observed": round(float(y[mask].mean()), 4)})
    return rows
