"""The matching step: signals SQL cannot compute (rapidfuzz names, ColBERT), then the fused confidence.

Reads intermediate.int_match_candidates (dbt: blocking + HNSW neighbours + SQL signals), writes
matching.candidate_scores, which dbt's pod.matches reads back as a source, ranks and bands.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path

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
    "ace_country_code", "odoo_country_code", "odoo_customer_id",
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
    add_name_rarity(cur, candidates)
    add_context_overlap(cur, candidates)
    if family == "bge-m3":
        add_colbert_scores(cur, candidates)
    else:
        for row in candidates:
            row["colbert_score"] = None


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
            -- what an incremental scoring compares and reuses (see score_incrementally)
            input_hash text,
            first_stage jsonb,
            first_stage_logit double precision,
            weights_version text,
            primary key (ace_opportunity_id, odoo_lead_id)
        )""")
    # the first-stage contributions are computed once and the feature rows not kept: at scale 1.0 (170k pairs)
    # each list of per-pair dicts is ~0.5 GB
    first = [weights.contributions(f) for f in fusion.feature_rows(candidates)]
    scored = fusion.apply_guards(weights.second_stage_batch(first, fusion.pair_keys(candidates)), candidates,
                                 *fusion.band_thresholds(rule_set))
    _copy_scores(cur, SCORES_TABLE, candidates, weights, scored, first, rule_set)
    cur.execute(f"analyze {SCORES_TABLE}")


SCORE_COLUMNS = ("ace_opportunity_id, odoo_lead_id, name_similarity, colbert_score, title_similarity, confidence, "
                 "model_family, contributions, input_hash, first_stage, first_stage_logit, weights_version")


def add_input_hashes(cur, candidates: list[dict]) -> None:
    """A hash of everything a pair's own score reads: its SQL signals and the content hashes of both context
    texts (the context overlap and ColBERT read them)."""
    cur.execute("select text_id, content_hash from search.search_inputs where text_kind = 'context'")
    hashes = dict(cur.fetchall())
    add_name_rarity(cur, candidates)  # reads every customer's name: a namesake added elsewhere moves this pair
    for row in candidates:
        values = [row[column] for column in SIGNAL_COLUMNS] + [row["odoo_name_customers"]]
        values += [hashes.get(f"ace:{row['ace_opportunity_id']}:context"), hashes.get(f"odoo:{row['odoo_lead_id']}:context")]
        row["input_hash"] = hashlib.md5(json.dumps(values, default=str).encode()).hexdigest()


def _stored_scores(cur, version: str) -> dict[tuple[str, int], tuple[str, float]] | None:
    """{(ace id, lead id): (input hash, first-stage logit)} of the stored scores, or None when they cannot be
    reused (no table, an older shape, other weights or model family)."""
    cur.execute("select to_regclass(%s) is not null", (SCORES_TABLE,))
    if not cur.fetchone()[0]:
        return None
    cur.execute("""select count(*) = 3 from information_schema.columns where table_schema = %s and table_name =
                   'candidate_scores' and column_name in ('input_hash', 'first_stage', 'weights_version')""",
                (SCORES_SCHEMA,))
    if not cur.fetchone()[0]:
        return None
    cur.execute(f"select count(*) filter (where weights_version is distinct from %s or input_hash is null) "
                f"from {SCORES_TABLE}", (version,))
    if cur.fetchone()[0]:
        return None
    cur.execute(f"select ace_opportunity_id, odoo_lead_id, input_hash, first_stage_logit from {SCORES_TABLE}")
    return {(ace, lead): (digest, logit) for ace, lead, digest, logit in cur.fetchall()}


def _top_two(values) -> tuple[float, float]:
    first = second = float("-inf")
    for value in values:
        if value > first:
            first, second = value, first
        elif value > second:
            second = value
    return first, second


def _best_lead(pairs) -> int | None:
    """The lead of the highest logit, the smallest lead id on a tie (the full scoring's order)."""
    best = None
    for lead, logit in sorted(pairs):
        if best is None or logit > best[1]:
            best = (lead, logit)
    return None if best is None else best[0]


def score_incrementally(cur, candidates: list[dict], family: str, weights: fusion.Weights,
                        stored: dict[tuple[str, int], tuple[str, float]], rule_set=None) -> int:
    """Score only the pairs a change can reach and replace just their rows; the same rows as a full scoring
    (tests/matching/test_incremental.py). Returns the number of pairs scored.

    A pair's first-stage terms read its own signals and the other candidates of its ACE opportunity (best_*);
    its second stage reads the two best first-stage logits of its opportunity's pairs, the two best of its
    lead's pairs, and the best lead of its parent opportunity. So (1) every pair of an opportunity with a new,
    gone or changed pair gets its signals and both stages computed again; (2) the pairs of a lead whose two
    best logits moved, and those of the renewals of an opportunity whose best lead moved, get the second stage
    again over their stored first-stage terms. Nothing else can move."""
    key = lambda row: (row["ace_opportunity_id"], row["odoo_lead_id"])  # noqa: E731
    removed = set(stored) - {key(row) for row in candidates}
    moved_aces = {ace for ace, _ in removed} | {
        row["ace_opportunity_id"] for row in candidates if stored.get(key(row), (None,))[0] != row["input_hash"]}
    subset = [row for row in candidates if row["ace_opportunity_id"] in moved_aces]  # in the full scoring's order
    add_signals(cur, subset, family)
    first = {key(row): weights.contributions(f) for row, f in zip(subset, fusion.feature_rows(subset))}
    new_logits = {pair: logit for pair, (_, logit) in stored.items() if pair not in removed}
    new_logits.update({pair: sum(contributions.values()) for pair, contributions in first.items()})
    reached: set[tuple[str, int]] = set()
    if weights.stage2 and moved_aces:
        old_by_lead: dict[int, list[float]] = {}
        old_by_ace: dict[str, list[tuple[int, float]]] = {}
        for (ace, lead), (_, logit) in stored.items():
            old_by_lead.setdefault(lead, []).append(logit)
            if ace in moved_aces:
                old_by_ace.setdefault(ace, []).append((lead, logit))
        new_by_lead: dict[int, list[float]] = {}
        new_by_ace: dict[str, list[tuple[int, float]]] = {}
        for (ace, lead), logit in new_logits.items():
            new_by_lead.setdefault(lead, []).append(logit)
            if ace in moved_aces:
                new_by_ace.setdefault(ace, []).append((lead, logit))
        leads = {lead for _, lead in removed} | {row["odoo_lead_id"] for row in subset}
        moved_leads = {lead for lead in leads
                       if _top_two(old_by_lead.get(lead, [])) != _top_two(new_by_lead.get(lead, []))}
        moved_best = {ace for ace in moved_aces
                      if _best_lead(old_by_ace.get(ace, [])) != _best_lead(new_by_ace.get(ace, []))}
        reached_aces = {row["ace_opportunity_id"] for row in candidates
                        if row["ace_opportunity_id"] not in moved_aces
                        and (row["odoo_lead_id"] in moved_leads or row["parent_ace_opportunity_id"] in moved_best)}
        # whole opportunities: the guards pick one lead per opportunity to lift (fusion.apply_guards)
        reached = {key(row) for row in candidates if row["ace_opportunity_id"] in reached_aces}
    if reached:
        # their own terms did not change: the stored first stage and signals, in the fusion's term order
        order = ["prior", *weights.weights]
        cur.execute(f"""select ace_opportunity_id, odoo_lead_id, name_similarity, colbert_score, title_similarity,
                               first_stage from {SCORES_TABLE} where ace_opportunity_id = any(%s)""",
                    (sorted({ace for ace, _ in reached}),))
        rows = {(ace, lead): (name, colbert, title, stage) for ace, lead, name, colbert, title, stage in cur.fetchall()}
        by_key = {key(row): row for row in candidates}
        for pair in reached:
            name, colbert, title, stage = rows[pair]
            by_key[pair].update(name_similarity=name, colbert_score=colbert, title_similarity=title)
            first[pair] = {term: stage[term] for term in order}
        subset = [row for row in candidates if key(row) in first]
    scored = [first[key(row)] for row in subset]
    if weights.stage2 and subset:
        # the second stage over all pairs, in the full scoring's order
        keys = fusion.pair_keys(candidates)
        logits = [new_logits[(k.ace_opportunity_id, k.odoo_lead_id)] for k in keys]
        terms = dict(zip(((k.ace_opportunity_id, k.odoo_lead_id) for k in keys), fusion.second_stage_terms(logits, keys)))
        scored = [weights.second_stage(first[key(row)], terms[key(row)]) for row in subset]
    scored = fusion.apply_guards(scored, subset, *fusion.band_thresholds(rule_set))
    gone = {key(row) for row in subset} | removed
    if gone:
        cur.execute("create temporary table rescored_pairs (ace_opportunity_id text, odoo_lead_id integer) on commit drop")
        warehouse.copy_columns(cur, "rescored_pairs", {"ace_opportunity_id": [ace for ace, _ in gone],
                                                       "odoo_lead_id": [lead for _, lead in gone]})
        cur.execute(f"""delete from {SCORES_TABLE} as scores using rescored_pairs
                        where scores.ace_opportunity_id = rescored_pairs.ace_opportunity_id
                          and scores.odoo_lead_id = rescored_pairs.odoo_lead_id""")
    _copy_scores(cur, SCORES_TABLE, subset, weights, scored, [first[key(row)] for row in subset], rule_set)
    return len(subset)


def scoring_code_hash() -> str:
    """Hash of the code that computes the Python signals and turns signals into scores (this module, name
    similarity, name rarity, terms, guards): a change to it makes the stored scores stale just as new weights do."""
    from matching import names, signals

    digest = hashlib.sha256()
    for path in (Path(__file__), Path(fusion.__file__), Path(names.__file__), Path(signals.__file__)):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def weights_version(weights: fusion.Weights, rule_set=None) -> str:
    """What stored scores were computed with: the weights, rule 4's bands (the guards read them) and the scoring
    code."""
    payload = json.dumps([weights.family, weights.prior, weights.weights, weights.stage2,
                          fusion.band_thresholds(rule_set), scoring_code_hash()], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _copy_scores(cur, table: str, candidates: list[dict], weights: fusion.Weights, scored: list[dict],
                 first_stage: list[dict], rule_set=None) -> None:
    version = weights_version(weights, rule_set)
    for start in range(0, len(candidates), COPY_CHUNK_PAIRS):  # one COPY per chunk: the JSON text is not all held
        columns: dict[str, list] = {name.strip(): [] for name in SCORE_COLUMNS.split(",")}
        chunk = slice(start, start + COPY_CHUNK_PAIRS)
        for row, contributions, first in zip(candidates[chunk], scored[chunk], first_stage[chunk]):
            confidence = fusion.sigmoid(sum(contributions.values()))
            values = (row["ace_opportunity_id"], row["odoo_lead_id"], row["name_similarity"], row["colbert_score"],
                      row["title_similarity"], round(confidence, 6), weights.family, json.dumps(contributions),
                      row.get("input_hash"), json.dumps(first), sum(first.values()), version)
            for name, value in zip(columns, values):
                columns[name].append(value)
        warehouse.copy_columns(cur, table, columns)


COPY_CHUNK_PAIRS = 20_000


def score_candidates(parts: settings.ConnectionParts | None = None, full: bool = True, rule_set=None) -> MatchResult:
    """Fill the Python-only signals and the fused confidence of the candidate pairs: of every pair when `full`
    (or when the stored scores cannot be reused), else only of the pairs whose inputs changed and their rivals."""
    started = time.monotonic()
    with warehouse.connect(parts) as conn, conn.cursor() as cur:
        candidates = read_candidates(cur)
        family = fusion.model_family(embedding_model(cur))
        weights = fusion.load_weights(family)
        add_input_hashes(cur, candidates)
        stored = None if full else _stored_scores(cur, weights_version(weights, rule_set))
        if stored is None:
            add_signals(cur, candidates, family)
            write_scores(cur, candidates, weights, rule_set)
            rescored = len(candidates)
        else:
            rescored = score_incrementally(cur, candidates, family, weights, stored, rule_set)
        conn.commit()
    result = MatchResult(len(candidates), len({c["ace_opportunity_id"] for c in candidates}), family,
                         time.monotonic() - started, rescored)
    log.info("match: scored %d of %d pairs of %d opportunities (%s) in %.1fs",
             rescored, result.pairs, result.opportunities, family, result.seconds)
    return result


def build_candidates(rule_set=None) -> None:
    """dbt: exact-key blocking, HNSW neighbours and the SQL signals (after the embedding step), the models of
    the selector `match_candidates` (selectors.yml)."""
    from revops.dbt import run_dbt

    run_dbt(["build", "--selector", CANDIDATE_SELECTOR], rule_set)


def run_match(parts: settings.ConnectionParts | None = None, full: bool = False, rule_set=None) -> MatchResult:
    build_candidates(rule_set)
    return score_candidates(parts, full=full, rule_set=rule_set)
