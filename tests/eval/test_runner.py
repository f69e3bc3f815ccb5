"""The eval runner over the fake embedder and fake LLM: records, resume, summary, report, gates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.questions import load_questions
from eval.report import write_report
from eval.runner import check_minimums, run, summarize
from rag.cli import main
from tests.conftest import make_settings


def test_run_resume_summary_report(tmp_path: Path, corpus: Path, questions_file: Path) -> None:
    settings = make_settings(tmp_path, RAG_LLM__MODE="fake")
    questions = load_questions(questions_file)
    out = tmp_path / "out"
    records = run(settings, questions, corpus, out, ["hybrid", "baseline"], ["extractive", "generative"], False)
    assert len(records) == 12 and {r["config"] for r in records} == {
        "hybrid-extractive",
        "hybrid-generative",
        "baseline-extractive",
        "baseline-generative",
    }
    lines = (out / "results.jsonl").read_text().splitlines()
    assert len(lines) == 12
    again = run(settings, questions, corpus, out, ["hybrid", "baseline"], ["extractive", "generative"], False)
    assert len(again) == 12 and len((out / "results.jsonl").read_text().splitlines()) == 12  # nothing re-run

    q1 = next(r for r in records if r["id"] == "q1" and r["config"] == "hybrid-extractive")
    assert q1["metrics"]["evidence_rank"] is not None and q1["retrieved"]
    for c in q1["citations"]:
        assert set(c) >= {"n", "source", "start", "end", "quote"}

    summary = summarize(records)
    hybrid = summary["hybrid-extractive"]
    assert hybrid["questions"] == 3 and hybrid["answerable"] == 2
    assert 0.0 <= hybrid["evidence_hit@5"] <= 1.0 and hybrid["total_p50_ms"] is not None
    assert set(hybrid["by_kind"]) == {"figure", "out_of_domain"}

    write_report(summary, records, out, "note")
    md = (out / "report.md").read_text()
    assert "key_fact_accuracy" in md and "Definitions" in md and "baseline-extractive" in md
    assert "data:image/png;base64," in (out / "report.html").read_text()
    assert json.loads((out / "summary.json").read_text()).keys() == summary.keys()


@pytest.mark.parametrize(
    ("gate", "fails"),
    [
        ("key_fact_accuracy=0.0", False),
        ("key_fact_accuracy=1.01", True),
        ("x-y.mrr=0.9", False),
        ("hybrid-extractive.no_such_metric=0.1", True),
    ],
)
def test_minimum_gates(gate: str, fails: bool) -> None:
    summary = {"hybrid-extractive": {"key_fact_accuracy": 0.5, "mrr": 0.7}}
    assert bool(check_minimums(summary, [gate])) is fails


def test_cli_eval_exit_code_follows_gates(
    tmp_path: Path, corpus: Path, questions_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("RAG_EMBEDDING__MODE", "fake")
    monkeypatch.setenv("RAG_LLM__MODE", "fake")
    monkeypatch.setenv("RAG_PATHS__INDEX_DIR", str(tmp_path / "index"))
    base = ["eval", "--questions", str(questions_file), "--corpus", str(corpus), "--quiet"]
    assert main([*base, "--out", str(tmp_path / "a"), "--min", "refusal_recall=0"]) == 0
    assert main([*base, "--out", str(tmp_path / "b"), "--min", "key_fact_accuracy=1.5"]) == 1
    assert main([*base, "--questions", str(tmp_path / "missing.jsonl"), "--out", str(tmp_path / "c")]) == 2
