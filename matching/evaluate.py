"""Quality of the matches against the demo's ground truth (APN database, schema `truth`), and the weight fit.

Top-1 decision per ACE opportunity: its rank-1 candidate is the proposed lead unless its band is `no_match`
(the `review` band proposes a lead for a person to confirm); "no match" is right when an opportunity without a
lead gets no proposal. The auto-match figures count only the `match` band (what is accepted without review).
Band thresholds come from the POD rules (rules/pod.yml, rule match_confidence), as in pod.matches.

Beside F1, what counts for finance: the precision of the auto-approve path of pod.decisions (a wrong approval is
a wrong discount claim) and the share of opportunities decided without a person (auto_approve + auto_reject).
An auto-approval is right when the approved lead is a true lead of the opportunity AND the demo truth
(truth.pod_inputs of that pair) satisfies every rule an approval needs: partner originated, prior-month spend
known and below the threshold, an eligible stage (rules/pod.yml), the target close date within the window of the
decision's as-of date, no competing open opportunity of the customer, and an eligible review/acceptance status
(read from the APN opportunity itself: the generator keeps no separate truth of it).
Written to ops.match_eval (one row per evaluation), ops.match_eval_thresholds (precision-recall table) and
ops.match_eval_errors (the worst errors with their signals) for the report.
"""

from __future__ import annotations

import csv
import json
import logging
import uuid
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2

from matching import fusion
from matching.run import compute_signals
from revops import settings, warehouse

log = logging.getLogger(__name__)

THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.98)
ERROR_COLUMNS = (
    "confidence", "band", "candidate_sources", "has_account_id_match", "has_domain_match", "has_typed_ace_id_match",
    "has_partner_crm_id_match", "name_similarity", "identity_similarity", "context_similarity",
    "sparse_similarity", "colbert_score", "created_gap_days", "close_date_gap_days", "has_owner_match",
    "contributions",
)


@dataclass
class Truth:
    matches: dict[str, set[int]]  # ACE opportunity -> its Odoo leads
    no_match: set[str]
    situations: dict[str, str] = field(default_factory=dict)  # ACE opportunity -> hard situation (issue 13)
    name: str = "demo"

    def is_match(self, ace_opportunity_id: str, lead_id: int) -> bool:
        return lead_id in self.matches.get(ace_opportunity_id, ())


def load_truth(parts: settings.ConnectionParts | None = None) -> Truth:
    """Ground truth of the demo sources (settings.apn()); fails clearly on real sources without it."""
    conn = psycopg2.connect((parts or settings.apn()).dsn())
    try:
        with conn.cursor() as cur:
            cur.execute("select to_regclass('truth.ace_odoo_match') is not null")
            if not cur.fetchone()[0]:
                raise RuntimeError("no ground truth (schema truth) in the APN database: eval and fit-weights need "
                                   "the demo sources (`revops demo-data`) or labelled truth in that shape")
            cur.execute("select ace_opportunity_id, odoo_lead_id from truth.ace_odoo_match")
            matches: dict[str, set[int]] = {}
            for ace, lead in cur.fetchall():
                matches.setdefault(ace, set()).add(lead)
            cur.execute("select ace_opportunity_id from truth.ace_no_match")
            no_match = {row[0] for row in cur.fetchall()}
            situations: dict[str, str] = {}
            cur.execute("select to_regclass('truth.ace_situation') is not null")
            if cur.fetchone()[0]:
                cur.execute("select ace_opportunity_id, situation from truth.ace_situation")
                situations = dict(cur.fetchall())
    finally:
        conn.close()
    return Truth(matches, no_match, situations, "demo")


TRUTH_CSV_COLUMNS = ("ace_opportunity_id", "odoo_lead_id", "situation")


def holdout_truth_path() -> Path:
    """Where `revops holdout` writes the labels of the independently generated set."""
    return settings.home() / "holdout" / "truth.csv"


def load_truth_csv(path: Path, name: str | None = None) -> Truth:
    """Labels from a CSV with a header `ace_opportunity_id,odoo_lead_id,situation`: one row per true pair, and one
    row with an empty odoo_lead_id for an opportunity without a lead; situation optional (default `ordinary`).
    An opportunity both with and without a lead is an error."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no truth file {path}")
    matches: dict[str, set[int]] = {}
    no_match: set[str] = set()
    situations: dict[str, str] = {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = {"ace_opportunity_id", "odoo_lead_id"} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: missing column(s) {sorted(missing)}; expected {', '.join(TRUTH_CSV_COLUMNS)}")
        for line, row in enumerate(reader, start=2):
            ace = (row["ace_opportunity_id"] or "").strip()
            if not ace:
                raise ValueError(f"{path}:{line}: empty ace_opportunity_id")
            lead = (row["odoo_lead_id"] or "").strip()
            if lead:
                if not lead.isdigit():
                    raise ValueError(f"{path}:{line}: odoo_lead_id {lead!r} is not an Odoo lead id")
                matches.setdefault(ace, set()).add(int(lead))
            else:
                no_match.add(ace)
            situations[ace] = (row.get("situation") or "").strip() or "ordinary"
    both = no_match & set(matches)
    if both:
        raise ValueError(f"{path}: {len(both)} opportunities both with and without a lead, e.g. {sorted(both)[0]}")
    return Truth(matches, no_match, situations, name or path.stem)


def truth_for(kind: str = "demo") -> Truth:
    """`demo`, `reviews`, `both` (see `_truth_from_sources`), `holdout` (the labels `revops holdout` wrote) or the
    path of any labelled CSV (`load_truth_csv`)."""
    if kind == "holdout":
        return load_truth_csv(holdout_truth_path(), "holdout")
    if kind not in ("demo", "reviews", "both"):
        return load_truth_csv(Path(kind))
    return _truth_from_sources(kind)


def _truth_from_sources(kind: str) -> Truth:
    """Labels to fit and evaluate on: the demo truth, people's lead reviews (revops/review.py: a confirmed or chosen
    lead is the match, the other candidates are not; "no lead" makes every candidate a non-match), or both, where a
    review overrides the demo truth of its opportunity. With reviews alone only reviewed opportunities count."""
    from revops import review

    with warehouse.connect() as conn, conn.cursor() as cur:
        matches, no_match = review.reviewed_labels(cur)
    if kind == "reviews":
        if not matches and not no_match:
            raise RuntimeError("no lead reviews yet: record some with `revops review` (or use --truth demo)")
        return Truth(matches, no_match, name="reviews")
    demo = load_truth()
    if kind == "demo":
        return demo
    reviewed = set(matches) | no_match
    merged = {ace: leads for ace, leads in demo.matches.items() if ace not in reviewed}
    merged.update(matches)
    return Truth(merged, (demo.no_match - reviewed) | no_match, demo.situations, "both")


def _labelled(truth: Truth, ace_opportunity_id: str) -> bool:
    return ace_opportunity_id in truth.matches or ace_opportunity_id in truth.no_match


# ---------------------------------------------------------------------------------------------------- fitting

def fit_from_truth(ridge: float = 1.0, folds: int = 5, truth: str = "demo") -> tuple[fusion.Weights, dict]:
    """Fit the weights of the current model family on every candidate pair labelled by the truth (`truth_for`);
    also report out-of-fold quality (pairs split by ACE opportunity) so the fit is not judged on its own data.
    Only the sources' own labels (demo, reviews, both) can be fitted on: a held-out set stays held out."""
    if truth not in ("demo", "reviews", "both"):
        raise ValueError(f"fit-weights fits on demo, reviews or both, never on {truth!r}: held-out labels stay unseen")
    truth_kind, truth = truth, truth_for(truth)
    with warehouse.connect() as conn, conn.cursor() as cur:
        candidates, family = compute_signals(cur)
    if truth_kind != "demo":  # only the pairs of labelled opportunities
        candidates = [c for c in candidates if _labelled(truth, c["ace_opportunity_id"])]
    if not candidates:
        raise RuntimeError("no candidate pairs: run the flow (or `revops match`) first")
    features = fusion.feature_rows(candidates)
    labels = [int(truth.is_match(c["ace_opportunity_id"], c["odoo_lead_id"])) for c in candidates]
    keys = fusion.pair_keys(candidates)
    weights = fusion.fit_weights(features, labels, family, ridge=ridge, keys=keys)
    # out-of-fold confidences: each ACE opportunity scored by weights fitted without it
    fold_of = [zlib.crc32(c["ace_opportunity_id"].encode()) % folds for c in candidates]
    oof = [0.0] * len(candidates)
    for fold in range(folds):
        train = [i for i, f in enumerate(fold_of) if f != fold]
        fold_weights = fusion.fit_weights([features[i] for i in train], [labels[i] for i in train], family, ridge,
                                          keys=[keys[i] for i in train])
        # scored with every pair present, as in production: the rivals of a held-out pair may sit in any fold
        scored = fusion.apply_guards(fold_weights.score_batch(features, keys), candidates, *fusion.band_thresholds())
        for i in (i for i, f in enumerate(fold_of) if f == fold):
            oof[i] = fusion.sigmoid(sum(scored[i].values()))
    report = {
        "family": family,
        "pairs": len(labels),
        "positive_pairs": sum(labels),
        "calibration_out_of_fold": fusion.calibration_table(oof, labels),
        "top1_out_of_fold": _top1_metrics(candidates, oof, truth),
    }
    weights.meta["out_of_fold_top1_f1"] = report["top1_out_of_fold"]["f1"]
    return weights, report


def _top1_metrics(candidates: list[dict], confidences: list[float], truth: Truth,
                  threshold: float | None = None) -> dict:
    best: dict[str, tuple[float, int]] = {}
    for row, confidence in zip(candidates, confidences):
        ace = row["ace_opportunity_id"]
        if ace not in best or confidence > best[ace][0]:
            best[ace] = (confidence, row["odoo_lead_id"])
    threshold = band_thresholds()["review"] if threshold is None else threshold
    top1 = {ace: lead for ace, (confidence, lead) in best.items() if confidence >= threshold}
    return _metrics(top1, truth)


def band_thresholds(rule_set=None) -> dict[str, float]:
    """The match / review band thresholds of rule 4 in `rule_set` (a run's resolved rules; None: loaded now)."""
    from revops import rules

    return (rule_set or rules.load()).match_thresholds()


def _metrics(top1: dict[str, int], truth: Truth) -> dict:
    """Precision, recall and F1 of the top-1 matches; accuracy of "no match" on opportunities without a lead."""
    true_positive = sum(1 for ace, lead in top1.items() if truth.is_match(ace, lead))
    predicted = len(top1)
    actual = len(truth.matches)
    precision = true_positive / predicted if predicted else 0.0
    recall = true_positive / actual if actual else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    no_match_right = sum(1 for ace in truth.no_match if ace not in top1)
    return {
        "predicted": predicted, "true_positive": true_positive, "actual": actual,
        "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
        "no_match_opportunities": len(truth.no_match),
        "no_match_accuracy": round(no_match_right / len(truth.no_match), 4) if truth.no_match else None,
    }


# ------------------------------------------------------------------------------------------------- evaluation

@dataclass
class Evaluation:
    metrics: dict
    thresholds: list[dict]
    calibration: list[dict]
    errors: list[dict] = field(default_factory=list)
    eval_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    situations: list[dict] = field(default_factory=list)
    truth_name: str = "demo"
    calibration_by_signals: list[dict] = field(default_factory=list)


def signal_combination(row: dict) -> str:
    """Which kinds of evidence a pair has: exact keys, a similar name (>= 0.9), or neither (context only)."""
    parts = [label for column, label in (("has_typed_ace_id_match", "typed id"), ("has_partner_crm_id_match", "crm id"),
                                         ("has_account_id_match", "account"), ("has_domain_match", "domain"))
             if row.get(column)]
    name = row.get("name_similarity")
    parts.append("name" if name is not None and float(name) >= 0.9 else "no name")
    return " + ".join(parts) if parts != ["no name"] else "context only"


def calibration_by_signals(rows: list[dict], truth: Truth, bands: dict[str, float]) -> list[dict]:
    """Calibration per signal combination: mean confidence vs observed share of true pairs, and the pairs in the
    match band with how many of them are right (a combination that is confident and wrong shows here)."""
    groups: dict[str, list[tuple[float, int]]] = {}
    for row in rows:
        groups.setdefault(signal_combination(row), []).append(
            (row["confidence"], int(truth.is_match(row["ace_opportunity_id"], row["odoo_lead_id"]))))
    out = []
    for combination, items in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        auto = [y for c, y in items if c >= bands["pass"]]
        out.append({"signals": combination, "pairs": len(items),
                    "mean_confidence": round(sum(c for c, _ in items) / len(items), 4),
                    "observed": round(sum(y for _, y in items) / len(items), 4),
                    "auto_pairs": len(auto), "auto_right": sum(auto)})
    return out


def situation_metrics(top: dict[str, dict], truth: Truth) -> list[dict]:
    """Top-1 and automatic-band quality per hard situation (truth.situations; unlabelled = ordinary)."""
    labelled = set(truth.matches) | truth.no_match
    by_situation: dict[str, set[str]] = {}
    for ace in labelled:
        by_situation.setdefault(truth.situations.get(ace, "ordinary"), set()).add(ace)
    out = []
    for situation, aces in sorted(by_situation.items()):
        part = Truth({a: truth.matches[a] for a in aces if a in truth.matches}, truth.no_match & aces)
        rows = {a: r for a, r in top.items() if a in aces}
        m = _metrics({a: r["odoo_lead_id"] for a, r in rows.items() if r["band"] != "no_match"}, part)
        auto = _metrics({a: r["odoo_lead_id"] for a, r in rows.items() if r["band"] == "match"}, part)
        out.append({"situation": situation, "opportunities": len(aces), "with_lead": len(part.matches),
                    "without_lead": len(part.no_match), "predicted": m["predicted"], "true_positive": m["true_positive"],
                    "precision": m["precision"] if m["predicted"] else None,
                    "recall": m["recall"] if part.matches else None, "f1": m["f1"] if part.matches else None,
                    "no_match_accuracy": m["no_match_accuracy"], "auto_predicted": auto["predicted"],
                    "auto_true_positive": auto["true_positive"],
                    "auto_precision": auto["precision"] if auto["predicted"] else None,
                    "auto_recall": auto["recall"] if part.matches else None,
                    "wrong_auto": auto["predicted"] - auto["true_positive"]})
    return out


def evaluate(worst: int = 20, truth: str = "demo", rule_set=None) -> Evaluation:
    """Compare pod.matches with the truth (`truth_for`: demo, reviews or both) under the rules of `rule_set`
    (a run's resolved rules; None: loaded now)."""
    from revops import rules

    rule_set = rule_set or rules.load()
    truth_kind, truth = truth, truth_for(truth)
    bands = band_thresholds(rule_set)
    with warehouse.connect() as conn, conn.cursor() as cur:
        cur.execute(f"select ace_opportunity_id, odoo_lead_id, rank, model_family, {', '.join(ERROR_COLUMNS)} "
                    "from pod.matches order by ace_opportunity_id, rank")
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r)) for r in cur.fetchall()]
    if truth_kind != "demo":  # only the labelled opportunities
        rows = [r for r in rows if _labelled(truth, r["ace_opportunity_id"])]
    if not rows:
        raise RuntimeError(f"none of the {len(truth.matches) + len(truth.no_match)} labelled opportunities of "
                           f"{truth.name!r} is in pod.matches: is the warehouse built from the sources they label?")
    for row in rows:
        row["confidence"] = float(row["confidence"])
    top = {r["ace_opportunity_id"]: r for r in rows if r["rank"] == 1}
    metrics = _metrics({a: r["odoo_lead_id"] for a, r in top.items() if r["band"] != "no_match"}, truth)
    auto = _metrics({a: r["odoo_lead_id"] for a, r in top.items() if r["band"] == "match"}, truth)
    metrics.update({f"auto_match_{k}": auto[k] for k in ("predicted", "true_positive", "precision", "recall", "f1")})
    metrics["model_family"] = rows[0]["model_family"] if rows else None
    metrics["pass_threshold"] = bands["pass"]
    metrics["review_threshold"] = bands["review"]
    metrics["opportunities_with_candidates"] = len(top)
    candidates_of: dict[str, set[int]] = {}
    for row in rows:
        candidates_of.setdefault(row["ace_opportunity_id"], set()).add(row["odoo_lead_id"])
    metrics["truth_lead_in_candidates"] = round(
        sum(1 for ace, leads in truth.matches.items() if leads & candidates_of.get(ace, set()))
        / max(1, len(truth.matches)), 4)
    thresholds = []
    for threshold in THRESHOLDS:
        m = _metrics({a: r["odoo_lead_id"] for a, r in top.items() if r["confidence"] >= threshold}, truth)
        thresholds.append({"threshold": threshold, **{k: m[k] for k in ("predicted", "precision", "recall", "f1",
                                                                          "no_match_accuracy")}})
    calibration = fusion.calibration_table([r["confidence"] for r in rows],
                                           [int(truth.is_match(r["ace_opportunity_id"], r["odoo_lead_id"])) for r in rows])
    errors = []
    for ace, row in top.items():
        right = truth.is_match(ace, row["odoo_lead_id"])
        if row["band"] != "no_match" and not right:
            kind = "wrong_lead" if ace in truth.matches else "false_match"
        elif row["band"] == "no_match" and ace in truth.matches:
            kind = "missed"
        else:
            continue
        # how bad: confidence of a wrong proposal, or how far below the review threshold a missed one fell
        severity = row["confidence"] if kind != "missed" else bands["review"] - row["confidence"]
        errors.append({"ace_opportunity_id": ace, "error": kind, "severity": round(severity, 4),
                       "predicted_lead_id": row["odoo_lead_id"],
                       "true_lead_ids": sorted(truth.matches.get(ace, ())), **{c: row[c] for c in ERROR_COLUMNS}})
    for ace in truth.matches:
        if ace not in top:
            errors.append({"ace_opportunity_id": ace, "error": "no_candidate", "severity": 1.0, "predicted_lead_id": None,
                           "true_lead_ids": sorted(truth.matches[ace]), **{c: None for c in ERROR_COLUMNS}})
    errors.sort(key=lambda e: -e["severity"])
    metrics.update(decision_metrics(truth, rule_set))
    metrics["truth_set"] = truth.name
    return Evaluation(metrics, thresholds, calibration, errors[:worst], situations=situation_metrics(top, truth),
                      truth_name=truth.name, calibration_by_signals=calibration_by_signals(rows, truth, bands))


def decision_metrics(truth: Truth, rule_set=None) -> dict:
    """Auto-approve precision and the share decided without a person, from pod.decisions (see the module doc)."""
    from revops import rules

    config = (rule_set or rules.load()).config["rules"]
    eligibility = config.get("eligibility", {})
    timeline = config.get("timeline", {})
    spend = config.get("spend_threshold", {})
    with warehouse.connect() as conn, conn.cursor() as cur:
        cur.execute("select to_regclass('pod.decisions') is not null")
        if not cur.fetchone()[0]:
            return {"decisions": 0, "auto_approved": 0, "auto_approve_right": 0, "auto_approve_precision": None,
                    "auto_rejected": 0, "automated_share": None}
        cur.execute("select ace_opportunity_id, decision, odoo_lead_id, as_of_date from pod.decisions")
        decided = cur.fetchall()
    pod_truth = _pod_truth()
    statuses = _lifecycle_statuses([ace for ace, decision, _, _ in decided if decision == "auto_approve"])
    right = 0
    approved = [(ace, lead, as_of) for ace, decision, lead, as_of in decided if decision == "auto_approve"]
    for ace, lead, as_of in approved:
        facts = pod_truth.get((ace, lead))
        if lead is None or not truth.is_match(ace, lead) or facts is None:
            continue
        days = (facts["target_close_date"] - as_of).days if facts["target_close_date"] else None
        if (facts["is_partner_originated"] and facts["is_spend_known"]
                and facts["prior_month_spend"] < spend.get("threshold_usd", 5000)
                and facts["stage"] in eligibility.get("eligible_stages", ())
                and statuses.get(ace) in eligibility.get("eligible_statuses", ())
                and days is not None and 0 <= days <= timeline.get("close_within_days", 90)
                and not facts["has_competing_open_opportunity"]):
            right += 1
    rejected = sum(1 for _, decision, _, _ in decided if decision == "auto_reject")
    return {
        "decisions": len(decided),
        "auto_approved": len(approved),
        "auto_approve_right": right,
        # no approval (or no decision truth), no precision: reported as unknown rather than 1.0 or 0.0
        "auto_approve_precision": round(right / len(approved), 4) if approved and pod_truth else None,
        "auto_rejected": rejected,
        "automated_share": round((len(approved) + rejected) / len(decided), 4) if decided else None,
    }


def _pod_truth(parts: settings.ConnectionParts | None = None) -> dict[tuple[str, int], dict]:
    """What the POD rules should see per true (ACE opportunity, lead) pair (truth.pod_inputs)."""
    names = ("is_partner_originated", "is_spend_known", "prior_month_spend", "stage", "target_close_date",
             "has_competing_open_opportunity")
    conn = psycopg2.connect((parts or settings.apn()).dsn())
    try:
        with conn.cursor() as cur:
            cur.execute("select to_regclass('truth.pod_inputs') is not null")
            if not cur.fetchone()[0]:
                return {}  # labels of matches only: the decisions cannot be judged
            cur.execute(f"select ace_opportunity_id, odoo_lead_id, {', '.join(names)} from truth.pod_inputs")
            return {(row[0], row[1]): dict(zip(names, row[2:])) for row in cur.fetchall()}
    finally:
        conn.close()


def _lifecycle_statuses(ace_ids: list[str]) -> dict[str, str | None]:
    """The ACE lifecycle status as the source holds it: review status of a partner referral (the API's Pending
    Submission is Draft), acceptance of an AWS referral."""
    if not ace_ids:
        return {}
    conn = psycopg2.connect(settings.apn().dsn())
    try:
        with conn.cursor() as cur:
            cur.execute("""select id, case when opportunity_ownership = 'AWS Referral' then partner_acceptance_status
                                      when btrim(status) = 'Pending Submission' then 'Draft' else btrim(status) end
                           from opportunity where id = any(%s)""", (ace_ids,))
            return dict(cur.fetchall())
    finally:
        conn.close()


def overall_row(evaluation: Evaluation) -> dict:
    """The whole labelled set as one more row of the per-situation table (situation `(all)`)."""
    m = evaluation.metrics
    with_lead = m["actual"]
    return {"situation": "(all)", "opportunities": with_lead + m["no_match_opportunities"], "with_lead": with_lead,
            "without_lead": m["no_match_opportunities"], "predicted": m["predicted"],
            "true_positive": m["true_positive"], "precision": m["precision"], "recall": m["recall"], "f1": m["f1"],
            "no_match_accuracy": m["no_match_accuracy"], "auto_predicted": m["auto_match_predicted"],
            "auto_true_positive": m["auto_match_true_positive"], "auto_precision": m["auto_match_precision"],
            "auto_recall": m["auto_match_recall"],
            "wrong_auto": m["auto_match_predicted"] - m["auto_match_true_positive"]}


def write_evaluation(evaluation: Evaluation, situations_only: bool = False) -> None:
    """ops.match_eval* of the current warehouse. `situations_only`: just the per-situation rows (how `revops
    holdout` reports the held-out set in the project's warehouse without making it the latest evaluation)."""
    with warehouse.connect() as conn, conn.cursor() as cur:
        cur.execute("create schema if not exists ops")
        cur.execute("""create table if not exists ops.match_eval (
            eval_id uuid primary key, evaluated_at timestamptz not null default now(), model_family text,
            pass_threshold numeric, opportunities_with_candidates int, predicted int, true_positive int, actual int,
            precision numeric, recall numeric, f1 numeric, no_match_opportunities int, no_match_accuracy numeric,
            truth_lead_in_candidates numeric, calibration jsonb)""")
        # columns added after the first release: older warehouses get them on their next evaluation
        cur.execute("""alter table ops.match_eval add column if not exists review_threshold numeric,
            add column if not exists auto_match_predicted int, add column if not exists auto_match_precision numeric,
            add column if not exists auto_match_recall numeric, add column if not exists auto_match_f1 numeric,
            add column if not exists decisions int, add column if not exists auto_approved int,
            add column if not exists auto_approve_right int, add column if not exists auto_approve_precision numeric,
            add column if not exists auto_rejected int, add column if not exists automated_share numeric,
            add column if not exists truth_set text""")
        cur.execute("""create table if not exists ops.match_eval_situations (
            eval_id uuid not null, evaluated_at timestamptz not null default now(), situation text not null,
            truth_set text, opportunities int, with_lead int, without_lead int, predicted int, true_positive int,
            precision numeric, recall numeric, f1 numeric, no_match_accuracy numeric, auto_predicted int,
            auto_true_positive int, auto_precision numeric, auto_recall numeric, wrong_auto int,
            primary key (eval_id, situation))""")
        cur.execute("""alter table ops.match_eval_situations add column if not exists evaluated_at timestamptz not null
            default now(), drop constraint if exists match_eval_situations_eval_id_fkey""")
        cur.execute("""create table if not exists ops.match_eval_thresholds (
            eval_id uuid not null references ops.match_eval (eval_id) on delete cascade, threshold numeric not null,
            predicted int, precision numeric, recall numeric, f1 numeric, no_match_accuracy numeric,
            primary key (eval_id, threshold))""")
        cur.execute("""create table if not exists ops.match_eval_errors (
            eval_id uuid not null references ops.match_eval (eval_id) on delete cascade, error_rank int not null,
            ace_opportunity_id text not null, error text not null, predicted_lead_id int, true_lead_ids int[],
            confidence numeric, band text, signals jsonb, contributions jsonb, primary key (eval_id, error_rank))""")
        for s in [*evaluation.situations, overall_row(evaluation)]:
            cur.execute("""insert into ops.match_eval_situations (eval_id, situation, truth_set, opportunities, with_lead,
                           without_lead, predicted, true_positive, precision, recall, f1, no_match_accuracy, auto_predicted,
                           auto_true_positive, auto_precision, auto_recall, wrong_auto)
                           values (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)""",
                        (evaluation.eval_id, s["situation"], evaluation.truth_name, s["opportunities"], s["with_lead"],
                         s["without_lead"], s["predicted"], s["true_positive"], s["precision"], s["recall"], s["f1"],
                         s["no_match_accuracy"], s["auto_predicted"], s["auto_true_positive"], s["auto_precision"],
                         s["auto_recall"], s["wrong_auto"]))
        if situations_only:
            return
        m = evaluation.metrics
        cur.execute(
            """insert into ops.match_eval (eval_id, model_family, pass_threshold, opportunities_with_candidates,
               predicted, true_positive, actual, precision, recall, f1, no_match_opportunities, no_match_accuracy,
               truth_lead_in_candidates, calibration, review_threshold, auto_match_predicted, auto_match_precision,
               auto_match_recall, auto_match_f1, decisions, auto_approved, auto_approve_right, auto_approve_precision,
               auto_rejected, automated_share, truth_set)
               values (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)""",
            (evaluation.eval_id, m["model_family"], m["pass_threshold"], m["opportunities_with_candidates"],
             m["predicted"], m["true_positive"], m["actual"], m["precision"], m["recall"], m["f1"],
             m["no_match_opportunities"], m["no_match_accuracy"], m["truth_lead_in_candidates"],
             json.dumps(evaluation.calibration), m["review_threshold"], m["auto_match_predicted"],
             m["auto_match_precision"], m["auto_match_recall"], m["auto_match_f1"], m.get("decisions"),
             m.get("auto_approved"), m.get("auto_approve_right"), m.get("auto_approve_precision"),
             m.get("auto_rejected"), m.get("automated_share"), evaluation.truth_name))
        for t in evaluation.thresholds:
            cur.execute("insert into ops.match_eval_thresholds values (%s,%s,%s,%s,%s,%s,%s)",
                        (evaluation.eval_id, t["threshold"], t["predicted"], t["precision"], t["recall"], t["f1"],
                         t["no_match_accuracy"]))
        for rank, e in enumerate(evaluation.errors, start=1):
            signals = {c: e[c] for c in ERROR_COLUMNS if c not in ("confidence", "band", "contributions")}
            cur.execute("insert into ops.match_eval_errors values (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
                        (evaluation.eval_id, rank, e["ace_opportunity_id"], e["error"], e["predicted_lead_id"],
                         e["true_lead_ids"], e["confidence"], e["band"], json.dumps(signals, default=str),
                         json.dumps(e["contributions"]) if e["contributions"] is not None else None))


def format_evaluation(evaluation: Evaluation) -> str:
    m = evaluation.metrics
    lines = [
        f"model family {m['model_family']}; bands: match >= {m['pass_threshold']}, review >= {m['review_threshold']}",
        f"top-1 proposed lead (match or review band): precision {m['precision']:.4f}  recall {m['recall']:.4f}  "
        f"F1 {m['f1']:.4f}  ({m['true_positive']} right of {m['predicted']} proposed, "
        f"{m['actual']} opportunities with a lead)",
        f"auto-match (match band only):              precision {m['auto_match_precision']:.4f}  "
        f"recall {m['auto_match_recall']:.4f}  F1 {m['auto_match_f1']:.4f}  "
        f"({m['auto_match_true_positive']} right of {m['auto_match_predicted']})",
        f"no match: accuracy {m['no_match_accuracy']}  ({m['no_match_opportunities']} opportunities without a lead)",
        f"POD auto-approve: precision {_pct(m.get('auto_approve_precision'))}  "
        f"({m.get('auto_approve_right')} right of {m.get('auto_approved')} approved: right lead and the truth "
        f"satisfies the rules)",
        f"decided without a person: {_pct(m.get('automated_share'))}  ({m.get('auto_approved')} approved + "
        f"{m.get('auto_rejected')} rejected of {m.get('decisions')} decisions)",
        f"true lead among the kept candidates: {m['truth_lead_in_candidates']}",
        "",
        f"per situation (truth {evaluation.truth_name}):",
        "  situation           opps  lead  none   top1 P   top1 R  top1 F1  no-match  auto P   auto R  wrong auto",
        *[f"  {s['situation']:<18} {s['opportunities']:>5} {s['with_lead']:>5} {s['without_lead']:>5}  "
          f"{_num(s['precision']):>7}  {_num(s['recall']):>7}  {_num(s['f1']):>7}  {_num(s['no_match_accuracy']):>8}  "
          f"{_num(s['auto_precision']):>7}  {_num(s['auto_recall']):>7}  {s['wrong_auto']:>5}"
          for s in evaluation.situations],
        "",
        "threshold  predicted  precision  recall     F1  no-match acc",
    ]
    for t in evaluation.thresholds:
        lines.append(f"{t['threshold']:>9}  {t['predicted']:>9}  {t['precision']:>9.4f}  {t['recall']:>6.4f}  "
                     f"{t['f1']:.4f}  {t['no_match_accuracy']}")
    lines += ["", "calibration (all kept pairs): confidence bin -> pairs, mean confidence, observed share right"]
    for c in evaluation.calibration:
        lines.append(f"  [{c['low']:.1f}, {c['high']:.1f})  {c['pairs']:>6}  {c['mean_confidence']:.3f}  {c['observed']:.3f}")
    lines += ["", "calibration per signal combination (kept pairs): pairs, mean confidence, observed share right, "
                  "match-band pairs (right)"]
    for c in evaluation.calibration_by_signals:
        lines.append(f"  {c['signals']:<32} {c['pairs']:>6}  {c['mean_confidence']:.3f}  {c['observed']:.3f}  "
                     f"{c['auto_pairs']:>5} ({c['auto_right']})")
    lines += ["", f"worst {len(evaluation.errors)} errors:"]
    for e in evaluation.errors:
        lines.append(
            f"  {e['error']:<12} {e['ace_opportunity_id']} -> {e['predicted_lead_id']} (truth {e['true_lead_ids']}) "
            f"conf {e['confidence']} via {e['candidate_sources']}; name {e['name_similarity']} id "
            f"{_r(e['identity_similarity'])} ctx {_r(e['context_similarity'])} gap {e['created_gap_days']}d "
            f"owner {e['has_owner_match']}")
    return "\n".join(lines)


def _num(value) -> str:
    return "-" if value is None else f"{float(value):.4f}"


def _pct(value) -> str:
    return "n/a (none)" if value is None else f"{float(value):.4f}"


def _r(value) -> str:
    return "-" if value is None else f"{float(value):.3f}"
