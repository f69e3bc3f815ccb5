"""The Milvus backend on a real standalone Milvus 2.3 server (started by the `stack` fixture):
several processes share it, each catching up from the seq Milvus records, and removal reaches it.

The fake embedder keeps these quick; the real model runs on the same server in the rest of the
integration suite (tests/integration/conftest.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rag.config import Settings
from rag.pipeline import Pipeline
from rag.records import CHUNK
from rag.vectorstore_milvus import MilvusVectors
from tests.conftest import make_settings

pytestmark = pytest.mark.integration

REMOVED = "000_5c1d37ac7b9ba84b.txt"
NEW_TEXT = "Đội tuyển bóng đá nữ thắng 3-0 trên sân Cẩm Phả tối qua, giành vé dự vòng chung kết."


def _env(settings: Settings) -> dict[str, str]:
    vs = settings.vector_store
    return {
        **os.environ,
        "RAG_PATHS__INDEX_DIR": str(settings.paths.index_dir),
        "RAG_EMBEDDING__MODE": "fake",
        "RAG_VECTOR_STORE__MODE": vs.mode,
        "RAG_VECTOR_STORE__URI": vs.uri,
        "RAG_VECTOR_STORE__COLLECTION": vs.collection,
    }


def _rag(settings: Settings, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "rag", *args], env=_env(settings), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_another_process_writes_reach_the_next_search(stack: dict[str, str], tmp_path: Path, corpus: Path) -> None:
    settings = make_settings(
        tmp_path,
        RAG_VECTOR_STORE__MODE="milvus",
        RAG_VECTOR_STORE__URI=stack["RAG_VECTOR_STORE__URI"],
        RAG_VECTOR_STORE__COLLECTION="test_processes",
    )
    pipeline = Pipeline(settings)
    pipeline.ingest([corpus])
    assert pipeline.search("Quảng Ninh dịch vụ công trực tuyến", 3, "dense")
    dense = pipeline.engine.dense()
    assert isinstance(dense, MilvusVectors) and len(dense.indexes[CHUNK]) == len(dense) > 0
    applied = dense.applied

    # Another process removes one article and adds one, then searches: its catch-up writes to Milvus.
    _rag(settings, "remove", REMOVED)
    extra = tmp_path / "more"
    extra.mkdir()
    (extra / "bong-da.txt").write_text(NEW_TEXT, encoding="utf-8")
    _rag(settings, "ingest", str(extra))
    assert "bong-da.txt" in _rag(settings, "search", NEW_TEXT, "--mode", "dense", "--k", "1")

    hits = pipeline.search(NEW_TEXT, 1, "dense")
    assert hits[0].chunk.source == "bong-da.txt"
    assert dense.applied == applied  # Milvus's own seq told this process the other had done the work
    client, name = dense._client, dense.indexes[CHUNK].name
    assert client.query(name, filter=f'source == "{REMOVED}"', output_fields=["id"], consistency_level="Strong") == []
    assert len(dense.indexes[CHUNK]) == pipeline.counts().embedded_chunks
