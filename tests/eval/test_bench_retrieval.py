"""The retrieval benchmark end to end over the fake embedder: every mode ranked, the baseline via BaselineSearch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from embeddings.fake import FakeEmbedder
from eval.baseline import BaselineSearch
from eval.bench_retrieval import main, ranks_of
from eval.metrics import hit_at
from eval.questions import load_questions


def test_prints_and_writes_figures_for_every_mode(
    tmp_path: Path,
    corpus: Path,
    questions_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("RAG_CONFIG", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("RAG_EMBEDDING__MODE", "fake")
    out = tmp_path / "bench.json"
    assert main(["--questions", str(questions_file), "--corpus", str(corpus), "--json", str(out)]) == 0

    printed = capsys.readouterr().out
    assert printed.startswith("2 questions, corpus ")  # a custom question file: no tuning-set note
    results = json.loads(out.read_text(encoding="utf-8"))
    assert list(results["modes"]) == ["hybrid", "dense", "bm25", "langchain_baseline"]
    for mode, figures in results["modes"].items():
        assert set(figures) == {"hit@1", "hit@3", "hit@5", "mrr"}
        assert f"{mode:<20}{figures['hit@1']:>8.1%}" in printed

    # The baseline row is exactly BaselineSearch's ranking (the one `rag eval --retrieval baseline` uses).
    questions = [q for q in load_questions(questions_file) if q.answerable]
    baseline = BaselineSearch(corpus, FakeEmbedder())
    ranks = ranks_of([baseline.search(q.question, 10) for q in questions], questions)
    assert results["modes"]["langchain_baseline"]["hit@1"] == hit_at(ranks, 1)
    assert results["modes"]["langchain_baseline"]["mrr"] == pytest.approx(sum(1 / r for r in ranks if r) / 2)
