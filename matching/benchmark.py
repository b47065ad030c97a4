"""Speed of the matching engine: `python -m matching.benchmark` (against the configured warehouse, after a run).

Prints embeddings per second of the loaded model, top-k candidate query latency (p50/p95) through the partial
HNSW index and by exact scan with the recall of HNSW against exact, and the time of the whole match step.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time


from revops import settings, warehouse


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def embedding_throughput(texts: int = 512) -> dict:
    from embeddings.models import load_embedder

    with warehouse.connect() as conn, conn.cursor() as cur:
        cur.execute("select content from search.search_inputs order by text_id limit %s", (texts,))
        contents = [r[0] for r in cur.fetchall()]
    embedder = load_embedder()
    embedder.encode(contents[:16])  # warm-up
    started = time.perf_counter()
    embedder.encode(contents)
    seconds = time.perf_counter() - started
    return {"model": embedder.name, "device": embedder.device, "texts": len(contents),
            "texts_per_second": round(len(contents) / seconds, 1)}


def project_ef_search() -> int:
    """hnsw.ef_search the candidate model uses (dbt var match_hnsw_ef_search)."""
    from revops.dbt import project_var

    return int(project_var("match_hnsw_ef_search"))


def neighbour_latency(k: int = 50, queries: int = 200, ef_search: int = 300, kind: str = "identity",
                      seed: int = 7) -> dict:
    """Latency of `order by embedding <=> q limit k` over the Odoo texts of one kind, HNSW vs exact."""
    sql = ("select record_id, embedding <=> %s::vector from embeddings.dense_vectors "
           "where source_system = 'odoo' and text_kind = %s order by embedding <=> %s::vector limit %s")
    from pgvector.psycopg2 import register_vector

    with warehouse.connect() as conn, conn.cursor() as cur:
        register_vector(conn)  # vectors come and go as numpy arrays, through pgvector's adapter (no text literals)
        cur.execute("select embedding from embeddings.dense_vectors where source_system = 'ace' "
                    "and text_kind = %s order by text_id", (kind,))
        vectors = [r[0] for r in cur.fetchall()]
        cur.execute("select count(*) from embeddings.dense_vectors where source_system = 'odoo' and text_kind = %s",
                    (kind,))
        corpus = cur.fetchone()[0]
        sample = random.Random(seed).sample(vectors, min(queries, len(vectors)))
        timings: dict[str, list[float]] = {"hnsw": [], "exact": []}
        results: dict[str, list[list[float]]] = {"hnsw": [], "exact": []}
        for mode in ("hnsw", "exact"):
            cur.execute(f"set hnsw.ef_search = {int(ef_search)}")
            # exact: no index scans, so the planner sorts every row by distance
            cur.execute(f"set enable_indexscan = {'on' if mode == 'hnsw' else 'off'}")
            for setting in ("enable_seqscan", "enable_bitmapscan"):  # HNSW even where a sort looks cheaper
                cur.execute(f"set {setting} = {'off' if mode == 'hnsw' else 'on'}")
            cur.execute(sql + " -- warm-up", (sample[0], kind, sample[0], k))
            cur.fetchall()
            for vector in sample:
                started = time.perf_counter()
                cur.execute(sql, (vector, kind, vector, k))
                distances = [r[1] for r in cur.fetchall()]
                timings[mode].append((time.perf_counter() - started) * 1000)
                results[mode].append(distances)
        cur.execute("reset enable_indexscan")
        cur.execute("set enable_seqscan = off")
        cur.execute("set enable_bitmapscan = off")
        cur.execute("explain " + sql, (sample[0], kind, sample[0], k))
        plan = " ".join(r[0] for r in cur.fetchall())
        cur.execute("reset enable_seqscan")
        cur.execute("reset enable_bitmapscan")
    # recall as ann-benchmarks counts it: a returned neighbour is right when it is no farther than the exact k-th
    # (many leads of one customer share an identity text, so ids tied at the k-th distance are equally right)
    recall = statistics.mean(
        sum(1 for d in h if d <= e[-1] + 1e-6) / max(1, len(e))
        for h, e in zip(results["hnsw"], results["exact"]) if e
    )
    return {
        "kind": kind, "k": k, "queries": len(sample), "corpus": corpus, "ef_search": ef_search,
        "uses_hnsw_index": "hnsw" in plan,
        "hnsw_ms_p50": round(_percentile(timings["hnsw"], 0.5), 2),
        "hnsw_ms_p95": round(_percentile(timings["hnsw"], 0.95), 2),
        "exact_ms_p50": round(_percentile(timings["exact"], 0.5), 2),
        "exact_ms_p95": round(_percentile(timings["exact"], 0.95), 2),
        "hnsw_recall": round(recall, 4),
    }


def match_time() -> dict:
    from matching.run import build_candidates, score_candidates

    started = time.perf_counter()
    build_candidates()
    dbt_seconds = time.perf_counter() - started
    result = score_candidates()
    return {"dbt_candidates_seconds": round(dbt_seconds, 1), "scoring_seconds": round(result.seconds, 1),
            "total_seconds": round(time.perf_counter() - started, 1), "pairs": result.pairs,
            "opportunities": result.opportunities}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m matching.benchmark", description=__doc__)
    parser.add_argument("--k", type=int, default=50)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--ef-search", type=int, default=None, help="default: the dbt var match_hnsw_ef_search")
    parser.add_argument("--skip-embed", action="store_true")
    parser.add_argument("--skip-match", action="store_true")
    args = parser.parse_args(argv)
    settings.activate(settings.validate())
    report: dict = {"warehouse": settings.warehouse().database}
    if not args.skip_embed:
        report["embedding"] = embedding_throughput()
    ef_search = args.ef_search or project_ef_search()
    report["neighbours"] = [neighbour_latency(args.k, args.queries, ef_search, kind)
                            for kind in ("identity", "context")]
    if not args.skip_match:
        report["match"] = match_time()
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
