"""Records the store holds and returns: plain frozen values, no I/O."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from embeddings.base import Vectors

FORMAT_VERSION = 4
# Bump when cleaning, chunking or tokenising changes, so stale indexes are rebuilt.
PIPELINE_VERSION = 4
# A sentence's vector id is its chunk id times this plus its position in the chunk.
SENTENCE_SLOTS = 1024
CHUNK, SENTENCE = 0, 1


@dataclass(frozen=True)
class ChunkRecord:
    chunk_id: str  # "<source>#<index>", shown to users
    source: str
    index: int
    start: int
    end: int
    text: str
    tokens: list[str]  # filled at ingest only; not read back
    sentences: list[list[int]]  # [start, end] of each sentence, offsets into the article
    row: int = -1  # the store's integer id (-1 before it is stored)


@dataclass(frozen=True)
class ArticleRecord:
    source: str
    title: str
    date: str | None
    author: str | None
    text: str  # "" in listings, which never read article text
    content_hash: str
    chunk_count: int


@dataclass(frozen=True)
class Manifest:
    embedding_model: str
    dimension: int
    chunk_size: int
    chunk_overlap: int
    # Manifests written before this field existed were all built with pooled sentence vectors.
    sentence_vectors: str = "pooled"
    pipeline_version: int = PIPELINE_VERSION
    format_version: int = FORMAT_VERSION
    updated: float = field(default_factory=time.time)

    def compatible_with(self, other: Manifest) -> list[str]:
        """Differences that make one index unusable under the other's settings."""
        keys = (
            "embedding_model",
            "dimension",
            "chunk_size",
            "chunk_overlap",
            "sentence_vectors",
            "pipeline_version",
            "format_version",
        )
        return [
            f"{k}: index={getattr(self, k)!r}, settings={getattr(other, k)!r}"
            for k in keys
            # A dimension of 0 is not known yet (nothing embedded, or the model not loaded).
            if getattr(self, k) != getattr(other, k)
            and not (k == "dimension" and 0 in (self.dimension, other.dimension))
        ]


@dataclass(frozen=True)
class NewArticle:
    """A cleaned, chunked and tokenised article ready to be written."""

    article: ArticleRecord
    chunks: list[ChunkRecord]
    ngrams: Counter[tuple[str, str]]
    metadata: list[tuple[bool, bool]]  # per chunk: holds the byline, holds the dateline


@dataclass(frozen=True)
class Counts:
    articles: int
    chunks: int
    embedded_chunks: int
    embedded_articles: int


@dataclass(frozen=True)
class VectorChanges:
    """What happened to the vectors after a sequence number: rows added and ids removed."""

    seq: int
    added: list[tuple[int, int, Vectors]]  # (id, kind, vector)
    removed: list[tuple[int, int]]  # (id, kind)


def vector_owner(vector_id: int, kind: int) -> int:
    """The chunk a vector belongs to."""
    return vector_id if kind == CHUNK else vector_id // SENTENCE_SLOTS


def sentence_id(chunk_row: int, position: int) -> int:
    if position >= SENTENCE_SLOTS:
        raise ValueError(f"a chunk holds at most {SENTENCE_SLOTS} sentences")
    return chunk_row * SENTENCE_SLOTS + position
