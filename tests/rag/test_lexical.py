"""FTS5 terms from the project's tokens: one term per token, whatever characters it holds."""

from __future__ import annotations

import pytest

from rag.lexical import fts_query, fts_terms, lexical_tokens


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
