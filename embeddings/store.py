"""pgvector tables of the embedding step, schema `embeddings` (dbt reads them back as a source).

- dense_vectors: one row per search input text, `vector(dim)` with an HNSW index (cosine).
- sparse_vectors: BGE-M3 lexical weights as `sparsevec(vocab)`; only when the model has them.
- colbert_vectors: BGE-M3 token vectors (float16 bytes) for re-ranking a short candidate list.
- model: which model produced the vectors; a different model drops them all and re-embeds.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass

import numpy as np
from pgvector import SparseVector, Vector

SCHEMA = "embeddings"
SPARSE_DIM = 250002  # BGE-M3 (XLM-RoBERTa) vocabulary; sparsevec needs a fixed dimension


@dataclass(frozen=True)
class PendingText:
    text_id: str
    source_system: str
    record_id: str
    text_kind: str
    content: str
    content_hash: str


def ensure_tables(cur, model_name: str, dim: int) -> bool:
    """Create the tables for this model; drop everything first when another model made them. True if reset."""
    cur.execute("create extension if not exists vector")
    cur.execute(f"create schema if not exists {SCHEMA}")
    cur.execute(f"create table if not exists {SCHEMA}.model (model text not null, dim int not null)")
    cur.execute(f"select model, dim from {SCHEMA}.model")
    current = cur.fetchone()
    reset = current is not None and tuple(current) != (model_name, dim)
    if reset:
        for table in ("dense_vectors", "sparse_vectors", "colbert_vectors"):
            cur.execute(f"drop table if exists {SCHEMA}.{table}")
    if current is None or reset:
        cur.execute(f"delete from {SCHEMA}.model")
        cur.execute(f"insert into {SCHEMA}.model values (%s, %s)", (model_name, dim))
    cur.execute(f"""
        create table if not exists {SCHEMA}.dense_vectors (
            text_id text primary key,
            source_system text not null,
            record_id text not null,
            text_kind text not null,
            content_hash text not null,
            model text not null,
            embedding vector({dim}) not null,
            embedded_at timestamptz not null default now()
        )""")
    cur.execute(f"""
        create table if not exists {SCHEMA}.sparse_vectors (
            text_id text primary key,
            content_hash text not null,
            model text not null,
            embedding sparsevec({SPARSE_DIM}) not null
        )""")
    cur.execute(f"""
        create table if not exists {SCHEMA}.colbert_vectors (
            text_id text primary key,
            content_hash text not null,
            model text not null,
            token_count int not null,
            vectors bytea not null
        )""")
    return reset


def pending_texts(cur, inputs_relation: str) -> list[PendingText]:
    """Search inputs whose text is new or changed since it was last embedded (by content hash)."""
    cur.execute(f"""
        select i.text_id, i.source_system, i.record_id, i.text_kind, i.content, i.content_hash
        from {inputs_relation} as i
        left join {SCHEMA}.dense_vectors as v
            on v.text_id = i.text_id and v.content_hash = i.content_hash
        where v.text_id is null and i.content != ''
        order by i.text_id""")
    return [PendingText(*row) for row in cur.fetchall()]


def delete_orphans(cur, inputs_relation: str) -> int:
    """Drop vectors of texts that no longer exist upstream or became empty."""
    deleted = 0
    for table in ("dense_vectors", "sparse_vectors", "colbert_vectors"):
        cur.execute(f"""
            delete from {SCHEMA}.{table} as v
            where not exists (
                select 1 from {inputs_relation} as i where i.text_id = v.text_id and i.content != ''
            )""")
        deleted += cur.rowcount
    return deleted


# Binary COPY (PostgreSQL's "binary copy format"): no text rendering of 384-1024 floats per row, no parsing on the
# server side; the vector fields are encoded by the pgvector adapter itself (Vector/SparseVector.to_binary).
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
_COPY_TRAILER = struct.pack(">h", -1)


def _binary_field(value) -> bytes:
    if value is None:
        return struct.pack(">i", -1)
    if isinstance(value, (Vector, SparseVector)):
        data = value.to_binary()
    elif isinstance(value, bool):
        raise TypeError("booleans are not used by the embedding tables")
    elif isinstance(value, int):
        data = struct.pack(">i", value)  # int4 columns only
    elif isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
    else:
        data = str(value).encode("utf-8")
    return struct.pack(">i", len(data)) + data


def _binary_copy_buffer(rows: list[tuple]) -> io.BytesIO:
    buffer = io.BytesIO()
    buffer.write(_COPY_HEADER)
    for row in rows:
        buffer.write(struct.pack(">h", len(row)))
        for value in row:
            buffer.write(_binary_field(value))
    buffer.write(_COPY_TRAILER)
    buffer.seek(0)
    return buffer


def _copy_upsert(cur, table: str, columns: list[str], rows: list[tuple], key: str = "text_id") -> None:
    """Bulk-load rows with binary COPY into a temp table, then upsert: one round trip per batch."""
    if not rows:
        return
    cur.execute(f"create temp table if not exists _load_{table} (like {SCHEMA}.{table} including defaults)")
    cur.execute(f"truncate _load_{table}")
    cur.copy_expert(
        f"copy _load_{table} ({', '.join(columns)}) from stdin with (format binary)", _binary_copy_buffer(rows)
    )
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != key)
    if table == "dense_vectors":  # embedded_at tells when the text was last (re)embedded
        updates += ", embedded_at = now()"
    cur.execute(f"""
        insert into {SCHEMA}.{table} ({', '.join(columns)})
        select {', '.join(columns)} from _load_{table}
        on conflict ({key}) do update set {updates}""")


def write_batch(cur, model_name: str, texts: list[PendingText], batch) -> None:
    dense_rows = [
        (t.text_id, t.source_system, t.record_id, t.text_kind, t.content_hash, model_name, Vector(v))
        for t, v in zip(texts, batch.dense)
    ]
    _copy_upsert(
        cur,
        "dense_vectors",
        ["text_id", "source_system", "record_id", "text_kind", "content_hash", "model", "embedding"],
        dense_rows,
    )
    if batch.sparse is not None:
        # sparsevec indices: 0-based in the binary format (the adapter drops zero weights)
        sparse_rows = [
            (t.text_id, t.content_hash, model_name, SparseVector(w, SPARSE_DIM)) for t, w in zip(texts, batch.sparse)
        ]
        _copy_upsert(cur, "sparse_vectors", ["text_id", "content_hash", "model", "embedding"], sparse_rows)
    if batch.colbert is not None:
        colbert_rows = [
            (t.text_id, t.content_hash, model_name, len(v), v.astype(np.float16).tobytes())
            for t, v in zip(texts, batch.colbert)
        ]
        _copy_upsert(
            cur, "colbert_vectors", ["text_id", "content_hash", "model", "token_count", "vectors"], colbert_rows
        )


# Partial HNSW indexes that matching searches: the Odoo texts of one kind (a filter on the full index would
# throw most of the ef_search candidates away and lose recall).
NEIGHBOUR_INDEXES = {f"dense_vectors_odoo_{kind}_hnsw": ("odoo", kind) for kind in ("identity", "context")}


def drop_dense_index(cur) -> None:
    cur.execute(f"drop index if exists {SCHEMA}.dense_vectors_embedding_hnsw")
    for name in NEIGHBOUR_INDEXES:
        cur.execute(f"drop index if exists {SCHEMA}.{name}")


def ensure_indexes(cur) -> None:
    """HNSW after bulk loads (building it once beats maintaining it row by row), then fresh statistics."""
    cur.execute(f"""
        create index if not exists dense_vectors_embedding_hnsw
        on {SCHEMA}.dense_vectors using hnsw (embedding vector_cosine_ops)""")
    for name, (source_system, kind) in NEIGHBOUR_INDEXES.items():
        cur.execute(f"""
            create index if not exists {name} on {SCHEMA}.dense_vectors using hnsw (embedding vector_cosine_ops)
            where source_system = '{source_system}' and text_kind = '{kind}'""")
    cur.execute(f"create index if not exists dense_vectors_kind on {SCHEMA}.dense_vectors (text_kind, source_system)")
    cur.execute(f"analyze {SCHEMA}.dense_vectors")


def remote_summary(cur, since) -> dict:
    """What an embedding run on another worker did, read back from the shared warehouse: the model, its
    dimension and how many texts it (re)embedded since `since`."""
    cur.execute(f"select to_regclass('{SCHEMA}.dense_vectors') is not null")
    if not cur.fetchone()[0]:
        return {"model": None, "dim": None, "embedded": 0}
    cur.execute(f"select model, dim from {SCHEMA}.model")
    model, dim = cur.fetchone() or (None, None)
    cur.execute(f"select count(*) from {SCHEMA}.dense_vectors where embedded_at >= %s", (since,))
    return {"model": model, "dim": dim, "embedded": cur.fetchone()[0]}
