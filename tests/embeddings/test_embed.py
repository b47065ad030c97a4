"""The embedding step against real pgvector: only changed texts, model switches, BGE-M3's three outputs."""

from __future__ import annotations

import pytest

from embeddings.models import BGEM3Embedder, MiniLMEmbedder, find_bge_m3, load_embedder
from embeddings.run import embed_changed
from revops import settings
from tests.conftest import execute, query, recreate_database
from tests.embeddings.tiny_bge_m3 import build

TEXTS = {
    "ace:O1:identity": "Wondera | wondera.io",
    "odoo:1:identity": "Wondera Inc. | wondera.io",
    "ace:O2:identity": "Amazon Web Services | aws.amazon.com",
    "odoo:2:identity": "AWS",
}


@pytest.fixture()
def wh(warehouse_server):
    parts = recreate_database(settings.warehouse().with_database("embed_test"))
    execute(parts, """
        create schema search;
        create table search.search_inputs (
            text_id text primary key, source_system text, record_id text, text_kind text,
            content text, content_hash text)""")
    for text_id, content in TEXTS.items():
        system, record, kind = text_id.split(":")
        execute(parts, "insert into search.search_inputs values (%s, %s, %s, %s, %s, md5(%s))",
                (text_id, system, record, kind, content, content))
    return parts


@pytest.fixture(scope="module")
def minilm():
    return MiniLMEmbedder()


@pytest.fixture(scope="module")
def tiny_bge_m3(tmp_path_factory):
    return BGEM3Embedder(build(tmp_path_factory.mktemp("bge-m3")))


def test_minilm_embeds_once_and_only_changed_texts(wh, minilm):
    first = embed_changed(minilm, parts=wh)
    assert (first.embedded, first.dim) == (4, 384)
    assert query(wh, "select count(*), min(vector_dims(embedding)) from embeddings.dense_vectors")[0] == (4, 384)
    assert embed_changed(minilm, parts=wh).embedded == 0

    execute(wh, "update search.search_inputs set content = 'AWS (Amazon)', content_hash = md5('AWS (Amazon)') "
                "where text_id = 'odoo:2:identity'")
    execute(wh, "delete from search.search_inputs where text_id = 'ace:O1:identity'")
    again = embed_changed(minilm, parts=wh)
    assert (again.embedded, again.deleted) == (1, 1)
    assert query(wh, "select count(*) from embeddings.dense_vectors")[0][0] == 3


def test_similar_names_are_closer_than_different_ones(wh, minilm):
    embed_changed(minilm, parts=wh)
    rows = dict(query(wh, """
        select b.text_id, 1 - (a.embedding <=> b.embedding)
        from embeddings.dense_vectors a cross join embeddings.dense_vectors b
        where a.text_id = 'ace:O1:identity' and b.text_id <> a.text_id"""))
    assert rows["odoo:1:identity"] > rows["ace:O2:identity"]
    plan = "\n".join(r[0] for r in query(wh, """
        explain select text_id from embeddings.dense_vectors
        order by embedding <=> (select embedding from embeddings.dense_vectors limit 1) limit 5"""))
    assert "dense_vectors_embedding_hnsw" in plan or "Seq Scan" in plan  # index exists; tiny tables may scan
    assert query(wh, "select count(*) from pg_indexes where indexname = 'dense_vectors_embedding_hnsw'")[0][0] == 1


def test_bge_m3_path_writes_dense_sparse_and_colbert(wh, tiny_bge_m3):
    result = embed_changed(tiny_bge_m3, parts=wh)
    assert result.dim == 32 and result.embedded == 4
    assert query(wh, "select count(*), min(vector_dims(embedding)) from embeddings.dense_vectors")[0] == (4, 32)
    # a row per text; lexical weights present (a random tiny head may zero out a whole text)
    assert query(wh, "select count(*) from embeddings.sparse_vectors")[0][0] == 4
    assert query(wh, "select count(*) from embeddings.sparse_vectors where -(embedding <#> embedding) > 0")[0][0] >= 2
    colbert = query(wh, "select count(*), min(token_count), min(length(vectors)) from embeddings.colbert_vectors")[0]
    assert colbert[0] == 4 and colbert[1] > 0 and colbert[2] == colbert[1] * 32 * 2  # float16


def test_switching_model_re_embeds_everything(wh, minilm, tiny_bge_m3):
    embed_changed(minilm, parts=wh)
    switched = embed_changed(tiny_bge_m3, parts=wh)
    assert switched.reset and switched.embedded == 4
    assert query(wh, "select distinct model from embeddings.dense_vectors") == [(tiny_bge_m3.name,)]
    assert query(wh, "select model, dim from embeddings.model") == [(tiny_bge_m3.name, 32)]


def test_model_selection(monkeypatch, tmp_path):
    monkeypatch.delenv("REVOPS_BGE_M3_PATH", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "empty-cache"))
    assert find_bge_m3() is None
    monkeypatch.setenv("REVOPS_EMBEDDING_MODEL", "bge-m3")
    with pytest.raises(FileNotFoundError, match="REVOPS_BGE_M3_PATH"):
        load_embedder()
    monkeypatch.setenv("REVOPS_BGE_M3_PATH", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="not a model folder"):
        load_embedder()
    incomplete = build(tmp_path / "no-heads")
    (incomplete / "sparse_linear.pt").unlink()
    with pytest.raises(FileNotFoundError, match="sparse_linear.pt"):
        BGEM3Embedder(incomplete)


def test_a_run_with_nothing_to_embed_loads_no_weights(wh, minilm):
    embed_changed(minilm, parts=wh)
    fresh = MiniLMEmbedder()  # name and dimension come from the model folder's config
    result = embed_changed(fresh, parts=wh)
    assert (result.embedded, result.dim, result.reset) == (0, 384, False)
    assert not fresh.loaded
    fresh.encode(["Wondera"])
    assert fresh.loaded
