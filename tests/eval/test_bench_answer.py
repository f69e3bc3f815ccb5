"""The answer benchmark: its scoring (shared with `rag eval`) and its printed report, over the fake backends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.bench_answer import bad_citations, correct, main, p50
from eval.questions import Question
from rag.answer import Answer
from rag.citations import Citation

FIGURE = Question("q1", "Bao nhiêu trường hợp?", True, ["a.txt"], ["1.695"], "figure")
SHARE = Question("q2", "Bao nhiêu phần trăm?", True, ["a.txt"], ["giảm 41%"], "figure", ["41%", "41 phần trăm"])
UNANSWERABLE = Question("q3", "Giá vàng hôm nay?", False, [], [], "out_of_domain")
ARTICLE = "Năm 2021 có 1.695 trường hợp kê khai. Số đơn thư giảm 41%."


def cite(n: int, start: int, end: int) -> Citation:
    return Citation(n, "a.txt", "a", None, "a.txt#0", start, end, ARTICLE[start:end])


def answer(text: str, *citations: Citation, refused: bool = False) -> Answer:
    return Answer("q", "q", text, refused, "extractive", None, citations, {"total": 1.0})


FIRST = cite(1, 0, 37)  # "Năm 2021 có 1.695 trường hợp kê khai."
SECOND = cite(2, 38, len(ARTICLE))  # "Số đơn thư giảm 41%."


@pytest.mark.parametrize(
    ("question", "reply", "expected"),
    [
        (FIGURE, answer("Có 1.695 trường hợp [1].", FIRST), True),
        (FIGURE, answer("Co 1,695 truong hop [1].", FIRST), True),  # no diacritics, other number format
        (FIGURE, answer("Có 1.695 trường hợp."), False),  # no citation
        (FIGURE, answer("Có 1.694 trường hợp [1].", FIRST), False),
        (FIGURE, answer("Không tìm thấy.", refused=True), False),
        (SHARE, answer("Giảm 41 phần trăm [2].", SECOND), True),  # one of must_include_any
        (UNANSWERABLE, answer("Không tìm thấy.", refused=True), True),
        (UNANSWERABLE, answer("Có 1.695 trường hợp [1].", FIRST), False),
    ],
)
def test_correct_is_rag_evals_key_fact(question: Question, reply: Answer, expected: bool) -> None:
    assert correct(question, reply) is expected


def test_bad_citations_names_the_sentence_each_unsupported_marker_is_in() -> None:
    reply = answer("Có 1.695 trường hợp [1]. Số đơn thư giảm 41% [1][2].", FIRST, SECOND)
    assert bad_citations(reply, {"a.txt": ARTICLE}) == (3, ["[1] Số đơn thư giảm 41% [1][2]."])
    assert bad_citations(answer("Không tìm thấy.", refused=True), {}) == (0, [])


def test_p50_rounds_the_median() -> None:
    assert p50([]) is None
    assert p50([3.0, 1.04, 2.06]) == 2.1
    assert p50([1.0, 2.0]) == 1.5


def test_prints_the_report_over_the_fake_backends(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("RAG_CONFIG", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("RAG_EMBEDDING__MODE", "fake")
    monkeypatch.setenv("RAG_LLM__MODE", "fake")
    monkeypatch.setenv("RAG_PATHS__ARTICLES_DIR", str(corpus))
    questions = tmp_path / "q.jsonl"
    rows = [
        {
            "id": "q1",
            "question": "Quảng Ninh chuyển đổi vị trí công tác bao nhiêu CBCCVC trong 6 tháng đầu năm 2021?",
            "answerable": True,
            "gold_sources": ["004_a78d91ce2ca9f832.txt"],
            "must_include": ["251"],
            "kind": "figure",
        },
        {
            "id": "q2",
            "question": "Giá vàng hôm nay là bao nhiêu?",
            "answerable": False,
            "gold_sources": [],
            "must_include": [],
            "kind": "out_of_domain",
        },
    ]
    questions.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    out = tmp_path / "bench.json"
    argv = ["--questions", str(questions), "--mode", "both", "--limit", "1", "--quiet", "--json", str(out)]
    assert main(argv) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Note: the chain's gates and thresholds were tuned on these same dev questions")
    assert lines[1].startswith("== extractive: 2 questions in ")
    assert lines[2].startswith("  answerable correct (key fact + citation): ")
    assert lines[3].startswith("  unanswerable refused:                     ")
    assert lines[4].startswith("  citation precision: ")
    assert lines[6].startswith("  p50 ms: {'first_token': None, 'full_answer': None, 'total': ")
    assert any(line.startswith("== generative: 1 questions in ") for line in lines)
    results = json.loads(out.read_text(encoding="utf-8"))
    assert list(results) == ["extractive", "generative"]
    assert results["extractive"]["questions"] == 2 and results["generative"]["questions"] == 1
