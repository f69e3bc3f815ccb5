"""Hybrid retrieval: dense (FAISS) and BM25, fused by weighted reciprocal rank."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from embeddings.base import Embedder
from rag.config import RetrievalSettings, Settings
from rag.errors import QueryError
from rag.language import DiacriticRestorer, Language, MetadataIntent, detect_language, metadata_intent
from rag.lexical import BM25Index, tokenize
from rag.store import ArticleRecord, ChunkRecord, IndexData
from rag.text import has_diacritics, normalize
from rag.vectorstore import build_dense_index

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
    """Holds the loaded index in memory and answers ranked searches."""

    def __init__(self, settings: Settings, index: IndexData, embedder: Embedder) -> None:
        self._cfg: RetrievalSettings = settings.retrieval
        self._max_chars = settings.query.max_chars
        self.index = index
        self._embedder = embedder
        self._dense = build_dense_index(settings, index.vectors)
        self._sentence_dense = build_dense_index(settings, index.sentence_vectors)
        self._sentence_rows = index.sentence_rows()
        counts = np.array([len(c.sentences) for c in index.chunks], dtype=np.int64)
        self._sentence_end = np.cumsum(counts)
        self._sentence_start = self._sentence_end - counts
        self._bm25 = BM25Index([c.tokens for c in index.chunks])
        self._restorer = DiacriticRestorer(a.text for a in index.articles.values())
        self._metadata_rows = _metadata_rows(index)

    def prepare(self, query: str) -> tuple[str, Language]:
        """The query as the retrievers should see it, and its language."""
        language = detect_language(query)
        if language == "vi" and self._cfg.restore_diacritics and not has_diacritics(query):
            query = self._restorer.restore(query)
        return query, language

    def dense_ranking(self, query: str, n: int) -> list[tuple[int, float]]:
        """Chunks by a blend of whole-chunk and best-sentence similarity.

        A chunk mixes several facts, which blurs its vector; its single best
        sentence often matches a precise question much better.
        """
        q = self._embedder.embed_query(query)
        rows = {i for i, _ in self._dense.search(q, n)}
        rows |= {self._sentence_rows[j] for j, _ in self._sentence_dense.search(q, 3 * n)}
        w = self._cfg.sentence_weight
        scored = []
        for row in rows:
            chunk_sim = float(self.index.vectors[row] @ q)
            sentences = self.index.sentence_vectors[self._sentence_start[row] : self._sentence_end[row]]
            best = float((sentences @ q).max()) if len(sentences) else chunk_sim
            scored.append((row, (1 - w) * chunk_sim + w * best))
        scored.sort(key=lambda item: (-item[1], item[0]))
        return scored[:n]

    def bm25_ranking(self, query: str, n: int) -> list[tuple[int, float]]:
        return self._bm25.search(tokenize(query), n)

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
            scored = [
                (self.dense_ranking(query, n), self._cfg.dense_weight),
                (self.bm25_ranking(query, n), bm25_weight),
            ]
            if self._cfg.fusion == "convex":
                ranked = fuse_scores(scored)
            else:
                ranked = fuse([([i for i, _ in rows], w) for rows, w in scored], self._cfg.rrf_k)
        intent = metadata_intent(query)
        if intent:
            ranked = promote(ranked, self._metadata_rows[intent], [c.source for c in self.index.chunks])
        hits = []
        for rank, (row, score) in enumerate(ranked[:k], start=1):
            chunk = self.index.chunks[row]
            hits.append(SearchHit(rank, score, chunk, self.index.articles[chunk.source]))
        return hits


def _metadata_rows(index: IndexData) -> dict[MetadataIntent, dict[str, int]]:
    """Per article, the chunk holding its byline and the one holding its dateline."""
    rows: dict[MetadataIntent, dict[str, int]] = {"author": {}, "date": {}}
    for row, chunk in enumerate(index.chunks):
        article = index.articles[chunk.source]
        if article.author and article.author in chunk.text:
            rows["author"][chunk.source] = row  # the last one: bylines close an article
        if article.date and chunk.source not in rows["date"]:
            day, month, year = article.date[8:], article.date[5:7], article.date[:4]
            if f"{day}/{month}/{year}" in chunk.text:
                rows["date"][chunk.source] = row
    return rows


def promote(ranked: list[tuple[int, float]], rows: dict[str, int], sources: list[str]) -> list[tuple[int, float]]:
    """Put each article's byline/dateline chunk where that article first ranks.

    "Who wrote the article about X?" is found by X, but answered by the chunk with the
    byline, which shares no words with X.
    """
    out: list[tuple[int, float]] = []
    placed: set[int] = set()
    for row, score in ranked:
        special = rows.get(sources[row])
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
