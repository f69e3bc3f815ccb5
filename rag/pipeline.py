"""The composition root: the only place that wires settings to components.

The CLI, the Gradio page and the eval runner all go through `Pipeline`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from embeddings.base import Embedder
from rag.config import Settings
from rag.ingest import IngestReport, ProgressFn, expected_manifest, ingest, remove
from rag.retrieval import HybridRetriever, Mode, SearchEngine, SearchHit, validate_query
from rag.store import ArticleRecord, check_compatible, load_index


class Pipeline:
    """Lazily builds the embedder and the loaded index; reloads after writes."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self._embedder = embedder
        self._engine: SearchEngine | None = None

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            from embeddings.factory import build_embedder

            self._embedder = build_embedder(self.settings)
        return self._embedder

    @property
    def engine(self) -> SearchEngine:
        if self._engine is None:
            index = load_index(self.settings.paths.index_dir)
            check_compatible(index, expected_manifest(self.settings, self.embedder))
            self._engine = SearchEngine(self.settings, index, self.embedder)
        return self._engine

    def ingest(
        self, paths: Iterable[Path], *, rebuild: bool = False, sync: bool = False, progress: ProgressFn | None = None
    ) -> IngestReport:
        report = ingest(self.settings, self.embedder, paths, rebuild=rebuild, sync=sync, progress=progress)
        if report.changed or rebuild:
            self._engine = None
        return report

    def remove(self, source: str) -> int:
        count = remove(self.settings, source)
        self._engine = None
        return count

    def search(self, query: str, k: int | None = None, mode: Mode | None = None) -> list[SearchHit]:
        validate_query(query, self.settings.query.max_chars)  # before any model or index loads
        return self.engine.search(query, k, mode)

    def articles(self) -> list[ArticleRecord]:
        return sorted(self.engine.index.articles.values(), key=lambda a: a.source)

    def retriever(self, k: int | None = None, mode: Mode | None = None) -> HybridRetriever:
        return HybridRetriever(engine=self.engine, k=k or self.settings.retrieval.k, mode=mode)


def build_pipeline(settings: Settings) -> Pipeline:
    return Pipeline(settings)
