"""Ingestion in two stages: searchable at once (BM25), complete later (vectors).

Stage 1 cleans, chunks and tokenises each new or changed file and writes it to the store
in batches of articles, one transaction each: the article is BM25-searchable as soon as its
batch commits. Stage 2 embeds the chunks still waiting for vectors, a batch per
transaction, and resumes where it stopped after a crash or a restart.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from embeddings.base import Embedder, SpanEmbedder, Vectors
from rag.chunking import Chunk, chunk_text
from rag.cleaning import clean_article
from rag.config import Settings
from rag.errors import IndexCorruptError, IndexMismatchError, LoadError, RagError
from rag.language import ngram_counts
from rag.lexical import tokenize
from rag.loaders import LoadedFile, discover, load_file
from rag.records import CHUNK, SENTENCE, ArticleRecord, ChunkRecord, Manifest, NewArticle, sentence_id
from rag.store import DB_NAME, DocStore, write_lock

# Called with (done, total, message) so a CLI bar or a UI progress widget can follow.
ProgressFn = Callable[[int, int, str], None]
EmbedScope = Literal["all", "new", "none"]


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (source, reason)
    chunks_indexed: int = 0  # written and BM25-searchable
    chunks_embedded: int = 0
    pending: int = 0  # chunks still waiting for vectors when ingest returned
    seconds: float = 0.0
    searchable_seconds: float = 0.0  # when the last new article became BM25-searchable
    rebuilt_because: str | None = None  # set when --sync replaced a stale or damaged index

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.rebuilt_because)


def expected_manifest(settings: Settings, embedder: Embedder, *, dimension: int = 0) -> Manifest:
    """The manifest these settings build; `dimension` 0 when the embedder is not loaded yet."""
    return Manifest(
        embedding_model=embedder.model_id,
        dimension=dimension,
        chunk_size=settings.chunking.size,
        chunk_overlap=settings.chunking.overlap,
        sentence_vectors=settings.embedding.sentence_vectors,
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


def embed_chunks(
    embedder: Embedder, items: Sequence[tuple[ChunkRecord, ArticleRecord]], *, pooled: bool = True
) -> tuple[Vectors, list[Vectors]]:
    """Vectors of each chunk and of each of its sentences.

    `pooled` with an embedder that can pool spans reads the sentence vectors off the chunk's
    own forward pass (half the tokens); otherwise each sentence is embedded with its title.
    """
    texts = [embedding_input(a, c.text) for c, a in items]
    if pooled and isinstance(embedder, SpanEmbedder):
        spans = []
        for c, a in items:
            base = len(a.title) + 1 if a.title else 0
            spans.append([(base + max(s, c.start) - c.start, base + min(e, c.end) - c.start) for s, e in c.sentences])
        return embedder.embed_with_spans(texts, spans)
    # A sentence in the overlap of two chunks is embedded once (a fifth of the sentences).
    unique: dict[tuple[str, int, int], int] = {}
    for c, _ in items:
        for s, e in c.sentences:
            unique.setdefault((c.source, s, e), len(unique))
    articles = {c.source: a for c, a in items}
    sentences = [embedding_input(articles[source], articles[source].text[s:e]) for source, s, e in unique]
    # One call for chunks and sentences, so the model batches them together.
    both = embedder.embed_documents(texts + sentences)
    rows = [[len(texts) + unique[(c.source, s, e)] for s, e in c.sentences] for c, _ in items]
    return both[: len(texts)], [both[r] for r in rows]


def prepare_article(loaded: LoadedFile, settings: Settings) -> NewArticle:
    """Clean, chunk and tokenise one file: everything stage 1 writes, computed without the store."""
    clean = clean_article(loaded.text, loaded.heading)
    if not clean.text.strip():
        raise LoadError(f"{loaded.source}: không còn nội dung sau khi làm sạch (no text after clean-up)")
    pieces = chunk_text(clean.text, size=settings.chunking.size, overlap=settings.chunking.overlap)
    segmented: dict[tuple[int, int], list[str]] = {}

    def tokens(piece: Chunk) -> list[str]:
        """Each sentence is segmented once, though overlapping chunks share it (a fifth of the text)."""
        out: list[str] = []
        for span in piece.sentences:
            key = (span.start, span.end)
            if key not in segmented:
                segmented[key] = tokenize(clean.text[span.start : span.end])
            out.extend(segmented[key])
        note = metadata_note(clean.author, clean.date, piece.text)
        return out + tokenize(note) if note else out

    chunks = [
        ChunkRecord(
            f"{loaded.source}#{c.index}",
            loaded.source,
            c.index,
            c.start,
            c.end,
            c.text,
            tokens(c),
            [[s.start, s.end] for s in c.sentences],
        )
        for c in pieces
    ]
    date_marks = (f"{clean.date[8:]}/{clean.date[5:7]}/{clean.date[:4]}",) if clean.date else ()
    author = clean.author or ""
    metadata = [(bool(author) and author in c.text, any(m in c.text for m in date_marks)) for c in chunks]
    article = ArticleRecord(
        loaded.source, clean.title, clean.date, clean.author, clean.text, loaded.content_hash, len(chunks)
    )
    return NewArticle(article, chunks, ngram_counts(clean.text), metadata)


def _wipe(index_dir: Path) -> None:
    """Remove an index (this format or an older one) before a rebuild."""
    for name in (DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm", "CURRENT"):
        (index_dir / name).unlink(missing_ok=True)
    for folder in [index_dir / "dense", *index_dir.glob("v-*"), *index_dir.glob(".tmp-*")]:
        shutil.rmtree(folder, ignore_errors=True)


def open_store(index_dir: Path, manifest: Manifest, *, rebuild: bool, sync: bool, report: IngestReport) -> DocStore:
    """The store to write into. With `sync` the given folders are the whole corpus, so an index
    that is stale (other settings, an older version) or damaged is rebuilt from them instead."""
    if rebuild:
        _wipe(index_dir)
    try:
        store = DocStore(index_dir, create=True)
        current = store.manifest()
        diffs = current.compatible_with(manifest) if current else []
        if diffs:
            store.close()
            raise IndexMismatchError("Chỉ mục được xây với cấu hình khác (" + "; ".join(diffs) + ").")
    except (IndexMismatchError, IndexCorruptError) as exc:
        if not sync:
            raise RagError(f"{exc} Dùng --rebuild (hoặc --sync) để xây lại.") from exc
        report.rebuilt_because = str(exc)
        _wipe(index_dir)
        store, current = DocStore(index_dir, create=True), None
    if current is None:
        store.set_manifest(manifest)
    return store


# (source, outcome, payload): outcome "new" carries the prepared article, "skipped" the reason.
Prepared = tuple[str, str, NewArticle | str | None]
# Below this many files, worker processes cost more to start than they save.
_POOL_MIN_FILES = 64


def _prepare_file(job: tuple[Path, str, str | None, Settings]) -> Prepared:
    """Read and prepare one file unless its content is what the store already holds."""
    path, source, known_hash, settings = job
    try:
        loaded = load_file(path, source, max_bytes=settings.ingest.max_file_bytes, suffixes=settings.ingest.suffixes)
        if loaded.content_hash == known_hash:
            return source, "unchanged", loaded.content_hash
        return source, "new", prepare_article(loaded, settings)
    except LoadError as exc:
        return source, "skipped", str(exc)


def _prepared(jobs: list[tuple[Path, str, str | None, Settings]], workers: int) -> Iterator[Prepared]:
    """Prepared files in order; word segmentation (pyvi, pure Python CRF features) holds the GIL,
    so several processes are the only way to use more than one core. The pool's pickled messages
    are our own objects between our own processes; nothing read from disk is ever unpickled."""
    if workers <= 1 or len(jobs) < _POOL_MIN_FILES:
        yield from map(_prepare_file, jobs)
        return
    import multiprocessing

    # spawn, not fork: the page calls ingest from a threaded server, and forking threads can deadlock.
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        yield from pool.imap(_prepare_file, jobs, chunksize=16)


def ingest(
    settings: Settings,
    embedder: Embedder,
    paths: Iterable[Path],
    *,
    rebuild: bool = False,
    sync: bool = False,
    embed: EmbedScope = "all",
    progress: ProgressFn | None = None,
    embed_progress: ProgressFn | None = None,
) -> IngestReport:
    """Add new and changed files; `sync` also drops articles no longer found.

    A file that cannot be read is skipped with its reason; the rest still go in. Then
    `embed` says which chunks get their vectors before returning: "all" that wait (so an
    interrupted run finishes here), "new" only those of the files just added or changed
    (an upload on a page whose backlog is embedded in the background), or "none".
    """
    started = time.perf_counter()
    report = IngestReport()
    index_dir = settings.paths.index_dir
    files = discover(list(paths), settings.ingest.suffixes)
    with write_lock(index_dir):
        store = open_store(index_dir, expected_manifest(settings, embedder), rebuild=rebuild, sync=sync, report=report)
        try:
            _stage_one(store, settings, files, report, progress)
            seen = {source for _, source in files}
            if sync:
                report.removed = sorted(s for s in store.hashes() if s not in seen)
                for source in report.removed:
                    store.remove_article(source)
            report.searchable_seconds = time.perf_counter() - started
            if report.chunks_indexed > 1000:
                store.checkpoint_wal()
        finally:
            if embed == "none":
                report.pending = store.pending_count()
                store.close()
    if embed != "none":
        only = [*report.added, *report.updated] if embed == "new" else None
        try:
            report.chunks_embedded = embed_pending(
                store,
                embedder,
                settings.ingest.embed_batch,
                embed_progress,
                sources=only,
                pooled=settings.embedding.sentence_vectors == "pooled",
            )
            report.pending = store.pending_count()
        finally:
            store.close()
    report.seconds = time.perf_counter() - started
    return report


def _stage_one(
    store: DocStore,
    settings: Settings,
    files: Sequence[tuple[Path, str]],
    report: IngestReport,
    progress: ProgressFn | None,
) -> None:
    # Looked up per file (indexed), not read for the whole archive: adding one article stays cheap.
    current = {source: store.hash_of(source) for _, source in files}
    owners: dict[str, str] = {}
    batch: list[NewArticle] = []

    def flush() -> None:
        store.put_articles(batch)
        report.chunks_indexed += sum(len(b.chunks) for b in batch)
        batch.clear()

    jobs = [(path, source, current.get(source), settings) for path, source in files]
    for n, (source, outcome, payload) in enumerate(_prepared(jobs, settings.ingest.workers), start=1):
        if progress and (n % 20 == 0 or n == len(files)):
            progress(n, len(files), source)
        if outcome == "unchanged":
            report.unchanged.append(source)
            continue
        if not isinstance(payload, NewArticle):
            report.skipped.append((source, str(payload)))
            continue
        twin = owners.get(payload.article.content_hash) or store.source_of_hash(payload.article.content_hash)
        if twin and twin != source:
            report.skipped.append((source, f"{source}: trùng nội dung với '{twin}' đã có (duplicate)"))
            continue
        owners[payload.article.content_hash] = source
        batch.append(payload)
        (report.updated if current.get(source) else report.added).append(source)
        if len(batch) >= settings.ingest.batch_articles:
            flush()
    if batch:
        flush()
    if progress:
        progress(len(files), len(files), "BM25 xong")


def embed_pending(
    store: DocStore,
    embedder: Embedder,
    batch_size: int,
    progress: ProgressFn | None = None,
    stop: threading.Event | None = None,
    sources: Sequence[str] | None = None,
    pooled: bool = True,
) -> int:
    """Embed chunks (and their sentences) still without vectors, of `sources` or of every article;
    returns how many were stored.

    Each batch is one transaction, so an interruption loses at most the batch in flight.
    """
    if sources is not None and not sources:
        return 0
    total = store.pending_count(sources)
    if not total:
        return 0
    manifest = store.manifest()
    if manifest is not None and manifest.dimension == 0:
        store.set_manifest(replace(manifest, dimension=embedder.dimension))
    done = 0
    if progress:
        progress(0, total, "Nhúng vector")
    while stop is None or not stop.is_set():
        items = store.pending(batch_size, sources)
        if not items:
            break
        chunk_vectors, sentence_vectors = embed_chunks(embedder, items, pooled=pooled)
        vectors = [(c.row, CHUNK, chunk_vectors[i]) for i, (c, _) in enumerate(items)]
        for (c, _), own in zip(items, sentence_vectors, strict=True):
            vectors.extend((sentence_id(c.row, position), SENTENCE, v) for position, v in enumerate(own))
        done += store.put_vectors([c.row for c, _ in items], vectors)
        if progress:
            progress(min(done, total), total, f"{sum(len(c.sentences) for c, _ in items)} câu")
    return done


def remove(settings: Settings, source: str) -> int:
    """Delete one article's rows; returns how many chunks it had. Needs no model."""
    store = DocStore(settings.paths.index_dir)
    try:
        count = store.remove_article(source)
        if not count and source not in store.hashes():
            sample = [a.source for a in store.article_list()[:20]]
            raise RagError(
                f"Không có bài '{source}' trong chỉ mục. Ví dụ các bài hiện có: {', '.join(sample) or '(trống)'}"
            )
    finally:
        store.close()
    return count
