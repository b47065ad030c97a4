"""The embedding step: embed the search inputs whose text changed, write them to pgvector."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from embeddings import store
from embeddings.models import Embedder, load_embedder
from revops import settings, warehouse

log = logging.getLogger(__name__)

INPUTS_RELATION = "search.search_inputs"
BULK_LOAD_ROWS = 5000  # above this many new texts, rebuild the HNSW index once instead of per row


@dataclass
class EmbedResult:
    model: str
    dim: int
    device: str
    embedded: int
    deleted: int
    reset: bool
    seconds: float


def embed_changed(
    embedder: Embedder | None = None,
    inputs_relation: str = INPUTS_RELATION,
    batch_size: int = 256,
    parts: settings.ConnectionParts | None = None,
) -> EmbedResult:
    """Embed new or changed texts only; a model switch re-embeds everything. Safe to rerun after a crash:
    each committed batch stays, and the next run picks up whatever is still missing."""
    started = time.monotonic()
    embedder = embedder or load_embedder()
    with warehouse.connect(parts) as conn, conn.cursor() as cur:
        reset = store.ensure_tables(cur, embedder.name, embedder.dim)
        deleted = store.delete_orphans(cur, inputs_relation)
        pending = store.pending_texts(cur, inputs_relation)
        # length-sorted across the whole run, not just within a chunk: each chunk's batches then pad to
        # nearly the same length (the bare model.encode sorts all its texts the same way)
        pending.sort(key=lambda t: len(t.content))
        if len(pending) > BULK_LOAD_ROWS:
            store.drop_dense_index(cur)
        conn.commit()
        total = len(pending)
        for start in range(0, total, batch_size):
            chunk = pending[start : start + batch_size]
            batch = embedder.encode([t.content for t in chunk])
            store.write_batch(cur, embedder.name, chunk, batch)
            conn.commit()
            log.info("embedded %d/%d texts with %s", min(start + batch_size, total), total, embedder.name)
        store.ensure_indexes(cur)
    result = EmbedResult(
        embedder.name, embedder.dim, embedder.device, total, deleted, reset, time.monotonic() - started
    )
    log.info("embed: %d texts (%d removed) with %s in %.1fs", total, deleted, embedder.name, result.seconds)
    return result
