"""LangChain's default recipe, for comparison: RecursiveCharacterTextSplitter(1000, 200) over the
raw files and dense-only FAISS with the same embedding model. It answers through the same chain.

Used by `rag eval --retrieval baseline` (eval/runner.py) and by eval/bench_retrieval.py."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from embeddings.base import Embedder
from rag.records import ArticleRecord, ChunkRecord
from rag.retrieval import SearchHit
from rag.sentences import split_sentences


class BaselineSearch:
    def __init__(self, corpus: Path, embedder: Embedder, suffixes: tuple[str, ...] = (".txt", ".md")) -> None:
        import faiss
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200, add_start_index=True)
        self.articles: dict[str, ArticleRecord] = {}
        self.chunks: list[ChunkRecord] = []
        for path in sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() in suffixes):
            source = path.relative_to(corpus).as_posix()
            text = path.read_text(encoding="utf-8", errors="replace")
            docs = splitter.create_documents([text])
            for i, doc in enumerate(docs):
                start = int(doc.metadata["start_index"])
                end = start + len(doc.page_content)
                sentences = [[start + s.start, start + s.end] for s in split_sentences(doc.page_content)]
                self.chunks.append(ChunkRecord(f"{source}#{i}", source, i, start, end, doc.page_content, [], sentences))
            digest = hashlib.sha256(text.encode()).hexdigest()
            self.articles[source] = ArticleRecord(source, source, None, None, text, digest, len(docs))
        self._embedder = embedder
        vectors = embedder.embed_documents([c.text for c in self.chunks])
        self._index = faiss.IndexFlatIP(vectors.shape[1])
        self._index.add(np.ascontiguousarray(vectors, dtype=np.float32))

    def search(self, query: str, k: int = 5) -> list[SearchHit]:
        if not self.chunks:
            return []
        vector = self._embedder.embed_query(query).reshape(1, -1)
        scores, ids = self._index.search(vector, min(k, len(self.chunks)))
        hits = []
        for rank, (row, score) in enumerate(zip(ids[0], scores[0], strict=True), start=1):
            chunk = self.chunks[int(row)]
            hits.append(SearchHit(rank, float(score), chunk, self.articles[chunk.source]))
        return hits

    def evidence_count(self, gold_sources: list[str], must_include: list[str]) -> int:
        from eval.metrics import contains_all

        return sum(1 for c in self.chunks if c.source in gold_sources and contains_all(c.text, must_include))
