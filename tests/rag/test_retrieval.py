"""Fusion, query validation and the engine over the fake embedder."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.config import Settings
from rag.errors import QueryError
from rag.pipeline import Pipeline
from rag.retrieval import fuse, fuse_scores, promote, validate_query
from tests.conftest import make_settings


@pytest.mark.parametrize(
    ("rankings", "expected"),
    [
        ([([1, 2, 3], 1.0)], [1, 2, 3]),
        ([([1, 2], 1.0), ([2, 1], 1.0)], [1, 2]),  # a tie goes to the lower row
        ([([1, 2], 1.0), ([2, 3], 1.0)], [2, 1, 3]),  # found by both beats first in one
        ([([1, 2], 0.0), ([3, 2], 1.0)], [3, 2, 1]),  # weight 0 silences a retriever
        ([([1], 1.0), ([2], 2.0)], [2, 1]),
        ([], []),
    ],
)
def test_fuse(rankings: list[tuple[list[int], float]], expected: list[int]) -> None:
    assert [row for row, _ in fuse(rankings, rrf_k=60)] == expected


def test_fuse_scores_are_reciprocal_ranks() -> None:
    assert fuse([([7, 8], 1.0), ([8], 0.5)], rrf_k=10) == [(8, pytest.approx(1 / 12 + 0.5 / 11)), (7, 1 / 11)]


@pytest.mark.parametrize(
    ("rankings", "expected"),
    [
        ([([(1, 0.9), (2, 0.5)], 1.0)], [1, 2]),
        # dense barely separates rows 1-3, BM25 is far surer of row 3: row 3 wins (RRF would pick row 1)
        (
            [([(1, 0.735), (2, 0.733), (3, 0.725), (4, 0.5)], 1.0), ([(3, 9.0), (2, 6.0), (1, 4.0), (4, 1.0)], 0.5)],
            [3, 2, 1, 4],
        ),
        # dense clearly prefers row 1: a small BM25 lead for row 2 does not overturn it
        ([([(1, 0.9), (2, 0.6), (3, 0.5)], 1.0), ([(2, 5.0), (1, 4.8), (3, 1.0)], 0.5)], [1, 2, 3]),
        ([([(1, 0.9), (2, 0.5)], 0.0), ([(2, 3.0)], 1.0)], [2]),  # weight 0 silences a retriever
        ([([(4, 0.5), (5, 0.5)], 1.0)], [4, 5]),  # equal scores: no division by zero, lower row first
        ([([], 1.0), ([], 0.5)], []),
    ],
)
def test_fuse_scores(rankings: list[tuple[list[tuple[int, float]], float]], expected: list[int]) -> None:
    assert [row for row, _ in fuse_scores(rankings)] == expected


def test_fuse_scores_normalises_each_list() -> None:
    fused = dict(fuse_scores([([(1, 0.8), (2, 0.6)], 1.0), ([(2, 10.0), (3, 2.0)], 0.5)]))
    assert fused == {1: pytest.approx(1.0), 2: pytest.approx(0.5), 3: pytest.approx(0.0)}


@pytest.mark.parametrize(
    ("query", "message"),
    [("", "trống"), ("   \n\t", "trống"), ("x" * 2001, "quá dài")],
)
def test_bad_queries(query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        validate_query(query, 2000)


def test_query_is_normalised() -> None:
    assert validate_query("  Hoà bình  ", 2000) == "Hòa bình"


@pytest.fixture
def pipeline(fake_settings: Settings, corpus: Path) -> Pipeline:
    p = Pipeline(fake_settings)
    p.ingest([corpus])
    return p


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_search_finds_the_answer_passage(pipeline: Pipeline, mode: str) -> None:
    hits = pipeline.search("Bộ Ngoại giao kê khai tài sản lần đầu 1.695 trường hợp", 3, mode)  # type: ignore[arg-type]
    assert hits[0].chunk.source == "000_5c1d37ac7b9ba84b.txt" and "1.695" in hits[0].chunk.text
    assert [h.rank for h in hits] == [1, 2, 3]
    assert all(h.article.text[h.chunk.start : h.chunk.end] == h.chunk.text for h in hits)


@pytest.mark.parametrize(
    "query",
    ["Quảng Trị thu hồi bao nhiêu tiền tham nhũng", "quang tri thu hoi bao nhieu tien tham nhung"],
)
def test_bm25_matches_with_and_without_diacritics(pipeline: Pipeline, query: str) -> None:
    hits = pipeline.search(query, 1, "bm25")
    assert hits[0].chunk.source == "003_b2ca1ae64fe89c4d.txt"


def test_numbers_match_across_formats(pipeline: Pipeline) -> None:
    hits = pipeline.search("1,695", 1, "bm25")
    assert "1.695" in hits[0].chunk.text


def test_search_json_schema(pipeline: Pipeline) -> None:
    hit = pipeline.search("Quảng Ninh", 1)[0].to_json()
    assert set(hit) == {"rank", "source", "chunk_id", "score", "title", "date", "start", "end", "text"}
    assert isinstance(hit["score"], float) and isinstance(hit["start"], int)


def test_langchain_retriever(pipeline: Pipeline) -> None:
    docs = pipeline.retriever(k=2).invoke("Quảng Ninh thủ tục hành chính")
    assert len(docs) == 2
    assert {"source", "chunk_id", "start", "end", "title", "date", "score"} <= set(docs[0].metadata)
    assert docs[0].id == docs[0].metadata["chunk_id"]


def test_empty_index_returns_nothing(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    p = Pipeline(settings)
    p.ingest([empty])
    assert p.search("tham nhũng") == []


@pytest.mark.parametrize(
    ("ranked", "rows", "expected"),
    [
        # The byline chunk (5) of article "a" takes the place where "a" first ranks.
        ([(1, 0.9), (2, 0.8), (5, 0.1)], {"a": 5}, [5, 1, 2]),
        # Not among the candidates at all: still brought in.
        ([(3, 0.9), (1, 0.8)], {"a": 5}, [3, 5, 1]),
        # An article without a byline is left alone.
        ([(3, 0.9), (4, 0.8)], {"a": 5}, [3, 4]),
        ([], {"a": 5}, []),
    ],
)
def test_promote_metadata_chunk(ranked: list[tuple[int, float]], rows: dict[str, int], expected: list[int]) -> None:
    sources = dict(enumerate(["a", "a", "a", "b", "b", "a"]))
    assert [r for r, _ in promote(ranked, rows, sources)] == expected


def test_author_question_gets_the_byline_chunk(pipeline: Pipeline) -> None:
    hit = pipeline.search("Ai là tác giả bài viết về Quảng Ninh nêu cao trách nhiệm người đứng đầu?", 1)[0]
    assert "Nguyễn Huế" in hit.chunk.text
