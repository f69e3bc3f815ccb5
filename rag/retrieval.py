"""Hybrid retrieval: dense (FAISS or Milvus) and BM25 (SQLite FTS5), fused by normalised scores or ranks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from embeddings.base import Embedder, Vectors
from rag.config import RetrievalSettings, Settings
from rag.errors import QueryError
from rag.language import DiacriticRestorer, Language, detect_language, metadata_intent
from rag.lexical import LexicalIndex, tokenize
from rag.records import CHUNK, SENTENCE, SENTENCE_SLOTS, ArticleRecord, ChunkRecord
from rag.store import DocStore
from rag.syllables import SyllableModel
from rag.text import has_diacritics, normalize

if TYPE_CHECKING:
    from rag.vectorstore import DenseBackend

Mode = Literal["hybrid", "dense", "bm25"]


@dataclass(frozen=True)
class SearchHit:
    rank: int
    score: float
    chunk: ChunkRecord
    article: ArticleRecord

    def to_json(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "source": self.chunk.source,
            "chunk_id": self.chunk.chunk_id,
            "score": round(self.score, 6),
            "title": self.article.title,
            "date": self.article.date,
            "start": self.chunk.start,
            "end": self.chunk.end,
            "text": self.chunk.text,
        }


def validate_query(query: str, max_chars: int) -> str:
    """The normalised query, or a QueryError saying what is wrong with it."""
    if not query or not query.strip():
        raise QueryError("Câu hỏi trống. Hãy nhập nội dung cần tìm (empty question).")
    if len(query) > max_chars:
        raise QueryError(f"Câu hỏi quá dài ({len(query)} ký tự, tối đa {max_chars}). Hãy rút gọn (question too long).")
    return normalize(query.strip())


def fuse(rankings: Sequence[tuple[Sequence[int], float]], rrf_k: int) -> list[tuple[int, float]]:
    """Weighted reciprocal-rank fusion of several ranked id lists, best first."""
    scores: dict[int, float] = {}
    for ids, weight in rankings:
        for rank, row in enumerate(ids):
            scores[row] = scores.get(row, 0.0) + weight / (rrf_k + rank + 1)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


def fuse_scores(rankings: Sequence[tuple[Sequence[tuple[int, float]], float]]) -> list[tuple[int, float]]:
    """Convex combination of min-max normalised scores, best first.

    Unlike rank fusion it keeps each retriever's confidence: a BM25 hit far ahead of the
    rest (a rare term matched) outweighs dense scores that barely differ. A row missing
    from one list gets that list's minimum (0 after normalisation).
    See Bruch et al., "An Analysis of Fusion Functions for Hybrid Retrieval" (TOIS 2023).
    """
    scores: dict[int, float] = {}
    for scored, weight in rankings:
        if not scored or weight == 0:
            continue
        values = [s for _, s in scored]
        low, span = min(values), max(values) - min(values)
        for row, s in scored:
            normalised = (s - low) / span if span > 0 else 1.0
            scores[row] = scores.get(row, 0.0) + weight * normalised
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


class SearchEngine:
    """Ranked searches over the store: every query reads only its candidates' rows.

    BM25 covers every stored chunk; dense scores exist for the chunks embedded so far, so an
    article is found by its words as soon as it is stored and by meaning once embedded.
    """

    def __init__(self, settings: Settings, store: DocStore, embedder: Embedder) -> None:
        self._cfg: RetrievalSettings = settings.retrieval
        self._vector_cfg = settings.vector_store
        self._max_chars = settings.query.max_chars
        self.store = store
        self._dense: DenseBackend | None = None
        self._embedder = embedder
        self._restorer: DiacriticRestorer | None = None
        self._cache_dir = settings.models_dir.parent
        self._prepared = lru_cache(maxsize=256)(self._prepare)
        self._lexical = LexicalIndex(
            store, common_share=self._cfg.bm25_common_share, candidates=self._cfg.bm25_candidates
        )

    @property
    def restorer(self) -> DiacriticRestorer:
        if self._restorer is None:
            self._restorer = DiacriticRestorer(SyllableModel.open(self._cache_dir), self.store.ngram)
        return self._restorer

    def prepare(self, query: str) -> tuple[str, Language]:
        """The query as the retrievers should see it, and its language.

        One answer asks for it three times (search, sentence scores, the answer's checks); the
        Viterbi restoration is the costly part, so recent queries are kept, per store state
        (new articles bring new n-grams).
        """
        return self._prepared(query, self.store.seq())

    def _prepare(self, query: str, _seq: int) -> tuple[str, Language]:
        language = detect_language(query)
        if language == "vi" and self._cfg.restore_diacritics and not has_diacritics(query):
            query = self.restorer.restore(query)
        return query, language

    def dense_ranking(self, query: str, n: int) -> list[tuple[int, float]]:
        """Chunks by a blend of whole-chunk and best-sentence similarity.

        A chunk mixes several facts, which blurs its vector; its single best
        sentence often matches a precise question much better.
        """
        dense = self.dense()
        if dense is None or not len(dense):
            return []
        q = self._embedder.embed_query(query)
        rows = {i for i, _ in dense.search(CHUNK, q, n)}
        rows |= {j // SENTENCE_SLOTS for j, _ in dense.search(SENTENCE, q, 3 * n)}
        chunk_vectors = self.store.vectors_of(sorted(rows))
        sentence_vectors = self.store.sentence_vectors(sorted(rows))
        w = self._cfg.sentence_weight
        scored = []
        for row, vector in chunk_vectors.items():
            chunk_sim = float(vector @ q)
            sentences = sentence_vectors.get(row)
            best = float((sentences @ q).max()) if sentences is not None else chunk_sim
            scored.append((row, (1 - w) * chunk_sim + w * best))
        scored.sort(key=lambda item: (-item[1], item[0]))
        return scored[:n]

    def dense(self) -> DenseBackend | None:
        """The dense indexes (FAISS or Milvus), caught up with the store; None until the first vectors exist."""
        if self._dense is None:
            manifest = self.store.manifest()
            if manifest is None or not manifest.dimension:
                return None
            from rag.vectorstore import open_dense

            self._dense = open_dense(self.store, manifest.dimension, self._vector_cfg)
        self._dense.catch_up()
        self._dense.checkpoint()  # only once enough changed since the last one: loads replay less
        return self._dense

    def bm25_ranking(self, query: str, n: int) -> list[tuple[int, float]]:
        return self._lexical.search(tokenize(query), n)

    def search(self, query: str, k: int | None = None, mode: Mode | None = None) -> list[SearchHit]:
        query, language = self.prepare(validate_query(query, self._max_chars))
        k = k or self._cfg.k
        mode = mode or self._cfg.mode
        n = max(self._cfg.candidates, k)
        if mode == "dense":
            ranked = self.dense_ranking(query, k)
        elif mode == "bm25":
            ranked = self.bm25_ranking(query, k)
        else:
            bm25_weight = self._cfg.english_bm25_weight if language == "en" else self._cfg.bm25_weight
            # The query embedding (torch) and BM25 (SQLite) both release the GIL: run them side by side.
            with ThreadPoolExecutor(max_workers=1) as pool:
                dense = pool.submit(self.dense_ranking, query, n)
                lexical = self.bm25_ranking(query, n) if bm25_weight else []
                scored = [(dense.result(), self._cfg.dense_weight), (lexical, bm25_weight)]
            if self._cfg.fusion == "convex":
                ranked = fuse_scores(scored)
            else:
                ranked = fuse([([i for i, _ in rows], w) for rows, w in scored], self._cfg.rrf_k)
        intent = metadata_intent(query)
        chunks = self.store.chunks_by_rows([row for row, _ in ranked[: 2 * k]])
        if intent:
            sources = {row: chunks[row].source for row, _ in ranked[: 2 * k] if row in chunks}
            ranked = promote(ranked[: 2 * k], self.store.metadata_rows(sources.values(), intent), sources)
            chunks.update(self.store.chunks_by_rows([row for row, _ in ranked[:k] if row not in chunks]))
        top = [(row, score) for row, score in ranked if row in chunks][:k]
        articles = self.store.articles_by_source(chunks[row].source for row, _ in top)
        return [
            SearchHit(rank, score, chunks[row], articles[chunks[row].source])
            for rank, (row, score) in enumerate(top, start=1)
            if chunks[row].source in articles
        ]

    def sentence_vectors(self, hits: Sequence[SearchHit]) -> dict[str, Vectors]:
        """Per hit chunk id, its sentence vectors (chunks not embedded yet have none)."""
        by_row = self.store.sentence_vectors([h.chunk.row for h in hits])
        return {h.chunk.chunk_id: by_row[h.chunk.row] for h in hits if h.chunk.row in by_row}


def promote(
    ranked: list[tuple[int, float]], rows: Mapping[str, int], sources: Mapping[int, str]
) -> list[tuple[int, float]]:
    """Put each article's byline/dateline chunk where that article first ranks.

    "Who wrote the article about X?" is found by X, but answered by the chunk with the
    byline, which shares no words with X.
    """
    out: list[tuple[int, float]] = []
    placed: set[int] = set()
    for row, score in ranked:
        special = rows.get(sources[row]) if row in sources else None
        if special is not None and special not in placed:
            out.append((special, score))
            placed.add(special)
        if row not in placed:
            out.append((row, score))
            placed.add(row)
    return out


def hit_to_document(hit: SearchHit) -> Document:
    meta = hit.to_json()
    meta.pop("text")
    return Document(page_content=hit.chunk.text, metadata=meta, id=hit.chunk.chunk_id)


class HybridRetriever(BaseRetriever):
    """LangChain face of SearchEngine, so chains compose it like any retriever."""

    engine: Any
    k: int = 5
    mode: Mode | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [hit_to_document(h) for h in self.engine.search(query, self.k, self.mode)]
