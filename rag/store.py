"""On-disk index: JSON + .npy in a versioned folder, switched by an atomic pointer.

Layout::

    index_dir/CURRENT          name of the live version folder (replaced atomically)
    index_dir/v-<id>/manifest.json, articles.json, chunks.jsonl, vectors.npy
    index_dir/.lock            held by writers

A crash in mid-write leaves CURRENT on the previous version, so the index stays
loadable. Nothing is pickled: numpy loads with allow_pickle=False.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from embeddings.base import Vectors
from rag.errors import IndexCorruptError, IndexMismatchError, IndexMissingError

FORMAT_VERSION = 1
# Bump when cleaning, chunking or tokenising changes, so stale indexes are rebuilt.
PIPELINE_VERSION = 2
REBUILD_HINT = "Chạy: rag ingest data/articles --rebuild"


@dataclass(frozen=True)
class ChunkRecord:
    chunk_id: str
    source: str
    index: int
    start: int
    end: int
    text: str
    tokens: list[str]
    sentences: list[list[int]]  # [start, end] of each sentence, offsets into the article


@dataclass(frozen=True)
class ArticleRecord:
    source: str
    title: str
    date: str | None
    author: str | None
    text: str
    content_hash: str
    chunk_count: int


@dataclass(frozen=True)
class Manifest:
    embedding_model: str
    dimension: int
    chunk_size: int
    chunk_overlap: int
    pipeline_version: int = PIPELINE_VERSION
    format_version: int = FORMAT_VERSION
    updated: float = field(default_factory=time.time)

    def compatible_with(self, other: Manifest) -> list[str]:
        """Differences that make one index unusable under the other's settings."""
        keys = ("embedding_model", "dimension", "chunk_size", "chunk_overlap", "pipeline_version", "format_version")
        return [
            f"{k}: index={getattr(self, k)!r}, settings={getattr(other, k)!r}"
            for k in keys
            if getattr(self, k) != getattr(other, k)
        ]


@dataclass
class IndexData:
    manifest: Manifest
    articles: dict[str, ArticleRecord]
    chunks: list[ChunkRecord]  # in article order, aligned with vectors rows
    vectors: Vectors
    sentence_vectors: Vectors  # one row per chunk sentence, chunk by chunk, in chunk order

    def sentence_rows(self) -> list[int]:
        """The chunk row of every sentence_vectors row."""
        return [row for row, c in enumerate(self.chunks) for _ in c.sentences]


def _fsync_write(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def save_index(index_dir: Path, data: IndexData) -> Path:
    """Write a new version folder, then atomically point CURRENT at it."""
    if len(data.chunks) != data.vectors.shape[0] or sum(len(c.sentences) for c in data.chunks) != len(
        data.sentence_vectors
    ):
        raise ValueError("chunks and vectors are not aligned")
    index_dir.mkdir(parents=True, exist_ok=True)
    version = f"v-{int(time.time() * 1000)}-{uuid.uuid4().hex[:8]}"
    tmp = index_dir / f".tmp-{version}"
    tmp.mkdir()
    try:
        _fsync_write(tmp / "manifest.json", json.dumps(asdict(data.manifest), indent=1).encode())
        articles = {s: asdict(a) for s, a in data.articles.items()}
        _fsync_write(tmp / "articles.json", json.dumps(articles, ensure_ascii=False).encode())
        lines = (json.dumps(asdict(c), ensure_ascii=False) for c in data.chunks)
        _fsync_write(tmp / "chunks.jsonl", ("\n".join(lines) + "\n").encode())
        for name, array in (("vectors.npy", data.vectors), ("sentence_vectors.npy", data.sentence_vectors)):
            with open(tmp / name, "wb") as fh:
                np.save(fh, np.ascontiguousarray(array, dtype=np.float32), allow_pickle=False)
                fh.flush()
                os.fsync(fh.fileno())
        final = index_dir / version
        os.rename(tmp, final)
        pointer = index_dir / f".CURRENT.{version}"
        _fsync_write(pointer, version.encode())
        os.replace(pointer, index_dir / "CURRENT")
        dir_fd = os.open(index_dir, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _prune(index_dir, keep=version)
    return final


def _prune(index_dir: Path, keep: str) -> None:
    """Remove old versions and leftovers of crashed writes, keeping the live one and its predecessor."""
    versions = sorted(p for p in index_dir.glob("v-*") if p.is_dir() and p.name != keep)
    for old in versions[:-1]:
        shutil.rmtree(old, ignore_errors=True)
    for leftover in index_dir.glob(".tmp-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def index_exists(index_dir: Path) -> bool:
    return (index_dir / "CURRENT").is_file()


def load_index(index_dir: Path) -> IndexData:
    """Load the live version; a missing or damaged index raises with the rebuild command."""
    pointer = index_dir / "CURRENT"
    if not pointer.is_file():
        raise IndexMissingError(f"Chưa có chỉ mục tại {index_dir}. Chạy: rag ingest data/articles")
    try:
        folder = index_dir / pointer.read_text(encoding="utf-8").strip()
        raw_manifest: dict[str, Any] = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        versions = (raw_manifest.get("format_version"), raw_manifest.get("pipeline_version"))
        if versions != (FORMAT_VERSION, PIPELINE_VERSION):
            raise IndexMismatchError(
                f"Chỉ mục tại {index_dir} được xây bằng phiên bản cũ (format/pipeline {versions}, "
                f"cần {(FORMAT_VERSION, PIPELINE_VERSION)}). {REBUILD_HINT}"
            )
        manifest = Manifest(**raw_manifest)
        raw_articles: dict[str, Any] = json.loads((folder / "articles.json").read_text(encoding="utf-8"))
        articles = {s: ArticleRecord(**a) for s, a in raw_articles.items()}
        with open(folder / "chunks.jsonl", encoding="utf-8") as fh:
            chunks = [ChunkRecord(**json.loads(line)) for line in fh if line.strip()]
        vectors = np.load(folder / "vectors.npy", allow_pickle=False)
        sentence_vectors = np.load(folder / "sentence_vectors.npy", allow_pickle=False)
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise IndexCorruptError(f"Chỉ mục tại {index_dir} bị hỏng ({exc}). {REBUILD_HINT}") from exc
    if vectors.ndim != 2 or vectors.shape[0] != len(chunks) or (len(chunks) and vectors.shape[1] != manifest.dimension):
        raise IndexCorruptError(f"Chỉ mục tại {index_dir} bị hỏng (vectors/chunks lệch nhau). {REBUILD_HINT}")
    if sum(a.chunk_count for a in articles.values()) != len(chunks) or sentence_vectors.shape != (
        sum(len(c.sentences) for c in chunks),
        vectors.shape[1],
    ):
        raise IndexCorruptError(f"Chỉ mục tại {index_dir} bị hỏng (số đoạn không khớp). {REBUILD_HINT}")
    return IndexData(
        manifest, articles, chunks, vectors.astype(np.float32, copy=False), sentence_vectors.astype(np.float32)
    )


def check_compatible(index: IndexData, expected: Manifest) -> None:
    diffs = index.manifest.compatible_with(expected)
    if diffs:
        raise IndexMismatchError("Chỉ mục được xây với cấu hình khác (" + "; ".join(diffs) + f"). {REBUILD_HINT}")


@contextmanager
def write_lock(index_dir: Path) -> Iterator[None]:
    """Serialise writers (CLI ingest, UI upload) on one index."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
