"""FTS5 terms from the project's tokens: one term per token, whatever characters it holds."""

from __future__ import annotations

import pytest

from rag.lexical import LexicalIndex, bm25_scores, fts_query, fts_terms, lexical_tokens


@pytest.mark.parametrize(
    ("tokens", "terms"),
    [
        (["tham", "nhung", "tham_nhung"], ["tham", "nhung", "tham_nhung"]),
        (["898.9"], ["u3839382e39"]),  # a decimal would be split by SQLite's tokenizer
        (["covid-19"], ["u636f7669642d3139"]),
        ([""], []),
    ],
)
def test_fts_terms(tokens: list[str], terms: list[str]) -> None:
    assert fts_terms(tokens) == terms


def test_fts_query_is_an_or_of_quoted_unique_terms() -> None:
    assert fts_query(["ghi", "ban", "ghi"]) == '"ghi" OR "ban"'
    assert fts_query([]) == ""


@pytest.mark.parametrize(
    ("words", "tokens"),
    [
        (["Thủ_tướng"], ["thu", "tuong", "thu_tuong"]),  # politics
        (["1.695"], ["1695"]),
        (["23.000", "đồng"], ["23000", "dong"]),  # business
        (["U23", "Việt_Nam"], ["u23", "viet", "nam", "viet_nam"]),  # sports
    ],
)
def test_lexical_tokens(words: list[str], tokens: list[str]) -> None:
    assert lexical_tokens(words) == tokens


@pytest.mark.parametrize(
    ("documents", "expected_order"),
    [
        # the rare term decides: "rafaelson" is in one document, "ghi" in all
        ({1: ["ghi", "ban"], 2: ["rafaelson", "ghi", "ban"], 3: ["ghi"]}, [2, 1, 3]),
        # a term repeated counts more, with diminishing returns; a longer document counts less
        ({1: ["lai", "suat"], 2: ["lai", "suat", "lai", "suat"], 3: ["lai", "x", "y", "z", "w", "v"]}, [2, 1, 3]),
    ],
)
def test_bm25_scores_rank(documents: dict[int, list[str]], expected_order: list[int]) -> None:
    query = sorted({t for terms in documents.values() for t in terms} - {"x", "y", "z", "w", "v"})
    df = {t: sum(t in terms for terms in documents.values()) for t in query}
    mean = sum(len(t) for t in documents.values()) / len(documents)
    scores = bm25_scores(query, documents, df, len(documents), mean)
    assert sorted(scores, key=lambda r: -scores[r]) == expected_order


def test_bm25_ignores_terms_no_document_holds() -> None:
    scores = bm25_scores(["khong", "co"], {1: ["co"]}, {"co": 1}, 1, 1.0)
    assert scores[1] > 0


class _Source:
    """An in-memory LexicalSource: every chunk holding a term is a candidate, in row order."""

    def __init__(self, docs: dict[int, list[str]]) -> None:
        self.docs = docs
        self.matched: list[list[str]] = []

    def lexical_stats(self) -> tuple[int, float]:
        return len(self.docs), sum(map(len, self.docs.values())) / len(self.docs)

    def document_frequencies(self, terms: list[str]) -> dict[str, int]:
        return {t: n for t in terms if (n := sum(t in d for d in self.docs.values()))}

    def match(self, terms: list[str], limit: int) -> list[int]:
        self.matched.append(list(terms))
        return [r for r, d in self.docs.items() if set(terms) & set(d)][:limit]

    def terms_of(self, rows: list[int]) -> dict[int, list[str]]:
        return {r: self.docs[r] for r in rows}


def test_common_terms_do_not_pick_candidates_but_still_score() -> None:
    docs = {i: ["nam", "cua"] for i in range(2000)}  # a syllable in every chunk of an archive
    docs[5000] = ["nam", "cua", "bong", "da"]
    docs[5001] = ["bong", "da", "khac", "nua"]  # as long, without the common words
    source = _Source(docs)
    hits = LexicalIndex(source, common_share=0.05, candidates=10).search(["bong", "da", "nam", "cua"], 2)
    assert source.matched == [["bong", "da"]]  # the 2,000 common postings were never read
    assert [row for row, _ in hits] == [5000, 5001]  # "nam" and "cua" still count in the score
