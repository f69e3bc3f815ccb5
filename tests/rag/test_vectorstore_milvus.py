"""The Milvus dense backend on a real Milvus Lite file (no mocks): the same ranking as FAISS,
kept in step with the store, a restart that replays only new changes, and a collection that is
missing or of another store rebuilt from the store."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from embeddings.fake import FakeEmbedder
from rag.config import ConfigError, Settings
from rag.ingest import ingest, remove
from rag.records import CHUNK, SENTENCE
from rag.store import DocStore
from rag.vectorstore import DenseVectors, open_dense
from rag.vectorstore_milvus import MilvusUnavailableError, MilvusVectors, connect
from tests.conftest import make_settings
from tests.servers import free_port, stop

pytest.importorskip("pymilvus")  # the [milvus] extra; make setup installs it


def milvus_settings(tmp: Path, **env: str) -> Settings:
    return make_settings(tmp, RAG_VECTOR_STORE__MODE="milvus", RAG_VECTOR_STORE__URI=str(tmp / "milvus.db"), **env)


@pytest.fixture
def indexed(tmp_path: Path, corpus: Path) -> Iterator[tuple[Settings, DocStore]]:
    settings = milvus_settings(tmp_path)
    ingest(settings, FakeEmbedder(settings.embedding.dimension), [corpus])
    store = DocStore(settings.paths.index_dir)
    yield settings, store
    store.close()


def _by_score(hits: list[tuple[int, float]], above: float) -> list[tuple[float, int]]:
    return sorted((round(-s, 4), i) for i, s in hits if s > above)


def test_milvus_ranks_as_faiss_does(indexed: tuple[Settings, DocStore]) -> None:
    settings, store = indexed
    dim = settings.embedding.dimension
    milvus = open_dense(store, dim, settings.vector_store)
    faiss = DenseVectors(store, dim, settings.vector_store)
    assert isinstance(milvus, MilvusVectors)
    assert len(milvus) == len(faiss) == store.counts().embedded_chunks > 0
    emb = FakeEmbedder(dim)
    for question in ("Bộ Ngoại giao kê khai tài sản", "Quảng Ninh dịch vụ công trực tuyến", "thanh tra Quảng Trị"):
        q = emb.embed_query(question)
        for kind, k in ((CHUNK, 5), (SENTENCE, 15)):
            got, want = milvus.search(kind, q, k), faiss.search(kind, q, k)
            assert np.allclose([s for _, s in got], [s for _, s in want], atol=1e-5)
            # Repeated sentences (a byline, a title) tie; ties may come in either order.
            last = want[-1][1] + 1e-5
            assert _by_score(got, last) == _by_score(want, last)


def test_removal_and_addition_reach_milvus_and_a_restart_replays_only_them(
    indexed: tuple[Settings, DocStore], tmp_path: Path
) -> None:
    settings, store = indexed
    dim, emb = settings.embedding.dimension, FakeEmbedder(settings.embedding.dimension)
    dense = MilvusVectors(store, dim, settings.vector_store)
    before = len(dense.indexes[CHUNK])
    first = dense.applied
    assert before == store.counts().embedded_chunks and first > before  # chunks and their sentences
    dense.close()

    removed = remove(settings, "000_5c1d37ac7b9ba84b.txt")
    extra = tmp_path / "more"
    extra.mkdir()
    (extra / "the-thao.txt").write_text("Đội tuyển thắng 2-0 trên sân Mỹ Đình tối qua.", encoding="utf-8")
    ingest(settings, emb, [extra])

    again = MilvusVectors(store, dim, settings.vector_store)  # a restart
    assert len(again.indexes[CHUNK]) == before - removed + 1
    assert 0 < again.applied < first  # the removed vectors and the new article's, not everything
    hit = again.search(CHUNK, emb.embed_query("Đội tuyển thắng 2-0 trên sân Mỹ Đình tối qua."), 1)
    sources = again._client.query(again.indexes[CHUNK].name, ids=[hit[0][0]], output_fields=["source"])
    assert sources[0]["source"] == "the-thao.txt"
    gone = again._client.query(
        again.indexes[SENTENCE].name, filter='source == "000_5c1d37ac7b9ba84b.txt"', output_fields=["id"]
    )
    assert gone == []
    assert again.catch_up() == 0 and again.seqs == {CHUNK: store.seq(), SENTENCE: store.seq()}
    again.close()


def test_a_missing_collection_is_rebuilt_from_the_store(
    indexed: tuple[Settings, DocStore], capsys: pytest.CaptureFixture[str]
) -> None:
    settings, store = indexed
    dim = settings.embedding.dimension
    dense = MilvusVectors(store, dim, settings.vector_store)
    count, q = len(dense), FakeEmbedder(dim).embed_query("Quảng Ninh")
    expected = dense.search(CHUNK, q, 5)
    dense._client.drop_collection(dense.indexes[SENTENCE].name)
    dense.close()
    capsys.readouterr()
    rebuilt = MilvusVectors(store, dim, settings.vector_store)
    assert "thiếu" in capsys.readouterr().out
    assert len(rebuilt.indexes[CHUNK]) == count and rebuilt.search(CHUNK, q, 5) == expected
    assert len(rebuilt.indexes[SENTENCE]) > count
    rebuilt.close()


def test_collections_of_another_store_are_rebuilt(tmp_path: Path, corpus: Path) -> None:
    """Two indexes sharing one Milvus file and prefix: the second does not read the first's vectors."""
    uri = str(tmp_path / "shared.db")
    one = make_settings(tmp_path / "one", RAG_VECTOR_STORE__MODE="milvus", RAG_VECTOR_STORE__URI=uri)
    two = make_settings(tmp_path / "two", RAG_VECTOR_STORE__MODE="milvus", RAG_VECTOR_STORE__URI=uri)
    emb = FakeEmbedder(one.embedding.dimension)
    ingest(one, emb, [corpus])
    small = tmp_path / "small"
    small.mkdir()
    (small / "a.txt").write_text("Giá xăng RON 95 giảm 1.200 đồng mỗi lít từ chiều nay.", encoding="utf-8")
    ingest(two, emb, [small])
    stores = [DocStore(one.paths.index_dir), DocStore(two.paths.index_dir)]
    try:
        first = MilvusVectors(stores[0], emb.dimension, one.vector_store)
        assert len(first.indexes[CHUNK]) == stores[0].counts().embedded_chunks
        second = MilvusVectors(stores[1], emb.dimension, two.vector_store)
        assert len(second.indexes[CHUNK]) == 1
        assert second.search(CHUNK, emb.embed_query("giá xăng"), 5)[0][0] in stores[1].vectors_of([1, 2, 3])
    finally:
        for s in stores:
            s.close()


def test_a_uri_that_is_neither_a_server_nor_a_lite_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"http://máy:19530.*\.db"):
        make_settings(tmp_path, RAG_VECTOR_STORE__MODE="milvus", RAG_VECTOR_STORE__URI="localhost:19530")


def test_an_unreachable_server_is_a_clear_message(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path,
        RAG_VECTOR_STORE__MODE="milvus",
        RAG_VECTOR_STORE__URI=f"http://127.0.0.1:{free_port()}",
        RAG_VECTOR_STORE__TIMEOUT_S="2",
    )
    with pytest.raises(MilvusUnavailableError, match="Không kết nối được máy chủ Milvus") as err:
        connect(settings.vector_store, tmp_path)
    assert "milvus-server --data" in str(err.value) and "cannot reach Milvus" in str(err.value)


def test_rows_lost_on_the_milvus_side_are_rebuilt(indexed: tuple[Settings, DocStore]) -> None:
    settings, store = indexed
    dense = MilvusVectors(store, settings.embedding.dimension, settings.vector_store)
    count = len(dense)
    dense._client.delete(dense.indexes[CHUNK].name, ids=[i for i, _ in dense.indexes[CHUNK].search(unit_query(), 3)])
    assert len(dense.indexes[CHUNK]) == count - 3
    dense.close()
    again = MilvusVectors(store, settings.embedding.dimension, settings.vector_store)
    assert len(again.indexes[CHUNK]) == count
    again.close()


def unit_query(dim: int = 256) -> np.ndarray:
    v = np.ones(dim, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_a_lite_file_held_by_another_process_is_a_clear_message(tmp_path: Path) -> None:
    uri = tmp_path / "held.db"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(uri)], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        settings = make_settings(tmp_path, RAG_VECTOR_STORE__MODE="milvus", RAG_VECTOR_STORE__URI=str(uri))
        with pytest.raises(MilvusUnavailableError, match="một tiến trình khác"):
            connect(settings.vector_store, tmp_path)
    finally:
        stop(holder, grace_s=5)
        if holder.stdout is not None:
            holder.stdout.close()


HOLD = """
import sys, time
from pymilvus import MilvusClient
MilvusClient(uri=sys.argv[1]).list_collections()
print("holding", flush=True)
time.sleep(60)
"""
