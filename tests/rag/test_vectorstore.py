"""FAISS indexes keyed by store ids: add/remove by id, exact then IVF, checkpoints, catch-up."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from embeddings.fake import FakeEmbedder
from rag.config import VectorStoreSettings
from rag.ingest import ingest, remove
from rag.records import CHUNK
from rag.store import DocStore
from rag.vectorstore import DenseVectors, FaissIndex
from tests.conftest import make_settings


def unit(rows: int, dim: int = 16, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=(rows, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_add_search_remove_by_id() -> None:
    index = FaissIndex(16, VectorStoreSettings())
    vectors = unit(5)
    index.add([10, 20, 30, 40, 50], vectors)
    assert index.search(vectors[2], 1)[0][0] == 30
    index.remove([30])
    assert len(index) == 4 and 30 not in [i for i, _ in index.search(vectors[2], 5)]
    index.add([20], vectors[0:1])  # re-adding an id replaces it
    assert len(index) == 4 and index.search(vectors[0], 2)[1][0] in (10, 20)


def test_switches_to_ivf_past_the_threshold_and_keeps_ids(tmp_path: Path) -> None:
    cfg = VectorStoreSettings(approximate_above=500, nprobe=8)
    index = FaissIndex(16, cfg)
    vectors = unit(2000, seed=1)
    ids = np.arange(1000, 3000)
    index.add(list(ids), vectors)
    assert index.maybe_approximate() and index.approximate
    hits = [index.search(vectors[i], 1)[0][0] for i in range(0, 2000, 97)]
    assert hits == [int(ids[i]) for i in range(0, 2000, 97)]  # a vector finds itself
    index.remove([1000])
    assert len(index) == 1999
    index.write(tmp_path / "ivf.faiss")
    again = FaissIndex.read(tmp_path / "ivf.faiss", 16, cfg)
    assert again.approximate and len(again) == 1999


def test_read_refuses_a_file_of_another_dimension(tmp_path: Path) -> None:
    index = FaissIndex(16, VectorStoreSettings())
    index.add([1], unit(1))
    index.write(tmp_path / "x.faiss")
    with pytest.raises(ValueError, match="dimension"):
        FaissIndex.read(tmp_path / "x.faiss", 32, VectorStoreSettings())


def test_a_reader_catches_up_with_another_writer(tmp_path: Path, corpus: Path) -> None:
    settings = make_settings(tmp_path)
    emb = FakeEmbedder(settings.embedding.dimension)
    ingest(settings, emb, [corpus])
    reader = DocStore(settings.paths.index_dir)
    try:
        dense = DenseVectors(reader, settings.embedding.dimension, settings.vector_store)
        before = len(dense)
        assert before == reader.counts().chunks
        removed = remove(settings, "000_5c1d37ac7b9ba84b.txt")  # another connection writes
        assert dense.catch_up() > 0 and len(dense) == before - removed
        extra = tmp_path / "more"
        extra.mkdir()
        (extra / "the-thao.txt").write_text("Đội tuyển thắng 2-0 trên sân Mỹ Đình tối qua.", encoding="utf-8")
        ingest(settings, emb, [extra])
        dense.catch_up()
        assert len(dense) == before - removed + 1
        assert dense.checkpoint(force=True)
        fresh = DenseVectors(reader, settings.embedding.dimension, settings.vector_store)
        q = emb.embed_query("Đội tuyển thắng trên sân Mỹ Đình")
        assert fresh.search(CHUNK, q, 1) == dense.search(CHUNK, q, 1)
    finally:
        reader.close()
