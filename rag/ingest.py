"""Incremental ingestion: only new or changed files are cleaned, chunked and embedded."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from embeddings.base import Embedder
from rag.chunking import chunk_text
from rag.cleaning import clean_article
from rag.config import Settings
from rag.errors import IndexCorruptError, IndexMismatchError, LoadError, RagError
from rag.lexical import tokenize
from rag.loaders import LoadedFile, discover, load_file
from rag.store import (
    ArticleRecord,
    ChunkRecord,
    IndexData,
    Manifest,
    check_compatible,
    index_exists,
    load_index,
    save_index,
    write_lock,
)

# Called with (done, total, message) so a CLI bar or a UI progress widget can follow.
ProgressFn = Callable[[int, int, str], None]


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (source, reason)
    chunks_embedded: int = 0
    seconds: float = 0.0
    rebuilt_because: str | None = None  # set when --sync replaced a stale or damaged index

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.rebuilt_because)


def expected_manifest(settings: Settings, embedder: Embedder) -> Manifest:
    return Manifest(
        embedding_model=embedder.model_id,
        dimension=embedder.dimension,
        chunk_size=settings.chunking.size,
        chunk_overlap=settings.chunking.overlap,
    )


def metadata_note(author: str | None, date: str | None, text: str) -> str:
    """Names the byline or dateline a passage holds ("Tác giả bài viết: Văn Hiếu.").

    A bare "Văn Hiếu" says nothing to either index; the note lets "who wrote…" and
    "when was it published…" questions find it. Only what is indexed changes; the
    stored text and offsets stay exact.
    """
    extra = []
    if author and author in text:
        extra.append(f"Tác giả bài viết, người viết bài: {author}.")
    if date and f"{date[8:]}/{date[5:7]}" in text:
        extra.append(f"Ngày đăng bài, thời gian đăng: {date}.")
    return " ".join(extra)


def embedding_input(article: ArticleRecord, text: str) -> str:
    """What the dense model sees for a chunk or sentence: the text in its article's context."""
    return "\n".join(p for p in (article.title, text, metadata_note(article.author, article.date, text)) if p)


def _article_chunks(loaded: LoadedFile, settings: Settings) -> tuple[ArticleRecord, list[ChunkRecord]]:
    clean = clean_article(loaded.text, loaded.heading)
    if not clean.text.strip():
        raise LoadError(f"{loaded.source}: không còn nội dung sau khi làm sạch (no text after clean-up)")
    pieces = chunk_text(clean.text, size=settings.chunking.size, overlap=settings.chunking.overlap)
    chunks = [
        ChunkRecord(
            f"{loaded.source}#{c.index}",
            loaded.source,
            c.index,
            c.start,
            c.end,
            c.text,
            tokenize(f"{c.text} {metadata_note(clean.author, clean.date, c.text)}"),
            [[s.start, s.end] for s in c.sentences],
        )
        for c in pieces
    ]
    article = ArticleRecord(
        loaded.source, clean.title, clean.date, clean.author, clean.text, loaded.content_hash, len(chunks)
    )
    return article, chunks


def _empty(manifest: Manifest) -> IndexData:
    none = np.zeros((0, manifest.dimension), dtype=np.float32)
    return IndexData(manifest, {}, [], none, none)


def _current(index_dir: Path, manifest: Manifest, rebuild: bool, sync: bool, report: IngestReport) -> IndexData:
    """The index to update. With `sync` the given folders are the whole corpus, so an index
    that is stale (other settings or version) or damaged is rebuilt from them instead."""
    if rebuild or not index_exists(index_dir):
        return _empty(manifest)
    try:
        index = load_index(index_dir)
        check_compatible(index, manifest)
    except (IndexMismatchError, IndexCorruptError) as exc:
        if not sync:
            raise
        report.rebuilt_because = str(exc)
        return _empty(manifest)
    return index


def _assemble(
    base: IndexData,
    manifest: Manifest,
    drop: set[str],
    new: dict[str, tuple[ArticleRecord, list[ChunkRecord]]],
    new_vectors: np.ndarray,
    new_sentence_vectors: np.ndarray,
) -> IndexData:
    """Old chunks of untouched articles keep their vectors; replaced ones are dropped."""
    keep = [i for i, c in enumerate(base.chunks) if c.source not in drop and c.source not in new]
    kept_set = set(keep)
    keep_sentences = [n for n, row in enumerate(base.sentence_rows()) if row in kept_set]
    chunks = [base.chunks[i] for i in keep] + [c for _, cs in new.values() for c in cs]
    dim = manifest.dimension
    vectors = np.concatenate([base.vectors[keep].reshape(-1, dim), new_vectors.reshape(-1, dim)])
    sentence_vectors = np.concatenate(
        [base.sentence_vectors[keep_sentences].reshape(-1, dim), new_sentence_vectors.reshape(-1, dim)]
    )
    articles = {s: a for s, a in base.articles.items() if s not in drop and s not in new}
    articles.update({s: a for s, (a, _) in new.items()})
    return IndexData(manifest, articles, chunks, vectors.astype(np.float32), sentence_vectors.astype(np.float32))


def ingest(
    settings: Settings,
    embedder: Embedder,
    paths: Iterable[Path],
    *,
    rebuild: bool = False,
    sync: bool = False,
    progress: ProgressFn | None = None,
) -> IngestReport:
    """Add new and changed files to the index; `sync` also drops articles no longer found.

    A file that cannot be read is skipped with its reason; the rest still go in.
    The index on disk is replaced only once everything succeeded.
    """
    started = time.perf_counter()
    report = IngestReport()
    index_dir = settings.paths.index_dir
    files = discover(list(paths), settings.ingest.suffixes)
    manifest = expected_manifest(settings, embedder)
    with write_lock(index_dir):
        try:
            base = _current(index_dir, manifest, rebuild, sync, report)
        except IndexCorruptError as exc:
            raise RagError(f"{exc} (hoặc dùng --rebuild để xây lại)") from exc
        hashes = {a.content_hash: s for s, a in base.articles.items()}
        new: dict[str, tuple[ArticleRecord, list[ChunkRecord]]] = {}
        for n, (path, source) in enumerate(files):
            if progress:
                progress(n, len(files), f"Đọc {source}")
            try:
                loaded = load_file(
                    path, source, max_bytes=settings.ingest.max_file_bytes, suffixes=settings.ingest.suffixes
                )
                old = base.articles.get(source)
                if old and old.content_hash == loaded.content_hash:
                    report.unchanged.append(source)
                    continue
                twin = hashes.get(loaded.content_hash)
                if twin and twin != source:
                    raise LoadError(f"{source}: trùng nội dung với '{twin}' đã có (duplicate)")
                new[source] = _article_chunks(loaded, settings)
                hashes[loaded.content_hash] = source
                (report.updated if old else report.added).append(source)
            except LoadError as exc:
                report.skipped.append((source, str(exc)))
        seen = {source for _, source in files}
        drop = {s for s in base.articles if s not in seen} if sync else set()
        report.removed = sorted(drop)

        texts = [embedding_input(a, c.text) for a, cs in new.values() for c in cs]
        sentences = [embedding_input(a, a.text[s:e]) for a, cs in new.values() for c in cs for s, e in c.sentences]
        if progress:
            progress(len(files), len(files), f"Nhúng {len(texts)} đoạn, {len(sentences)} câu")
        show = progress is not None and bool(texts)
        # One call for chunks and sentences, so the model batches them together.
        both = embedder.embed_documents(texts + sentences, progress=show)
        vectors, sentence_vectors = both[: len(texts)], both[len(texts) :]
        report.chunks_embedded = len(texts)
        if report.changed or rebuild or not index_exists(index_dir):
            save_index(index_dir, _assemble(base, manifest, drop, new, vectors, sentence_vectors))
    report.seconds = time.perf_counter() - started
    return report


def remove(settings: Settings, source: str) -> int:
    """Delete one article's chunks; returns how many were removed. Needs no model."""
    index_dir = settings.paths.index_dir
    with write_lock(index_dir):
        base = load_index(index_dir)
        if source not in base.articles:
            known = ", ".join(sorted(base.articles)) or "(trống)"
            raise RagError(f"Không có bài '{source}' trong chỉ mục. Các bài hiện có: {known}")
        empty = np.zeros((0, base.manifest.dimension), dtype=np.float32)
        save_index(index_dir, _assemble(base, base.manifest, {source}, {}, empty, empty))
    return base.articles[source].chunk_count
