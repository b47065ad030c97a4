"""The matching step: signals SQL cannot compute (rapidfuzz names, ColBERT), then the fused confidence.

Reads intermediate.int_match_candidates (dbt: blocking + HNSW neighbours + SQL signals), writes
matching.candidate_scores, which dbt's pod.matches reads back as a source, ranks and bands.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import time
from dataclasses import dataclass

import numpy as np

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from matching import fusion
from matching.names import best_name_similarity, title_similarity
from revops import settings, warehouse

log = logging.getLogger(__name__)

CANDIDATES_RELATION = "intermediate.int_match_candidates"
SCORES_SCHEMA = "matching"
SCORES_TABLE = f"{SCORES_SCHEMA}.candidate_scores"
# dbt selector (selectors.yml) of the models the matching step needs, built after the embedding step (the
# neighbours read the vectors)
CANDIDATE_SELECTOR = "match_candidates"
CANDIDATE_MODELS = ["int_ace_opportunities_matched_by_keys", "int_match_candidates_by_neighbours", "int_match_candidates"]
SIGNAL_COLUMNS = (
    "ace_opportunity_id", "odoo_lead_id", "ace_company_name", "ace_end_user_company_name", "odoo_customer_name",
    "odoo_typed_company_name", "odoo_aws_account_name", "ace_project_title", "odoo_lead_name",
    "is_unaccepted_referral", "has_account_id_match", "has_domain_match",
    "has_typed_ace_id_match", "has_partner_crm_id_match", "has_owner_match", "identity_similarity",
    "context_similarity", "sparse_similarity", "created_gap_days", "close_date_gap_days",
    "parent_ace_opportunity_id", "is_partner_referral", "created_lag_days", "close_date_lag_days",
)


@dataclass
class MatchResult:
    pairs: int
    opportunities: int
    model_family: str
    seconds: float
    rescored: int | None = None  # pairs scored by this run (all of them on a full scoring)


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
    add_signals(cur, candidates, family)
    return candidates, family


def add_signals(cur, candidates: list[dict], family: str) -> None:
    """The signals only Python computes, for these candidates."""
    add_name_similarity(candidates)
    add_context_overlap(cur, candidates)
    if family == "bge-m3":
        add_colbert_scores(cur, candidates)
    else:
        for row in candidates:
            row["colbert_score"] = None


def write_scores(cur, candidates: list[dict], weights: fusion.Weights) -> None:
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
            -- what an incremental scoring compares and reuses (see score_incrementally)
            input_hash text,
            first_stage_logit double precision,
            weights_version text,
            primary key (ace_opportunity_id, odoo_lead_id)
        )""")
    features = fusion.feature_rows(candidates)
    scored = weights.score_batch(features, fusion.pair_keys(candidates))
    _copy_scores(cur, SCORES_TABLE, candidates, weights, scored, _first_logits(weights, features))
    cur.execute(f"analyze {SCORES_TABLE}")


SCORE_COLUMNS = ("ace_opportunity_id, odoo_lead_id, name_similarity, colbert_score, title_similarity, confidence, "
                 "model_family, contributions, input_hash, first_stage_logit, weights_version")


def _first_logits(weights: fusion.Weights, features: list[dict]) -> list[float]:
    """Each pair's first-stage logit (the sum of its first-stage contributions), which its rivals' second stage reads."""
    return [sum(weights.contributions(f).values()) for f in features]


def add_input_hashes(cur, candidates: list[dict]) -> None:
    """A hash of everything a pair's own score reads: its SQL signals and the content hashes of both context
    texts (the context overlap and ColBERT read them)."""
    cur.execute("select text_id, content_hash from search.search_inputs where text_kind = 'context'")
    hashes = dict(cur.fetchall())
    for row in candidates:
        values = [row[column] for column in SIGNAL_COLUMNS]
        values += [hashes.get(f"ace:{row['ace_opportunity_id']}:context"), hashes.get(f"odoo:{row['odoo_lead_id']}:context")]
        row["input_hash"] = hashlib.md5(json.dumps(values, default=str).encode()).hexdigest()


def _stored_scores(cur, version: str) -> dict[tuple[str, int], tuple[str, float]] | None:
    """{(ace id, lead id): (input hash, first-stage logit)} of the stored scores, or None when they cannot be
    reused (no table, an older shape, other weights or model family)."""
    cur.execute("select to_regclass(%s) is not null", (SCORES_TABLE,))
    if not cur.fetchone()[0]:
        return None
    cur.execute("""select count(*) = 2 from information_schema.columns where table_schema = %s
                   and table_name = 'candidate_scores' and column_name in ('input_hash', 'weights_version')""",
                (SCORES_SCHEMA,))
    if not cur.fetchone()[0]:
        return None
    cur.execute(f"select count(*) filter (where weights_version is distinct from %s or input_hash is null) "
                f"from {SCORES_TABLE}", (version,))
    if cur.fetchone()[0]:
        return None
    cur.execute(f"select ace_opportunity_id, odoo_lead_id, input_hash, first_stage_logit from {SCORES_TABLE}")
    return {(ace, lead): (digest, logit) for ace, lead, digest, logit in cur.fetchall()}


def affected_pairs(candidates: list[dict], stored: dict[tuple[str, int], tuple[str, float]]) -> tuple[set, set]:
    """(pairs to re-score, stored pairs that are no longer candidates).

    A pair's score reads its own signals and, in the second stage, the first-stage logits of the other leads of
    its ACE opportunity, of the other opportunities of its lead, and the best lead of its parent opportunity. So
    when a pair is new, gone or its inputs changed, every pair sharing its opportunity or its lead, and every
    pair whose parent is that opportunity, is scored again; all other pairs would come out the same."""
    current = {(row["ace_opportunity_id"], row["odoo_lead_id"]) for row in candidates}
    removed = set(stored) - current
    changed = {
        (row["ace_opportunity_id"], row["odoo_lead_id"]) for row in candidates
        if stored.get((row["ace_opportunity_id"], row["odoo_lead_id"]), (None,))[0] != row["input_hash"]
    }
    aces = {ace for ace, _ in changed | removed}
    leads = {lead for _, lead in changed | removed}
    rescore = {
        (row["ace_opportunity_id"], row["odoo_lead_id"]) for row in candidates
        if row["ace_opportunity_id"] in aces or row["odoo_lead_id"] in leads
        or row["parent_ace_opportunity_id"] in aces
    }
    return rescore, removed


def score_incrementally(cur, candidates: list[dict], family: str, weights: fusion.Weights,
                        stored: dict[tuple[str, int], tuple[str, float]]) -> int:
    """Score only the affected pairs (see affected_pairs), reusing the stored first-stage logits of the others
    for their rivals' second stage, and replace just their rows. Gives the same rows as a full scoring
    (tests/matching/test_incremental.py). Returns the number of pairs scored."""
    rescore, removed = affected_pairs(candidates, stored)
    subset = [row for row in candidates if (row["ace_opportunity_id"], row["odoo_lead_id"]) in rescore]
    add_signals(cur, subset, family)
    features = fusion.feature_rows(subset)
    own_logits = dict(zip(((r["ace_opportunity_id"], r["odoo_lead_id"]) for r in subset),
                          _first_logits(weights, features)))
    first = [weights.contributions(f) for f in features]
    scored = first
    if weights.stage2 and subset:
        # the second stage over all pairs, in the full scoring's order: stored logits for the pairs not re-scored
        keys = fusion.pair_keys(candidates)
        logits = [own_logits.get((k.ace_opportunity_id, k.odoo_lead_id))
                  if (k.ace_opportunity_id, k.odoo_lead_id) in own_logits
                  else stored[(k.ace_opportunity_id, k.odoo_lead_id)][1] for k in keys]
        terms = dict(zip(((k.ace_opportunity_id, k.odoo_lead_id) for k in keys), fusion.second_stage_terms(logits, keys)))
        scored = [weights.second_stage(contributions, terms[(row["ace_opportunity_id"], row["odoo_lead_id"])])
                  for row, contributions in zip(subset, first)]
    gone = rescore | removed
    if gone:
        cur.execute("create temporary table rescored_pairs (ace_opportunity_id text, odoo_lead_id integer) on commit drop")
        buffer = io.StringIO("".join(f"{ace}\t{lead}\n" for ace, lead in gone))
        cur.copy_expert("copy rescored_pairs from stdin", buffer)
        cur.execute(f"""delete from {SCORES_TABLE} as scores using rescored_pairs
                        where scores.ace_opportunity_id = rescored_pairs.ace_opportunity_id
                          and scores.odoo_lead_id = rescored_pairs.odoo_lead_id""")
    _copy_scores(cur, SCORES_TABLE, subset, weights, scored, [own_logits[(r["ace_opportunity_id"], r["odoo_lead_id"])]
                                                              for r in subset])
    return len(subset)


def weights_version(weights: fusion.Weights) -> str:
    payload = json.dumps([weights.family, weights.prior, weights.weights, weights.stage2], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _copy_scores(cur, table: str, candidates: list[dict], weights: fusion.Weights, scored: list[dict],
                 first_logits: list[float]) -> None:
    buffer = io.StringIO()
    version = weights_version(weights)
    for row, contributions, first_logit in zip(candidates, scored, first_logits):
        confidence = fusion.sigmoid(sum(contributions.values()))
        fields = [row["ace_opportunity_id"], row["odoo_lead_id"], row["name_similarity"], row["colbert_score"],
                  row["title_similarity"], round(confidence, 6), weights.family, json.dumps(contributions),
                  row.get("input_hash"), repr(first_logit), version]
        buffer.write("\t".join(r"\N" if v is None else str(v).replace("\\", "\\\\") for v in fields) + "\n")
    buffer.seek(0)
    cur.copy_expert(f"copy {table} ({SCORE_COLUMNS}) from stdin", buffer)


def score_candidates(parts: settings.ConnectionParts | None = None, full: bool = True) -> MatchResult:
    """Fill the Python-only signals and the fused confidence of the candidate pairs: of every pair when `full`
    (or when the stored scores cannot be reused), else only of the pairs whose inputs changed and their rivals."""
    started = time.monotonic()
    with warehouse.connect(parts) as conn, conn.cursor() as cur:
        candidates = read_candidates(cur)
        family = fusion.model_family(embedding_model(cur))
        weights = fusion.load_weights(family)
        add_input_hashes(cur, candidates)
        stored = None if full else _stored_scores(cur, weights_version(weights))
        if stored is None:
            add_signals(cur, candidates, family)
            write_scores(cur, candidates, weights)
            rescored = len(candidates)
        else:
            rescored = score_incrementally(cur, candidates, family, weights, stored)
        conn.commit()
    result = MatchResult(len(candidates), len({c["ace_opportunity_id"] for c in candidates}), family,
                         time.monotonic() - started, rescored)
    log.info("match: scored %d of %d pairs of %d opportunities (%s) in %.1fs",
             rescored, result.pairs, result.opportunities, family, result.seconds)
    return result


def build_candidates() -> None:
    """dbt: exact-key blocking, HNSW neighbours and the SQL signals (after the embedding step), the models of
    the selector `match_candidates` (selectors.yml)."""
    from revops.dbt import run_dbt

    run_dbt(["build", "--selector", CANDIDATE_SELECTOR])


def run_match(parts: settings.ConnectionParts | None = None, full: bool = False) -> MatchResult:
    build_candidates()
    return score_candidates(parts, full=full)
