"""The composition root: the only place that wires settings to components.

The CLI, the Gradio page and the eval runner all go through `Pipeline`.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from embeddings.base import Embedder, Vectors
from rag.config import Settings
from rag.ingest import IngestReport, ProgressFn, expected_manifest, ingest, remove
from rag.retrieval import HybridRetriever, Mode, SearchEngine, SearchHit, validate_query
from rag.store import ArticleRecord, check_compatible, load_index

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
        if self._engine is None:
            index = load_index(self.settings.paths.index_dir)
            check_compatible(index, expected_manifest(self.settings, self.embedder))
            self._engine = SearchEngine(self.settings, index, self.queries)
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
            )
        return self._answer_chain

    def _sentence_scores(self, query: str, hits: list[SearchHit]) -> dict[tuple[str, int], float]:
        from rag.evidence import dense_sentence_scores

        engine = self.engine
        prepared, _ = engine.prepare(query)  # the text retrieval embedded: its vector is cached
        return dense_sentence_scores(self.queries.embed_query(prepared), hits, engine.index)

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
