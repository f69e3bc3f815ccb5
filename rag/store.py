"""The document store: articles, chunks, BM25 postings, vectors and ingest state in one SQLite file.

Every row is keyed by a stable id (an article by its source, a chunk by an integer that is
never reused), and adding, changing or removing an article touches only that article's rows,
in one transaction. SQLite in WAL mode gives crash safety (kill -9 leaves the last committed
state) and lets the page read while an ingest writes. Nothing is pickled: vectors are raw
float32 blobs.

Layout::

    index_dir/rag.sqlite3      this store (the source of truth)
    index_dir/dense/           FAISS checkpoints derived from the vectors table (rag/vectorstore.py)
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from embeddings.base import Vectors
from rag.errors import IndexCorruptError, IndexMismatchError, IndexMissingError
from rag.lexical import fts_terms
from rag.records import (
    FORMAT_VERSION,
    PIPELINE_VERSION,
    SENTENCE_SLOTS,
    ArticleRecord,
    ChunkRecord,
    Counts,
    Manifest,
    NewArticle,
    VectorChanges,
    vector_owner,
)

REBUILD_HINT = "Chạy: rag ingest data/articles --rebuild"
DB_NAME = "rag.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles(
    source TEXT PRIMARY KEY, title TEXT NOT NULL, date TEXT, author TEXT, text TEXT NOT NULL,
    content_hash TEXT NOT NULL, chunk_count INTEGER NOT NULL, added REAL NOT NULL);
CREATE INDEX IF NOT EXISTS articles_hash ON articles(content_hash);
CREATE TABLE IF NOT EXISTS chunks(
    id INTEGER PRIMARY KEY AUTOINCREMENT, source TEXT NOT NULL, idx INTEGER NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, sentences TEXT NOT NULL,
    has_author INTEGER NOT NULL, has_date INTEGER NOT NULL, embedded INTEGER NOT NULL DEFAULT 0,
    tokens TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_source ON chunks(source, idx);
CREATE INDEX IF NOT EXISTS chunks_pending ON chunks(id) WHERE embedded = 0;
CREATE VIRTUAL TABLE IF NOT EXISTS chunk_fts USING fts5(
    tokens, content='chunks', content_rowid='id', tokenize="unicode61 remove_diacritics 0 tokenchars '_'");
CREATE TABLE IF NOT EXISTS terms(term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS vectors(
    id INTEGER PRIMARY KEY, kind INTEGER NOT NULL, seq INTEGER NOT NULL, vector BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS vectors_seq ON vectors(seq);
CREATE TABLE IF NOT EXISTS tombstones(id INTEGER NOT NULL, kind INTEGER NOT NULL, seq INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS tombstones_seq ON tombstones(seq);
CREATE TABLE IF NOT EXISTS ngrams(folded TEXT NOT NULL, form TEXT NOT NULL, count INTEGER NOT NULL,
    PRIMARY KEY(folded, form)) WITHOUT ROWID;
"""


def index_exists(index_dir: Path) -> bool:
    return (index_dir / DB_NAME).is_file()


def _legacy(index_dir: Path) -> bool:
    return (index_dir / "CURRENT").is_file() and not index_exists(index_dir)


def _blob(vector: Vectors) -> bytes:
    return np.ascontiguousarray(vector, dtype=np.float32).tobytes()


class DocStore:
    """One SQLite connection per store object, shared by threads under a lock."""

    def __init__(self, index_dir: Path, *, create: bool = False) -> None:
        self.index_dir = index_dir
        path = index_dir / DB_NAME
        if _legacy(index_dir):
            raise IndexMismatchError(
                f"Chỉ mục tại {index_dir} được xây bằng phiên bản cũ (thư mục CURRENT, trước cơ sở dữ liệu SQLite). "
                f"{REBUILD_HINT}"
            )
        if not path.is_file() and not create:
            raise IndexMissingError(f"Chưa có chỉ mục tại {index_dir}. Chạy: rag ingest data/articles")
        index_dir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        try:
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=60)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            # Upserts land all over the n-gram and FTS B-trees; the default 2 MB page cache thrashes.
            self._db.execute("PRAGMA cache_size=-262144")
            self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise IndexCorruptError(f"Chỉ mục tại {index_dir} bị hỏng ({exc}). {REBUILD_HINT}") from exc

    def checkpoint_wal(self) -> None:
        """Fold the write-ahead log into the database after a bulk write, so the next small
        write (an upload) does not pay for copying it; readers keep going (PASSIVE)."""
        self._rows("PRAGMA wal_checkpoint(PASSIVE)")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write; IMMEDIATE so two writers queue instead of failing mid-way."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        with self._lock:
            try:
                return self._db.execute(sql, params).fetchall()
            except sqlite3.DatabaseError as exc:
                raise IndexCorruptError(f"Chỉ mục tại {self.index_dir} bị hỏng ({exc}). {REBUILD_HINT}") from exc

    # -- manifest and state
    def manifest(self) -> Manifest | None:
        rows = self._rows("SELECT value FROM meta WHERE key = 'manifest'")
        if not rows:
            return None
        raw: dict[str, Any] = json.loads(rows[0][0])
        versions = (raw.get("format_version"), raw.get("pipeline_version"))
        if versions != (FORMAT_VERSION, PIPELINE_VERSION):
            raise IndexMismatchError(
                f"Chỉ mục tại {self.index_dir} được xây bằng phiên bản cũ (format/pipeline {versions}, "
                f"cần {(FORMAT_VERSION, PIPELINE_VERSION)}). {REBUILD_HINT}"
            )
        return Manifest(**raw)

    def set_manifest(self, manifest: Manifest) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES('manifest', ?)", (json.dumps(asdict(manifest)),))

    def check_compatible(self, expected: Manifest) -> None:
        current = self.manifest()
        if current is None:
            raise IndexMissingError(f"Chưa có chỉ mục tại {self.index_dir}. Chạy: rag ingest data/articles")
        diffs = current.compatible_with(expected)
        if diffs:
            raise IndexMismatchError("Chỉ mục được xây với cấu hình khác (" + "; ".join(diffs) + f"). {REBUILD_HINT}")

    def seq(self) -> int:
        """Grows with every change to the vectors; readers catch up from the one they saw."""
        rows = self._rows("SELECT value FROM meta WHERE key = 'seq'")
        return int(rows[0][0]) if rows else 0

    @staticmethod
    def _count(db: sqlite3.Connection, *, chunks: int, tokens: int) -> None:
        """Running totals BM25 needs (chunks, and tokens for the mean length), kept in the same transaction."""
        for key, delta in (("chunks", chunks), ("tokens", tokens)):
            db.execute(
                "INSERT INTO meta VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + ?",
                (key, str(delta), delta),
            )

    def lexical_stats(self) -> tuple[int, float]:
        """(chunks, mean tokens per chunk)."""
        values = dict(self._rows("SELECT key, value FROM meta WHERE key IN ('chunks', 'tokens')"))
        chunks, tokens = int(values.get("chunks", 0)), int(values.get("tokens", 0))
        return chunks, (tokens / chunks if chunks else 0.0)

    def document_frequencies(self, terms: Sequence[str]) -> dict[str, int]:
        """How many chunks hold each term.

        Kept in a table of its own: FTS5's fts5vocab counts a term's documents by reading its
        whole posting list, which for a syllable in every chunk is the archive-sized cost avoided here.
        """
        if not terms:
            return {}
        rows = self._rows(f"SELECT term, df FROM terms WHERE term IN ({','.join('?' * len(terms))})", terms)
        return {str(t): int(d) for t, d in rows}

    def match(self, terms: Sequence[str], limit: int) -> list[int]:
        """Chunk rows holding any of the terms, best FTS5 BM25 first."""
        if not terms:
            return []
        query = " OR ".join(f'"{t}"' for t in terms)
        return [
            int(r)
            for (r,) in self._rows(
                "SELECT rowid FROM chunk_fts WHERE chunk_fts MATCH ? ORDER BY rank LIMIT ?", (query, limit)
            )
        ]

    def terms_of(self, rows: Sequence[int]) -> dict[int, list[str]]:
        if not rows:
            return {}
        found = self._rows(f"SELECT id, tokens FROM chunks WHERE id IN ({','.join('?' * len(rows))})", list(rows))
        return {int(r): str(t).split() for r, t in found}

    @staticmethod
    def _next_seq(db: sqlite3.Connection) -> int:
        db.execute(
            "INSERT INTO meta VALUES('seq', '1') ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )
        return int(db.execute("SELECT value FROM meta WHERE key = 'seq'").fetchone()[0])

    def counts(self) -> Counts:
        (articles,) = self._rows("SELECT COUNT(*) FROM articles")[0]
        chunks, embedded = self._rows("SELECT COUNT(*), COALESCE(SUM(embedded), 0) FROM chunks")[0]
        (waiting,) = self._rows("SELECT COUNT(DISTINCT source) FROM chunks WHERE embedded = 0")[0]
        return Counts(int(articles), int(chunks), int(embedded), int(articles) - int(waiting))

    # -- writes
    def source_of_hash(self, content_hash: str) -> str | None:
        rows = self._rows("SELECT source FROM articles WHERE content_hash = ?", (content_hash,))
        return str(rows[0][0]) if rows else None

    def hash_of(self, source: str) -> str | None:
        rows = self._rows("SELECT content_hash FROM articles WHERE source = ?", (source,))
        return str(rows[0][0]) if rows else None

    def hashes(self) -> dict[str, str]:
        """Source -> content hash of every article (ingest's "what changed" check)."""
        return {str(s): str(h) for s, h in self._rows("SELECT source, content_hash FROM articles")}

    def put_articles(self, items: Sequence[NewArticle]) -> None:
        """Add or replace articles (their old rows go first), in one transaction."""
        with self.transaction() as db:
            seq = self._next_seq(db)
            ngrams: Counter[tuple[str, str]] = Counter()
            frequencies: Counter[str] = Counter()
            for item in items:
                a = item.article
                self._delete(db, a.source, seq)
                db.execute(
                    "INSERT INTO articles VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
                    (a.source, a.title, a.date, a.author, a.text, a.content_hash, a.chunk_count, time.time()),
                )
                for chunk, (has_author, has_date) in zip(item.chunks, item.metadata, strict=True):
                    terms = fts_terms(chunk.tokens)
                    cur = db.execute(
                        'INSERT INTO chunks(source, idx, start, "end", sentences, has_author, has_date, tokens) '
                        "VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            a.source,
                            chunk.index,
                            chunk.start,
                            chunk.end,
                            json.dumps(chunk.sentences),
                            has_author,
                            has_date,
                            " ".join(terms),
                        ),
                    )
                    db.execute("INSERT INTO chunk_fts(rowid, tokens) VALUES(?, ?)", (cur.lastrowid, " ".join(terms)))
                    self._count(db, chunks=1, tokens=len(terms))
                    frequencies.update(set(terms))
                ngrams.update(item.ngrams)
            # Summed over the batch first: a batch shares most of its words, so far fewer upserts.
            db.executemany(
                "INSERT INTO ngrams VALUES(?, ?, ?) "
                "ON CONFLICT(folded, form) DO UPDATE SET count = count + excluded.count",
                [(k, f, c) for (k, f), c in ngrams.items()],
            )
            db.executemany(
                "INSERT INTO terms VALUES(?, ?) ON CONFLICT(term) DO UPDATE SET df = df + excluded.df",
                list(frequencies.items()),
            )

    def remove_article(self, source: str) -> int:
        """Delete one article's rows; returns how many chunks it had (0: unknown source)."""
        with self.transaction() as db:
            count = self._delete(db, source, self._next_seq(db))
        return count

    def _delete(self, db: sqlite3.Connection, source: str, seq: int) -> int:
        row = db.execute("SELECT text FROM articles WHERE source = ?", (source,)).fetchone()
        if row is None:
            return 0
        from rag.language import ngram_counts

        ngrams = ngram_counts(row[0])
        rows = db.execute("SELECT id, tokens FROM chunks WHERE source = ?", (source,)).fetchall()
        ids = [r[0] for r in rows]
        frequencies: Counter[str] = Counter()
        for cid, tokens in rows:
            # External-content FTS5 forgets a row only when told its old terms.
            db.execute("INSERT INTO chunk_fts(chunk_fts, rowid, tokens) VALUES('delete', ?, ?)", (cid, tokens))
            self._count(db, chunks=-1, tokens=-len(tokens.split()))
            frequencies.update(set(tokens.split()))
            lo, hi = cid * SENTENCE_SLOTS, (cid + 1) * SENTENCE_SLOTS
            # Two range conditions, not one OR: each then seeks the primary key instead of scanning.
            for where, params in (("id = ?", (cid,)), ("id >= ? AND id < ?", (lo, hi))):
                db.execute(f"INSERT INTO tombstones SELECT id, kind, ? FROM vectors WHERE {where}", (seq, *params))
                db.execute(f"DELETE FROM vectors WHERE {where}", params)
        db.execute("DELETE FROM chunks WHERE source = ?", (source,))
        db.execute("DELETE FROM articles WHERE source = ?", (source,))
        keys = [(c, k, f) for (k, f), c in ngrams.items()]
        db.executemany("UPDATE ngrams SET count = count - ? WHERE folded = ? AND form = ?", keys)
        db.executemany("DELETE FROM ngrams WHERE folded = ? AND form = ? AND count <= 0", [(k, f) for _, k, f in keys])
        db.executemany("UPDATE terms SET df = df - ? WHERE term = ?", [(c, t) for t, c in frequencies.items()])
        db.executemany("DELETE FROM terms WHERE term = ? AND df <= 0", [(t,) for t in frequencies])
        return len(ids)

    def pending(self, limit: int, sources: Sequence[str] | None = None) -> list[tuple[ChunkRecord, ArticleRecord]]:
        """Chunks still waiting for their vectors (of `sources`, or of any article), oldest first."""
        where, params = _of_sources(sources)
        chunks = self._chunks(f"WHERE c.embedded = 0 {where} ORDER BY c.id LIMIT ?", [*params, limit])
        articles = self.articles_by_source({c.source for c in chunks})
        return [(c, articles[c.source]) for c in chunks if c.source in articles]

    def pending_count(self, sources: Sequence[str] | None = None) -> int:
        where, params = _of_sources(sources)
        return int(self._rows(f"SELECT COUNT(*) FROM chunks c WHERE c.embedded = 0 {where}", params)[0][0])

    def put_vectors(self, chunk_rows: Sequence[int], vectors: Sequence[tuple[int, int, Vectors]]) -> int:
        """Store vectors of chunks (and their sentences) and mark those chunks embedded.

        A chunk removed or replaced while it was being embedded is skipped: its id is gone.
        Returns how many chunks were stored.
        """
        with self.transaction() as db:
            seq = self._next_seq(db)
            alive = {
                r[0]
                for r in db.execute(
                    f"SELECT id FROM chunks WHERE embedded = 0 AND id IN ({','.join('?' * len(chunk_rows))})",
                    list(chunk_rows),
                )
            }
            db.executemany(
                "INSERT OR REPLACE INTO vectors VALUES(?, ?, ?, ?)",
                [(vid, kind, seq, _blob(v)) for vid, kind, v in vectors if vector_owner(vid, kind) in alive],
            )
            db.executemany("UPDATE chunks SET embedded = 1 WHERE id = ?", [(r,) for r in alive])
        return len(alive)

    # -- reads
    def _chunks(self, where: str, params: Sequence[Any]) -> list[ChunkRecord]:
        sql = (
            'SELECT c.id, c.source, c.idx, c.start, c."end", c.sentences, '
            'substr(a.text, c.start + 1, c."end" - c.start) '
            f"FROM chunks c JOIN articles a ON a.source = c.source {where}"
        )
        return [
            ChunkRecord(f"{source}#{idx}", source, idx, start, end, text, [], json.loads(sentences), row)
            for row, source, idx, start, end, sentences, text in self._rows(sql, params)
        ]

    def chunks_by_rows(self, rows: Sequence[int]) -> dict[int, ChunkRecord]:
        if not rows:
            return {}
        chunks = self._chunks(f"WHERE c.id IN ({','.join('?' * len(rows))})", list(rows))
        return {c.row: c for c in chunks}

    def chunks_of(self, source: str) -> list[ChunkRecord]:
        return self._chunks("WHERE c.source = ? ORDER BY c.idx", (source,))

    def articles_by_source(self, sources: Iterable[str]) -> dict[str, ArticleRecord]:
        wanted = list(set(sources))
        if not wanted:
            return {}
        rows = self._rows(
            "SELECT source, title, date, author, text, content_hash, chunk_count FROM articles "
            f"WHERE source IN ({','.join('?' * len(wanted))})",
            wanted,
        )
        return {r[0]: ArticleRecord(*r) for r in rows}

    def article_list(self, limit: int | None = None) -> list[ArticleRecord]:
        """Articles without their text: all by source, or the `limit` most recently added."""
        columns = "SELECT source, title, date, author, '', content_hash, chunk_count FROM articles"
        if limit is None:
            rows = self._rows(f"{columns} ORDER BY source")
        else:
            rows = self._rows(f"{columns} ORDER BY added DESC, source LIMIT ?", (limit,))
        return [ArticleRecord(*r) for r in rows]

    def has_article(self, source: str) -> bool:
        return bool(self._rows("SELECT 1 FROM articles WHERE source = ?", (source,)))

    def metadata_rows(self, sources: Iterable[str], kind: str) -> dict[str, int]:
        """Per article, the chunk holding its byline (the last one) or its dateline (the first one)."""
        wanted = list(set(sources))
        if not wanted:
            return {}
        column = "has_author" if kind == "author" else "has_date"
        rows = self._rows(
            f"SELECT id, source, idx FROM chunks WHERE {column} = 1 AND source IN ({','.join('?' * len(wanted))})",
            wanted,
        )
        best: dict[str, tuple[int, int]] = {}
        for row, source, idx in rows:
            # Bylines close an article (the last chunk holding one); datelines open it (the first).
            better = source not in best or (idx > best[source][1] if kind == "author" else idx < best[source][1])
            if better:
                best[source] = (int(row), int(idx))
        return {s: r for s, (r, _) in best.items()}

    def vectors_of(self, ids: Sequence[int]) -> dict[int, Vectors]:
        if not ids:
            return {}
        rows = self._rows(f"SELECT id, vector FROM vectors WHERE id IN ({','.join('?' * len(ids))})", list(ids))
        return {int(i): np.frombuffer(b, dtype=np.float32) for i, b in rows}

    def sentence_vectors(self, chunk_rows: Sequence[int]) -> dict[int, Vectors]:
        """Per embedded chunk, its sentence vectors in sentence order."""
        out: dict[int, list[Vectors]] = {}
        for cid in chunk_rows:
            lo = cid * SENTENCE_SLOTS
            rows = self._rows(
                "SELECT vector FROM vectors WHERE id >= ? AND id < ? ORDER BY id", (lo, lo + SENTENCE_SLOTS)
            )
            if rows:
                out[cid] = [np.frombuffer(b, dtype=np.float32) for (b,) in rows]
        return {cid: np.stack(vs) for cid, vs in out.items()}

    def changes_since(self, seq: int, kind: int, limit: int = 50_000) -> VectorChanges:
        """Vectors added and removed after `seq` (up to `limit` additions, in seq order)."""
        now = self.seq()
        added = self._rows(
            "SELECT id, kind, vector, seq FROM vectors WHERE seq > ? AND seq <= ? AND kind = ? ORDER BY seq LIMIT ?",
            (seq, now, kind, limit),
        )
        upto = now if len(added) < limit else int(added[-1][3])
        if len(added) == limit:  # stop at a whole seq so nothing of the last one is skipped
            upto -= 1
            added = [r for r in added if int(r[3]) <= upto]
        removed = self._rows(
            "SELECT id, kind FROM tombstones WHERE seq > ? AND seq <= ? AND kind = ?", (seq, upto, kind)
        )
        return VectorChanges(
            upto,
            [(int(i), int(k), np.frombuffer(b, dtype=np.float32)) for i, k, b, _ in added],
            [(int(i), int(k)) for i, k in removed],
        )

    def ngram(self, folded: str) -> tuple[str, int] | None:
        rows = self._rows("SELECT form, count FROM ngrams WHERE folded = ? ORDER BY count DESC LIMIT 1", (folded,))
        return (str(rows[0][0]), int(rows[0][1])) if rows else None


def _of_sources(sources: Sequence[str] | None) -> tuple[str, list[str]]:
    if sources is None:
        return "", []
    return f"AND c.source IN ({','.join('?' * len(sources))})", list(sources)


@contextmanager
def write_lock(index_dir: Path) -> Iterator[None]:
    """Serialise writers (CLI ingest, UI upload, background embedding) on one index."""
    import fcntl

    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
