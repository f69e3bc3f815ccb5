"""Shared real-model fixtures: one fresh index of data/articles per test session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from rag.config import load_settings
from rag.pipeline import Pipeline
from tests.conftest import ARTICLES


@pytest.fixture(scope="session")
def real_pipeline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    """The real embedder and GGUF LLM over a fresh index in a temporary folder."""
    base = load_settings(None)
    index_dir = tmp_path_factory.mktemp("real-answer-index")
    settings = base.model_copy(update={"paths": base.paths.model_copy(update={"index_dir": index_dir})})
    pipeline = Pipeline(settings)
    pipeline.ingest([ARTICLES])
    yield pipeline
