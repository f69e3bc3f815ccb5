"""The archive-scale benchmark end to end over the fake embedder and a small sample of real news."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest

from eval.bench_ann import recall_at
from eval.bench_scale import DEFAULT_CORPUS, main, materialise, read_articles


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    """Forty articles of the shared corpus, as a .jsonl.gz of the same format."""
    path = tmp_path / "sample.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for article in read_articles(DEFAULT_CORPUS, 40):
            fh.write(json.dumps(article, ensure_ascii=False) + "\n")
    return path


def test_read_and_materialise_in_file_order(small_corpus: Path, tmp_path: Path) -> None:
    first, rest = read_articles(small_corpus, 2), read_articles(small_corpus, 3, skip=2)
    assert len(first) == 2 and len(rest) == 3 and first[1]["source"] != rest[0]["source"]
    folder = tmp_path / "out"
    materialise(first, folder, None)
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 2 and all(n.endswith(".txt") for n in names)


@pytest.mark.skipif(not DEFAULT_CORPUS.is_file(), reason="the shared corpus is read-only input of CI")
def test_prints_a_table_of_every_figure(
    small_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("RAG_CONFIG", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("RAG_EMBEDDING__MODE", "fake")
    out = tmp_path / "scale.json"
    assert main(["--articles", "30", "--corpus", str(small_corpus), "--embed-sample", "8", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    for label in ("to BM25-searchable", "hybrid search p50", "add one", "remove one", "held-out hybrid hit@1"):
        assert label in printed
    row = json.loads(out.read_text())[0]
    assert row["articles"] == 35 and row["embedded_chunks"] >= 8 and row["index_mb"] > 0
    assert 0 <= row["hybrid_heldout"]["hit@3"] <= 1 and row["add_one_searchable_s"] >= 0


@pytest.mark.parametrize(
    ("exact", "approx", "expected"),
    [([[1, 2, 3]], [[3, 2, 1]], 1.0), ([[1, 2, 3]], [[1, 9, 8]], 1 / 3), ([[1, 2], [3, 4]], [[1, 2], [5, 6]], 0.5)],
)
def test_recall_at(exact: list[list[int]], approx: list[list[int]], expected: float) -> None:
    k = len(exact[0])
    assert recall_at(np.array(exact), approx, k) == pytest.approx(expected)
