"""The composition root: the only place that wires settings to components.

The CLI, the Gradio page and the eval runner all go through `Pipeline`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from embeddings.base import Embedder, Vectors
from rag.config import Settings
from rag.ingest import EmbedScope, IngestReport, ProgressFn, embed_pending, expected_manifest, ingest, remove
from rag.llm_gate import LLMGate
from rag.records import ArticleRecord, Counts
from rag.retrieval import HybridRetriever, Mode, SearchEngine, SearchHit, validate_query
from rag.store import DocStore

if TYPE_CHECKING:
    from rag.answer import Answer, AnswerChain, AnswerMode, Event
    from rag.history import Turn
    from rag.llm import LLM


class _QueryCache:
    """The embedder, remembering the last few query vectors: the answer chain scores evidence
    sentences with the vector retrieval computed, instead of embedding the question twice."""

    def __init__(self, embedder: Embedder, size: int = 8) -> None:
        self._embedder = embedder
        self._size = size
        self._vectors: OrderedDict[str, Vectors] = OrderedDict()

    @property
    def model_id(self) -> str:
        return self._embedder.model_id

    @property
    def dimension(self) -> int:
        return self._embedder.dimension

    def embed_documents(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        return self._embedder.embed_documents(texts, progress=progress)

    def embed_query(self, text: str) -> Vectors:
        if text in self._vectors:
            self._vectors.move_to_end(text)
        else:
            self._vectors[text] = self._embedder.embed_query(text)
            if len(self._vectors) > self._size:
                self._vectors.popitem(last=False)
        return self._vectors[text]


class Pipeline:
    """Lazily builds the embedder and the loaded index; reloads after writes."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None, llm: LLM | None = None) -> None:
        self.settings = settings
        self._embedder = embedder
        self._engine: SearchEngine | None = None
        self._llm = llm
        self._answer_chain: AnswerChain | None = None
        self._queries: _QueryCache | None = None
        # An in-process model writes one answer at a time; a server takes `max_concurrent`.
        self.llm_gate = LLMGate(settings.llm.max_concurrent if settings.llm.mode == "openai" else 1)

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            from embeddings.factory import build_embedder

            self._embedder = build_embedder(self.settings)
        return self._embedder

    @property
    def queries(self) -> _QueryCache:
        """The embedder as retrieval and evidence scoring use it (query vectors cached)."""
        if self._queries is None:
            self._queries = _QueryCache(self.embedder)
        return self._queries

    @property
    def engine(self) -> SearchEngine:
        """The search engine over the store; the embedder loads only if the index holds vectors."""
        if self._engine is None:
            store = DocStore(self.settings.paths.index_dir)
            try:
                manifest = store.manifest()
                dimension = manifest.dimension if manifest else 0
                store.check_compatible(expected_manifest(self.settings, self.embedder, dimension=dimension))
            except BaseException:
                store.close()
                raise
            self._engine = SearchEngine(self.settings, store, self.queries)
        return self._engine

    def _reset(self) -> None:
        if self._engine is not None:
            self._engine.store.close()
            self._engine = None

    def ingest(
        self,
        paths: Iterable[Path],
        *,
        rebuild: bool = False,
        sync: bool = False,
        embed: EmbedScope = "all",
        progress: ProgressFn | None = None,
        embed_progress: ProgressFn | None = None,
    ) -> IngestReport:
        """Store new and changed files (BM25-searchable at once), then embed what `embed` says."""
        report = ingest(
            self.settings,
            self.embedder,
            paths,
            rebuild=rebuild,
            sync=sync,
            embed=embed,
            progress=progress,
            embed_progress=embed_progress,
        )
        if rebuild or report.rebuilt_because:
            self._reset()  # the store file was replaced; later changes are picked up by catch-up
        return report

    def embed_pending(self, progress: ProgressFn | None = None, stop: threading.Event | None = None) -> int:
        """Embed the chunks still waiting for vectors (resumable; a batch per transaction)."""
        store = DocStore(self.settings.paths.index_dir)
        try:
            pooled = self.settings.embedding.sentence_vectors == "pooled"
            return embed_pending(store, self.embedder, self.settings.ingest.embed_batch, progress, stop, pooled=pooled)
        finally:
            store.close()

    def remove(self, source: str) -> int:
        return remove(self.settings, source)

    def counts(self) -> Counts:
        """Articles searchable (BM25) and fully embedded."""
        return self.engine.store.counts()

    def search(self, query: str, k: int | None = None, mode: Mode | None = None) -> list[SearchHit]:
        validate_query(query, self.settings.query.max_chars)  # before any model or index loads
        return self.engine.search(query, k, mode)

    def articles(self, limit: int | None = None) -> list[ArticleRecord]:
        """Articles without their text: all by source, or the `limit` most recently added."""
        return self.engine.store.article_list(limit)

    def has_article(self, source: str) -> bool:
        return self.engine.store.has_article(source)

    def source_of_hash(self, content_hash: str) -> str | None:
        """The article holding exactly this content, if any."""
        return self.engine.store.source_of_hash(content_hash)

    def articles_by_source(self, sources: Iterable[str]) -> dict[str, ArticleRecord]:
        return self.engine.store.articles_by_source(sources)

    def article_texts(self, sources: Iterable[str]) -> dict[str, str]:
        """The cleaned text of the named articles only."""
        return {s: a.text for s, a in self.engine.store.articles_by_source(sources).items()}

    @property
    def llm(self) -> LLM:
        """The configured LLM backend; the model itself loads on its first generation."""
        if self._llm is None:
            from rag.llm import build_llm

            self._llm = build_llm(self.settings)
        return self._llm

    @property
    def answer_chain(self) -> AnswerChain:
        if self._answer_chain is None:
            from rag.answer import AnswerChain

            self._answer_chain = AnswerChain(
                self.settings,
                lambda q: self.search(q),
                lambda: self.llm,
                self._sentence_scores,
                lambda q: self.engine.prepare(q)[0],
                gate=self.llm_gate,
            )
        return self._answer_chain

    def _sentence_scores(self, query: str, hits: list[SearchHit]) -> dict[tuple[str, int], float]:
        from rag.evidence import dense_sentence_scores

        engine = self.engine
        prepared, _ = engine.prepare(query)  # the text retrieval embedded: its vector is cached
        return dense_sentence_scores(self.queries.embed_query(prepared), hits, engine.sentence_vectors(hits))

    def ask_stream(
        self, question: str, history: Sequence[Turn] = (), mode: AnswerMode | None = None
    ) -> Iterator[Event]:
        """Tokens as the model writes them (`Token`), then the verified answer (`Done`)."""
        return self.answer_chain.stream(question, history, mode)

    def ask(self, question: str, history: Sequence[Turn] = (), mode: AnswerMode | None = None) -> Answer:
        """A cited, verified answer (or a refusal) to `question`, given earlier turns."""
        return self.answer_chain.invoke(question, history, mode)

    def retriever(self, k: int | None = None, mode: Mode | None = None) -> HybridRetriever:
        return HybridRetriever(engine=self.engine, k=k or self.settings.retrieval.k, mode=mode)


def build_pipeline(settings: Settings) -> Pipeline:
    return Pipeline(settings)
