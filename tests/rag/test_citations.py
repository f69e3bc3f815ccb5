"""Citation markers: parsing, out-of-range markers, renumbering, exact quotes."""

from __future__ import annotations

import pytest

from rag.citations import MarkedSentence, parse_markers, render, split_marked, strip_markers
from rag.evidence import select_evidence
from tests.rag.answer_support import BO_NGOAI_GIAO, QUANG_TRI, hits


@pytest.mark.parametrize(
    ("text", "markers"),
    [
        ("Có 28 cuộc [1].", [1]),
        ("Có 28 cuộc [1][2].", [1, 2]),
        ("Có 28 cuộc [1, 3].", [1, 3]),
        ("Có 28 cuộc [2;1].", [2, 1]),
        ("[2] Năm 2022 có 12 cuộc.", [2]),
        ("Không có dấu nào.", []),
        ("Năm [2019] là năm.", [2019]),
    ],
)
def test_parse_markers(text: str, markers: list[int]) -> None:
    assert parse_markers(text) == markers


@pytest.mark.parametrize(
    ("text", "stripped"),
    [("Có 28 cuộc [1].", "Có 28 cuộc."), ("[2] Năm 2022.", "Năm 2022."), ("A [1, 2], B [3].", "A, B.")],
)
def test_strip_markers(text: str, stripped: str) -> None:
    assert strip_markers(text) == stripped


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        # (sentence text, valid markers, dropped markers) per sentence
        ("Có 28 cuộc [1]. Thu hồi 1 tỷ [2].", [("Có 28 cuộc.", (1,), ()), ("Thu hồi 1 tỷ.", (2,), ())]),
        ("Có 28 cuộc [7].", [("Có 28 cuộc.", (), (7,))]),
        ("Có 28 cuộc [1][9].", [("Có 28 cuộc.", (1,), (9,))]),
        ("Có 28 cuộc. [1]", [("Có 28 cuộc.", (1,), ())]),
        ("[1] Có 28 cuộc. [2] Thu hồi 1 tỷ.", [("Có 28 cuộc.", (1,), ()), ("Thu hồi 1 tỷ.", (2,), ())]),
        ("Không có dấu.", [("Không có dấu.", (), ())]),
    ],
)
def test_split_marked_keeps_only_markers_that_point_somewhere(
    answer: str, expected: list[tuple[str, tuple[int, ...], tuple[int, ...]]]
) -> None:
    got = [(s.text, s.markers, s.dropped_markers) for s in split_marked(answer, [1, 2, 3])]
    assert got == expected


def test_render_renumbers_by_first_use_and_quotes_the_article_exactly() -> None:
    found = hits(("qt.txt", QUANG_TRI), ("bng.txt", BO_NGOAI_GIAO))
    evidence = select_evidence("thu hồi 1.695 trường hợp 28 cuộc", found, token_budget=500, max_sentences=6)
    by_n = {e.n: e for e in evidence}
    last = max(by_n)
    sentences = split_marked(f"Một ý [{last}]. Ý khác [1][{last}].", list(by_n))
    text, citations = render(sentences, by_n)
    assert text == "Một ý [1]. Ý khác [2][1]."
    assert [c.n for c in citations] == [1, 2]
    articles = {h.chunk.source: h.article.text for h in found}
    for c in citations:
        assert c.quote == articles[c.source][c.start : c.end]
    assert set(citations[0].to_json()) == {
        *("n", "source", "title", "date", "chunk_id", "start", "end", "quote"),
        *("context_start", "context_end", "context"),
    }
    assert all(c.context_start == -1 and c.context == "" for c in citations)


def test_a_premise_context_goes_with_the_sentences_first_citation_and_quotes_the_article() -> None:
    found = hits(("qt.txt", QUANG_TRI))
    evidence = select_evidence("thu hồi bao nhiêu tiền", found, token_budget=500, max_sentences=3)
    article = found[0].article.text
    lead = article.index("Quảng Trị")
    span = (lead, lead + len("Quảng Trị"))
    sentence = MarkedSentence("Quảng Trị đã thu hồi tiền", (evidence[0].n,), context=span)
    _, citations = render([sentence], {e.n: e for e in evidence}, {"qt.txt": article})
    assert (citations[0].context_start, citations[0].context_end) == span
    assert citations[0].context == article[span[0] : span[1]] == "Quảng Trị"
    # A span the article does not have is left out, not shown wrong.
    bad = MarkedSentence("Quảng Trị đã thu hồi tiền", (evidence[0].n,), context=(0, len(article) + 5))
    assert render([bad], {e.n: e for e in evidence}, {"qt.txt": article})[1][0].context == ""
