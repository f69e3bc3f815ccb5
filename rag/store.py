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
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from embeddings.base import Vectors
from rag.lexical import fts_terms
from rag.records import (
    SENTENCE_SLOTS,
    ArticleRecord,
    ChunkRecord,
    Counts,
    NewArticle,
    VectorChanges,
    vector_owner,
)
from rag.store_db import DB_NAME, REBUILD_HINT, StoreDB, index_exists, write_lock

__all__ = ["DB_NAME", "REBUILD_HINT", "DocStore", "StoreDB", "index_exists", "write_lock"]


def _blob(vector: Vectors) -> bytes:
    return np.ascontiguousarray(vector, dtype=np.float32).tobytes()


class DocStore(StoreDB):
    """Articles, chunks, BM25 postings and vectors, keyed by stable ids."""

    def lexical_stats(self) -> tuple[int, float]:
        """(chunks, mean tokens per chunk)."""
        totals = self.totals()
        chunks, tokens = totals["chunks"], totals["tokens"]
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

    def counts(self) -> Counts:
        t = self.totals()
        return Counts(t["articles"], t["chunks"], t["embedded"], t["ready"])

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
                self._add(db, articles=1, ready=int(not item.chunks))
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
                    self._add(db, chunks=1, tokens=len(terms))
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
        rows = db.execute("SELECT id, tokens, embedded FROM chunks WHERE source = ?", (source,)).fetchall()
        ids = [r[0] for r in rows]
        embedded = sum(r[2] for r in rows)
        self._add(db, articles=-1, embedded=-embedded, ready=-int(embedded == len(rows)))
        frequencies: Counter[str] = Counter()
        for cid, tokens, _ in rows:
            # External-content FTS5 forgets a row only when told its old terms.
            db.execute("INSERT INTO chunk_fts(chunk_fts, rowid, tokens) VALUES('delete', ?, ?)", (cid, tokens))
            self._add(db, chunks=-1, tokens=-len(tokens.split()))
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
            owners = dict(
                db.execute(
                    f"SELECT id, source FROM chunks WHERE embedded = 0 AND id IN ({','.join('?' * len(chunk_rows))})",
                    list(chunk_rows),
                ).fetchall()
            )
            alive = set(owners)
            db.executemany(
                "INSERT OR REPLACE INTO vectors VALUES(?, ?, ?, ?)",
                [(vid, kind, seq, _blob(v)) for vid, kind, v in vectors if vector_owner(vid, kind) in alive],
            )
            db.executemany("UPDATE chunks SET embedded = 1 WHERE id = ?", [(r,) for r in alive])
            done = [
                s
                for s in set(owners.values())
                if not db.execute("SELECT 1 FROM chunks WHERE source = ? AND embedded = 0 LIMIT 1", (s,)).fetchone()
            ]
            self._add(db, embedded=len(alive), ready=len(done))
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
