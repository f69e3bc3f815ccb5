"""The eval runner over the fake embedder and fake LLM: records, resume, summary, report, gates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.questions import load_questions
from eval.report import write_report
from eval.runner import METRICS, check_minimums, first_sentence, run, summarize, summarize_group
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
        ("hybrid-extractive.mrr=0.7", False),
        ("hybrid-extractive.mrr=0.71", True),
        ("false_refusal_rate=0.05", True),  # a maximum: 0.1 refused is above it
        ("false_refusal_rate=0.1", False),
        ("total_p50_ms=500", False),
        ("total_p50_ms=100", True),
        ("refusal_recall=0.5", True),  # a metric the run did not produce fails, never passes
    ],
)
def test_minimum_gates(gate: str, fails: bool) -> None:
    summary = {
        "hybrid-extractive": {
            "key_fact_accuracy": 0.5,
            "mrr": 0.7,
            "false_refusal_rate": 0.1,
            "total_p50_ms": 200.0,
            "refusal_recall": None,
        }
    }
    assert bool(check_minimums(summary, [gate])) is fails


@pytest.mark.parametrize(
    "gate",
    [
        "x-y.mrr=0.9",  # no such configuration in the run
        "hybrid-extractive.no_such_metric=0.1",
        "key_fact=0.8",  # a per-question field, not a summary metric
        "key_fact_accuracy",
        "key_fact_accuracy=high",
    ],
)
def test_unknown_or_malformed_gate_fails_loudly(gate: str) -> None:
    summary = {"hybrid-extractive": {"key_fact_accuracy": 0.5, "mrr": 0.7}}
    with pytest.raises(ValueError, match="--min"):
        check_minimums(summary, [gate])


def test_summary_metrics_are_the_gateable_ones() -> None:
    record = {
        "answerable": True,
        "refused": False,
        "metrics": {
            "evidence_rank": 1,
            "doc_rank": 1,
            "ndcg@10": 1.0,
            "key_fact": True,
            "token_f1": 1.0,
            "source_recall": 1.0,
            "citation_valid": True,
            "citation_precise": [True],
            "answer_chars": 80,
            "model_written": True,
            "key_fact_first": True,
        },
        "mode": "generative",
        "timings_ms": {"retrieval": 1.0, "first_token": 2.0, "total": 3.0},
    }
    assert set(summarize_group([record])) == set(METRICS)


@pytest.mark.parametrize(
    ("answer", "first"),
    [
        ("Tỉnh A đã tổ chức 15 cuộc thanh tra [1]. Tỉnh có 9 huyện [2].", "Tỉnh A đã tổ chức 15 cuộc thanh tra."),
        ("Theo các bài báo:\nĐội B thắng 1-0 [1].\nBàn thắng ở phút 85 [2].", "Đội B thắng 1-0."),
        ("Ballooning Media was fined 7 triệu đồng [1].", "Ballooning Media was fined 7 triệu đồng."),
    ],
)
def test_first_sentence_skips_the_quote_lead_and_markers(answer: str, first: str) -> None:
    assert first_sentence(answer) == first


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
    # A mistyped gate stops before answering anything, with exit code 2 and no results.
    assert main([*base, "--out", str(tmp_path / "d"), "--min", "hybrid-extractive.key_fact_acc=0.5"]) == 2
    assert main([*base, "--out", str(tmp_path / "e"), "--min", "hybrid-generative.key_fact_accuracy=0.5"]) == 2
    assert not (tmp_path / "d").exists() and not (tmp_path / "e").exists()


def test_citation_checks_read_the_card_the_reader_sees() -> None:
    """Title, premise sentence and quote together back a sentence; each span must be exact."""
    from eval.runner import citation_checks
    from rag.answer_types import Answer
    from rag.citations import Citation

    article = "Tỉnh Quảng Ninh tổng kết năm 2021. Các đơn vị đã chuyển đổi vị trí cho 251 cán bộ."
    quote = "Các đơn vị đã chuyển đổi vị trí cho 251 cán bộ."
    lead = "Tỉnh Quảng Ninh tổng kết năm 2021."
    start = article.index(quote)

    def checks(**context: object) -> tuple[bool, list[bool]]:
        cite = Citation(1, "a.txt", "Tổng kết", None, "a.txt#0", start, start + len(quote), quote, **context)  # type: ignore[arg-type]
        answer = Answer(
            "q", "q", "Quảng Ninh chuyển đổi vị trí cho 251 cán bộ [1].", False, "generative", None, (cite,), {}
        )
        return citation_checks(answer, {"a.txt": article})

    assert checks() == (True, [False])  # the quote alone lacks "Quảng Ninh"
    assert checks(context_start=0, context_end=len(lead), context=lead) == (True, [True])
    assert checks(context_start=1, context_end=len(lead), context=lead)[0] is False  # not the article's text


def test_a_sentence_joining_two_passages_cites_both_precisely() -> None:
    """Each of two citations is precise when the sentence needs both; a superfluous one is not."""
    from eval.runner import citation_checks
    from rag.answer_types import Answer
    from rag.citations import Citation

    article = (
        "Apple sẽ xây trung tâm dữ liệu ở tỉnh Quý Châu. Đây là một phần của dự án trị giá 1 tỷ USD. "
        "Công ty có trụ sở tại Cupertino."
    )

    def cite(n: int, quote: str) -> Citation:
        start = article.index(quote)
        return Citation(n, "a.txt", "Apple", None, "a.txt#0", start, start + len(quote), quote)

    cites = (
        cite(1, "Apple sẽ xây trung tâm dữ liệu ở tỉnh Quý Châu."),
        cite(2, "Đây là một phần của dự án trị giá 1 tỷ USD."),
        cite(3, "Công ty có trụ sở tại Cupertino."),
    )

    def checks(reply: str) -> list[bool]:
        answer = Answer("q", "q", reply, False, "generative", None, cites, {})
        return citation_checks(answer, {"a.txt": article})[1]

    assert checks("Apple xây trung tâm ở Quý Châu, phần của dự án 1 tỷ USD [1][2].") == [True, True]
    assert checks("Apple xây trung tâm ở Quý Châu, phần của dự án 1 tỷ USD [1][2][3].") == [True, True, False]
    assert checks("Apple xây trung tâm ở Quý Châu, phần của dự án 1 tỷ USD [1].") == [False]
    assert checks("Apple xây trung tâm ở Quý Châu [1][3].") == [True, False]
