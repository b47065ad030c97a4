"""The matching step: signals SQL cannot compute (rapidfuzz names, ColBERT), then the fused confidence.

Reads intermediate.int_match_candidates (dbt: blocking + HNSW neighbours + SQL signals), writes
matching.candidate_scores, which dbt's pod.matches reads back as a source, ranks and bands.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass

import numpy as np

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from matching import fusion
from matching.signals import add_name_rarity
from matching.names import best_name_similarity, title_similarity
from revops import settings, warehouse

log = logging.getLogger(__name__)

CANDIDATES_RELATION = "intermediate.int_match_candidates"
SCORES_SCHEMA = "matching"
SCORES_TABLE = f"{SCORES_SCHEMA}.candidate_scores"
# dbt models the matching step needs, built after the embedding step (the neighbours read the vectors)
CANDIDATE_MODELS = ["int_ace_opportunities_matched_by_keys", "int_match_candidates_by_neighbours", "int_match_candidates"]
SIGNAL_COLUMNS = (
    "ace_opportunity_id", "odoo_lead_id", "ace_company_name", "ace_end_user_company_name", "odoo_customer_name",
    "odoo_typed_company_name", "odoo_aws_account_name", "ace_project_title", "odoo_lead_name",
    "is_unaccepted_referral", "has_account_id_match", "has_domain_match",
    "has_typed_ace_id_match", "has_partner_crm_id_match", "has_owner_match", "identity_similarity",
    "context_similarity", "sparse_similarity", "created_gap_days", "close_date_gap_days",
    "parent_ace_opportunity_id", "is_partner_referral", "created_lag_days", "close_date_lag_days",
    "ace_country_code", "odoo_country_code", "odoo_customer_id",
)


@dataclass
class MatchResult:
    pairs: int
    opportunities: int
    model_family: str
    seconds: float


def read_candidates(cur) -> list[dict]:
    cur.execute(f"select {', '.join(SIGNAL_COLUMNS)} from {CANDIDATES_RELATION} order by 1, 2")
    return [dict(zip(SIGNAL_COLUMNS, row)) for row in cur.fetchall()]


def embedding_model(cur) -> str | None:
    cur.execute("select to_regclass('embeddings.model') is not null")
    if not cur.fetchone()[0]:
        return None
    cur.execute("select model from embeddings.model")
    row = cur.fetchone()
    return row[0] if row else None


def add_name_similarity(candidates: list[dict]) -> None:
    cache: dict[tuple, float | None] = {}
    for row in candidates:
        key = (row["ace_company_name"], row["ace_end_user_company_name"], row["odoo_customer_name"],
               row["odoo_typed_company_name"], row["odoo_aws_account_name"])
        if key not in cache:
            cache[key] = best_name_similarity(key[:2], key[2:])
        row["name_similarity"] = cache[key]
        row["title_similarity"] = title_similarity(row["ace_project_title"], row["odoo_lead_name"], [*key])


def add_context_overlap(cur, candidates: list[dict], inputs_relation: str = "search.search_inputs") -> None:
    """Words the two context texts share (rapidfuzz token-set ratio): a lexical signal for every model, where
    a small dense model blurs the project words (workload, program) into the boilerplate around them."""
    cur.execute(f"select text_id, content from {inputs_relation} where text_kind = 'context' and content != ''")
    texts = {text_id: default_process(content) for text_id, content in cur.fetchall()}
    for row in candidates:
        ace = texts.get(f"ace:{row['ace_opportunity_id']}:context")
        odoo = texts.get(f"odoo:{row['odoo_lead_id']}:context")
        row["context_overlap"] = round(fuzz.token_set_ratio(ace, odoo) / 100, 4) if ace and odoo else None


def colbert_score(query: np.ndarray, document: np.ndarray) -> float:
    """ColBERT late interaction as BGE-M3 computes it: mean over query tokens of the best dot product."""
    return float((query @ document.T).max(axis=1).mean())


def add_colbert_scores(cur, candidates: list[dict], kind: str = "context") -> None:
    """ColBERT score of the context texts of each pair (null when either side has no token vectors)."""
    cur.execute("select to_regclass('embeddings.colbert_vectors') is not null")
    vectors: dict[str, np.ndarray] = {}
    if cur.fetchone()[0]:
        cur.execute("select text_id, token_count, vectors from embeddings.colbert_vectors where text_id like %s",
                    (f"%:{kind}",))
        for text_id, tokens, raw in cur.fetchall():
            vectors[text_id] = np.frombuffer(bytes(raw), dtype=np.float16).astype(np.float32).reshape(tokens, -1)
    for row in candidates:
        query = vectors.get(f"ace:{row['ace_opportunity_id']}:{kind}")
        document = vectors.get(f"odoo:{row['odoo_lead_id']}:{kind}")
        row["colbert_score"] = None if query is None or document is None else round(colbert_score(query, document), 4)


def compute_signals(cur) -> tuple[list[dict], str]:
    """Candidates with every signal filled in, and the model family of their vectors."""
    candidates = read_candidates(cur)
    family = fusion.model_family(embedding_model(cur))
    add_name_similarity(candidates)
    add_name_rarity(cur, candidates)
    add_context_overlap(cur, candidates)
    if family == "bge-m3":
        add_colbert_scores(cur, candidates)
    else:
        for row in candidates:
            row["colbert_score"] = None
    return candidates, family


def write_scores(cur, candidates: list[dict], weights: fusion.Weights, rule_set=None) -> None:
    """Replace matching.candidate_scores in one transaction (readers see the old or the new scores)."""
    cur.execute(f"create schema if not exists {SCORES_SCHEMA}")
    cur.execute(f"drop table if exists {SCORES_TABLE}")  # a derived table: its shape follows this code
    cur.execute(f"""
        create table if not exists {SCORES_TABLE} (
            ace_opportunity_id text not null,
            odoo_lead_id integer not null,
            name_similarity double precision,
            colbert_score double precision,
            title_similarity double precision,
            confidence double precision not null,
            model_family text not null,
            contributions jsonb not null,
            scored_at timestamptz not null default now(),
            primary key (ace_opportunity_id, odoo_lead_id)
        )""")
    scored = fusion.apply_guards(weights.score_batch(fusion.feature_rows(candidates), fusion.pair_keys(candidates)),
                                 candidates, *fusion.band_thresholds(rule_set))
    columns: dict[str, list] = {name: [] for name in (
        "ace_opportunity_id", "odoo_lead_id", "name_similarity", "colbert_score", "title_similarity", "confidence",
        "model_family", "contributions")}
    for row, contributions in zip(candidates, scored):
        confidence = fusion.sigmoid(sum(contributions.values()))
        for name, value in zip(columns, (row["ace_opportunity_id"], row["odoo_lead_id"], row["name_similarity"],
                                         row["colbert_score"], row["title_similarity"], round(confidence, 6),
                                         weights.family, json.dumps(contributions))):
            columns[name].append(value)
    warehouse.copy_columns(cur, SCORES_TABLE, columns)
    cur.execute(f"analyze {SCORES_TABLE}")


def score_candidates(parts: settings.ConnectionParts | None = None, rule_set=None) -> MatchResult:
    """Fill the Python-only signals and the fused confidence of every candidate pair."""
    started = time.monotonic()
    with warehouse.connect(parts) as conn, conn.cursor() as cur:
        candidates, family = compute_signals(cur)
        weights = fusion.load_weights(family)
        write_scores(cur, candidates, weights, rule_set)
        conn.commit()
    result = MatchResult(len(candidates), len({c["ace_opportunity_id"] for c in candidates}), family,
                         time.monotonic() - started)
    log.info("match: scored %d pairs of %d opportunities (%s) in %.1fs",
             result.pairs, result.opportunities, family, result.seconds)
    return result


def build_candidates(rule_set=None) -> None:
    """dbt: exact-key blocking, HNSW neighbours and the SQL signals (after the embedding step), with the run's
    rules (`rule_set`, see revops.rules; None: loaded now)."""
    from revops.dbt import run_dbt

    run_dbt(["build", "--select", *CANDIDATE_MODELS, "--indirect-selection", "cautious"], rule_set)


def run_match(parts: settings.ConnectionParts | None = None, rule_set=None) -> MatchResult:
    build_candidates(rule_set)
    return score_candidates(parts, rule_set)
