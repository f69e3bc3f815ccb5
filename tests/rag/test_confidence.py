"""The answerability score and its calibration (pure)."""

from __future__ import annotations

import numpy as np
import pytest

from eval.calibrate import choose_threshold, fit_logistic
from rag.confidence import answer_score, answer_signals
from rag.evidence import Evidence


def _ev(text: str) -> Evidence:
    return Evidence(1, "a.txt", "T", None, "a.txt#0", 0, len(text), text, 1.0)


@pytest.mark.parametrize(
    ("question", "evidence", "dense", "coverage", "typed"),
    [
        (
            "Giá xăng RON 95 tăng bao nhiêu?",
            ["Giá xăng RON 95 tăng 500 đồng."],
            {("a.txt", 0): 0.71, ("a.txt", 1): 0.31},
            1.0,
            True,
        ),
        ("Thủ đô của nước Pháp là thành phố nào?", ["Hà Nội thắng Hải Phòng 3-1."], {("a.txt", 0): 0.2}, 0.0, False),
        ("Ai ghi bàn?", [], None, 0.0, False),
    ],
)
def test_signals(question: str, evidence: list[str], dense: dict | None, coverage: float, typed: bool) -> None:
    signals = answer_signals(question, "vi", [_ev(t) for t in evidence], dense, typed)
    assert signals["coverage"] == pytest.approx(coverage, abs=0.2)
    assert signals["dense_top"] == (max(dense.values()) if dense else 0.0)
    assert signals["dense_mean"] == pytest.approx(sum(dense.values()) / len(dense) if dense else 0.0)
    assert signals["english"] == 0.0
    assert signals["typed"] == (1.0 if typed else 0.0)


def test_score_grows_with_its_signals() -> None:
    weights = {"bias": -4.0, "dense_top": 6.0, "coverage": 2.0}
    low = answer_score({"dense_top": 0.2, "coverage": 0.1}, weights)
    high = answer_score({"dense_top": 0.7, "coverage": 0.9}, weights)
    assert 0.0 < low < 0.5 < high < 1.0


def test_fit_separates_answerable_from_not() -> None:
    rng = np.random.default_rng(0)
    answerable = rng.normal([0.6, 0.8, 0.0], 0.05, size=(60, 3))
    not_answerable = rng.normal([0.3, 0.3, 0.0], 0.05, size=(30, 3))
    w = fit_logistic(np.vstack([answerable, not_answerable]), np.r_[np.ones(60), np.zeros(30)])
    assert w[1] > 0 and w[2] > 0


def test_threshold_keeps_false_refusals_within_the_bound() -> None:
    scores = [0.9, 0.8, 0.7, 0.4, 0.3, 0.2, 0.6, 0.1]
    answerable = [True, True, True, True, False, False, False, False]
    gate = [False] * 8
    t, recall, false = choose_threshold(scores, answerable, gate, max_false=0.0)
    assert t == pytest.approx(0.4) and recall == 0.75 and false == 0.0
    t, recall, false = choose_threshold(scores, answerable, gate, max_false=0.25)
    assert recall == 1.0 and false == 0.25


def test_the_hard_checks_refusals_count_toward_the_bound() -> None:
    scores = [0.9, 0.8, 0.7, 0.4, 0.3, 0.2, 0.6, 0.1]
    answerable = [True, True, True, True, False, False, False, False]
    gate = [True, False, False, False, False, False, False, False]  # one answerable already refused
    t, recall, false = choose_threshold(scores, answerable, gate, max_false=0.25)
    assert t == pytest.approx(0.4) and recall == 0.75 and false == 0.25
