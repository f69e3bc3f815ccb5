"""Every metric on small hand-made cases with known answers."""

from __future__ import annotations

import math

import pytest

from eval.metrics import (
    doc_rank,
    evidence_rank,
    fact_found,
    hit_at,
    key_fact_correct,
    mrr,
    ndcg_at,
    percentile,
    refusal_scores,
    token_f1,
)


def test_mrr_of_ranks_1_3_none() -> None:
    assert mrr([1, 3, None]) == pytest.approx((1 + 1 / 3 + 0) / 3)


@pytest.mark.parametrize(
    ("ranks", "k", "expected"),
    [([1, 3, None], 1, 1 / 3), ([1, 3, None], 3, 2 / 3), ([2, 2], 1, 0.0), ([], 5, 0.0)],
)
def test_hit_at(ranks: list[int | None], k: int, expected: float) -> None:
    assert hit_at(ranks, k) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("relevant", "total", "expected"),
    [
        ([True, False, False], 1, 1.0),
        ([False, True], 1, 1 / math.log2(3)),
        ([False, True, True], 2, (1 / math.log2(3) + 1 / math.log2(4)) / (1 + 1 / math.log2(3))),
        ([False, False], 1, 0.0),
        ([], 0, 0.0),
    ],
)
def test_ndcg(relevant: list[bool], total: int, expected: float) -> None:
    assert ndcg_at(relevant, total) == pytest.approx(expected)


def test_evidence_and_doc_rank() -> None:
    passages = [("a.txt", "Không liên quan"), ("b.txt", "có 1.695 trường hợp"), ("a.txt", "có 1.695 trường hợp")]
    assert evidence_rank(passages, ["a.txt"], ["1.695 trường hợp"]) == 3
    assert evidence_rank(passages, [], ["1.695"]) == 2
    assert evidence_rank(passages, ["a.txt"], ["không có"]) is None
    assert doc_rank([s for s, _ in passages], ["b.txt"]) == 2
    assert doc_rank([s for s, _ in passages], ["c.txt"]) is None


@pytest.mark.parametrize(
    ("answer", "needle", "found"),
    [
        ("Bộ đã kê khai 1,695 trường hợp [1].", "1.695", True),
        ("Bo da ke khai 1.695 truong hop", "1.695 trường hợp", True),
        ("The case involved 898.9 million dong.", "898,9 triệu đồng", True),
        ("Tác giả là Văn Hiếu.", "Văn Hiếu", True),
        ("Tác giả là Phương Nghi.", "Văn Hiếu", False),
        ("Có 1.696 trường hợp.", "1.695", False),
        ("Thanh tra Bộ đạt 75%.", "75%", True),
    ],
)
def test_fact_found(answer: str, needle: str, found: bool) -> None:
    assert fact_found(answer, needle) is found


@pytest.mark.parametrize(
    ("answer", "must", "any_", "correct"),
    [
        ("126 cán bộ và 251 CBCCVC", ["126", "251"], [], True),
        ("126 cán bộ", ["126", "251"], [], False),
        ("đạt 75 phần trăm", ["75%"], ["75%", "75 phần trăm"], True),
        ("đạt 57 phần trăm", ["75%"], ["75%", "75 phần trăm"], False),
    ],
)
def test_key_fact(answer: str, must: list[str], any_: list[str], correct: bool) -> None:
    assert key_fact_correct(answer, must, any_) is correct


@pytest.mark.parametrize(
    ("prediction", "reference", "expected"),
    [
        ("Có 1.695 trường hợp", "Có 1,695 trường hợp", 1.0),
        ("a b c d", "a b", 2 * (0.5 * 1.0) / 1.5),
        ("x y", "a b", 0.0),
        ("", "", 1.0),
        ("", "a", 0.0),
    ],
)
def test_token_f1(prediction: str, reference: str, expected: float) -> None:
    assert token_f1(prediction, reference) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("unanswerable", "refused", "expected"),
    [
        ([True, True, False, False], [True, False, True, False], (0.5, 0.5)),
        ([True, False], [True, False], (1.0, 1.0)),
        ([False, False], [False, False], (1.0, 1.0)),  # nothing to refuse, nothing refused
        ([True], [False], (1.0, 0.0)),
    ],
)
def test_refusal_scores(unanswerable: list[bool], refused: list[bool], expected: tuple[float, float]) -> None:
    assert refusal_scores(unanswerable, refused) == pytest.approx(expected)


def test_percentiles() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.5
    assert percentile(values, 95) == 95.0
    assert percentile([], 50) is None
