"""Shared real-model fixtures: one fresh index of data/articles per test session and stack.

Every integration test that takes `real_pipeline` runs twice: on the local stack (FAISS and the
in-process GGUF model, the default) and on servers (a standalone Milvus server for the vectors,
llama.cpp's OpenAI-compatible server for generation), both started here and stopped after.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from rag.config import load_settings
from rag.pipeline import Pipeline
from tests.conftest import ARTICLES
from tests.servers import llama_server, milvus_server

SERVED_LLM = "qwen-local"
# These start their own server against the local stack; a second run on servers would add nothing.
LOCAL_ONLY = {"test_openai_server.py", "test_openai_embeddings.py"}
SERVERS_ONLY = {"test_milvus_server.py"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    unwanted = {"local": SERVERS_ONLY, "servers": LOCAL_ONLY}
    keep, drop = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        stack = callspec.params.get("stack") if callspec else None
        (drop if stack and item.path.name in unwanted[stack] else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session", params=["local", "servers"])
def stack(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The settings (as RAG_* variables) that put vectors and generation on servers, or none."""
    if request.param == "local":
        yield {}
        return
    folder = tmp_path_factory.mktemp("servers")
    with (
        milvus_server(folder / "milvus", folder / "milvus.log") as milvus_uri,
        llama_server(load_settings(None), folder / "llm.log", SERVED_LLM) as llm_url,
    ):
        yield {
            "RAG_VECTOR_STORE__MODE": "milvus",
            "RAG_VECTOR_STORE__URI": milvus_uri,
            "RAG_LLM__MODE": "openai",
            "RAG_LLM__BASE_URL": llm_url,
            "RAG_LLM__MODEL": SERVED_LLM,
        }


@pytest.fixture(scope="session")
def real_pipeline(stack: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    """The real embedder and GGUF LLM over a fresh index in a temporary folder, on the session's stack."""
    base = load_settings(None, {**os.environ, **stack})
    index_dir = tmp_path_factory.mktemp("real-answer-index")
    settings = base.model_copy(update={"paths": base.paths.model_copy(update={"index_dir": index_dir})})
    pipeline = Pipeline(settings)
    pipeline.ingest([ARTICLES])
    yield pipeline
