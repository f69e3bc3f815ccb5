"""The SQLite file under the document store: schema, connection, transactions and running totals.

DocStore (rag/store.py) adds the article, chunk and vector operations on top; this keeps the
connection handling (one connection shared by threads under a lock, WAL, IMMEDIATE writes,
corruption turned into a clear message) in one place.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from rag.errors import IndexCorruptError, IndexMismatchError, IndexMissingError
from rag.records import FORMAT_VERSION, PIPELINE_VERSION, Manifest

REBUILD_HINT = "Chạy: rag ingest data/articles --rebuild"
DB_NAME = "rag.sqlite3"
# Running totals kept in `meta`: articles; chunks and their tokens (BM25's mean length);
# chunks embedded; articles whose every chunk is embedded ("ready").
TOTALS = ("articles", "chunks", "tokens", "embedded", "ready")

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


class StoreDB:
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
        self._migrate_totals()

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
    def _add(db: sqlite3.Connection, **deltas: int) -> None:
        """Move running totals (TOTALS) in the same transaction as the rows they count, so
        reading them costs one lookup however large the archive grows."""
        db.executemany(
            "INSERT INTO meta VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + ?",
            [(key, str(delta), delta) for key, delta in deltas.items() if delta],
        )

    def totals(self) -> dict[str, int]:
        marks = ",".join("?" * len(TOTALS))
        values = dict(self._rows(f"SELECT key, value FROM meta WHERE key IN ({marks})", TOTALS))
        return {key: int(values.get(key, 0)) for key in TOTALS}

    def _migrate_totals(self) -> None:
        """Indexes written before the article and embedding totals existed count them once, here."""
        if self._rows("SELECT 1 FROM meta WHERE key = 'totals'"):
            return  # the usual case: a read, so opening never waits for a writer
        with self.transaction() as db:
            if db.execute("SELECT 1 FROM meta WHERE key = 'totals'").fetchone():
                return
            (articles,) = db.execute("SELECT COUNT(*) FROM articles").fetchone()
            (embedded,) = db.execute("SELECT COUNT(*) FROM chunks WHERE embedded = 1").fetchone()
            (waiting,) = db.execute("SELECT COUNT(DISTINCT source) FROM chunks WHERE embedded = 0").fetchone()
            db.execute("DELETE FROM meta WHERE key IN ('articles', 'embedded', 'ready')")
            self._add(db, articles=articles, embedded=embedded, ready=articles - waiting)
            db.execute("INSERT INTO meta VALUES('totals', '1')")

    @staticmethod
    def _next_seq(db: sqlite3.Connection) -> int:
        db.execute(
            "INSERT INTO meta VALUES('seq', '1') ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )
        return int(db.execute("SELECT value FROM meta WHERE key = 'seq'").fetchone()[0])


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock between processes, held on `path` (created if missing) until exit."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def write_lock(index_dir: Path) -> AbstractContextManager[None]:
    """Serialise writers (CLI ingest, UI upload, background embedding) on one index."""
    return file_lock(index_dir / ".lock")
