"""kill -9 at any point of an ingest leaves an index that loads and answers; a re-run finishes the job.

Real processes and a real SIGKILL over a sample of real news articles (fake embedder, so the
kill lands in every stage: reading, tokenising, writing, embedding).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from eval.bench_scale import DEFAULT_CORPUS, materialise, read_articles
from rag.pipeline import Pipeline
from rag.store import DocStore
from tests.conftest import ROOT, make_settings

ARTICLES = 150


def _env(index: Path, home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "HOME": str(home),
        "RAG_PATHS__INDEX_DIR": str(index),
        "RAG_EMBEDDING__MODE": "fake",
        "RAG_INGEST__BATCH_ARTICLES": "10",
        "RAG_INGEST__EMBED_BATCH": "8",
        "RAG_INGEST__WORKERS": "1",
    }


def _consistent(index: Path) -> tuple[int, int]:
    """(articles, embedded chunks) after checking every row has its partners."""
    store = DocStore(index)
    try:
        db = store._db  # the raw tables: what a crash could have left half-written
        rows = db.execute("SELECT source, chunk_count FROM articles").fetchall()
        for source, count in rows:
            assert db.execute("SELECT COUNT(*) FROM chunks WHERE source = ?", (source,)).fetchone()[0] == count
        assert (
            db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
            == db.execute("SELECT COUNT(*) FROM chunk_fts").fetchone()[0]
        )
        dup = db.execute(
            "SELECT COUNT(*) FROM (SELECT source, idx FROM chunks GROUP BY source, idx HAVING COUNT(*) > 1)"
        )
        assert dup.fetchone()[0] == 0
        orphans = db.execute("SELECT COUNT(*) FROM vectors WHERE kind = 0 AND id NOT IN (SELECT id FROM chunks)")
        assert orphans.fetchone()[0] == 0
        return len(rows), store.counts().embedded_chunks
    finally:
        store.close()


@pytest.mark.skipif(not DEFAULT_CORPUS.is_file(), reason="the shared corpus is read-only input of CI")
def test_kill_9_during_ingest_never_loses_or_duplicates(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    materialise(read_articles(DEFAULT_CORPUS, ARTICLES), folder, ROOT / "data" / "articles")
    total = sum(1 for _ in folder.iterdir())
    index = tmp_path / "index"
    env = _env(index, tmp_path)
    command = [sys.executable, "-m", "rag", "ingest", str(folder), "--quiet"]
    seen: list[tuple[int, int]] = []
    for delay in (0.8, 1.6, 2.4, 3.2, 4.5, 6.0):
        proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if not (index / "rag.sqlite3").exists():
            continue
        seen.append(_consistent(index))
        settings = make_settings(tmp_path, RAG_PATHS__INDEX_DIR=str(index))
        pipeline = Pipeline(settings)
        assert pipeline.search("tham nhũng", 3) is not None  # loads and answers whatever was committed
        pipeline.engine.store.close()
    assert len(set(seen)) >= 2, f"the kills did not land in different states: {seen}"
    subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)
    articles, embedded = _consistent(index)
    store = DocStore(index)
    try:
        counts = store.counts()
    finally:
        store.close()
    assert articles == total and counts.articles == total  # nothing lost
    assert embedded == counts.chunks and counts.embedded_articles == total  # the re-run finished embedding
