"""Chunk invariants on synthetic text and on the five bundled articles."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from rag.chunking import Chunk, chunk_text
from rag.cleaning import clean_article
from rag.sentences import split_long, split_sentences

ARTICLES = sorted((Path(__file__).resolve().parents[2] / "data" / "articles").glob("*.txt"))
SIZES = [(50, 0), (120, 40), (200, 0), (300, 299), (600, 150), (1000, 200), (5000, 100)]


def cleaned(path: Path) -> str:
    return clean_article(path.read_text(encoding="utf-8")).text


def check_chunks(text: str, chunks: list[Chunk], size: int, overlap: int) -> None:
    """Every property a chunking of `text` must have; fails with the first one broken."""
    pieces = [p for s in split_sentences(text) for p in split_long(text, s, size)]
    starts, ends = {p.start for p in pieces}, {p.end for p in pieces}
    assert [c.index for c in chunks] == list(range(len(chunks)))
    for c in chunks:
        assert c.text == text[c.start : c.end]
        assert c.text and c.text == c.text.strip()
        assert len(c.text) <= size
        # Chunks hold whole sentences (or whole pieces of an over-long one).
        assert c.start in starts and c.end in ends
    for a, b in pairwise(chunks):
        # In order, and each chunk brings new text: none is a copy of the previous one's tail.
        assert a.start < b.start and a.end < b.end
        assert max(0, a.end - b.start) <= overlap
        # No gap: the next chunk starts at or before the first piece after this one.
        following = next(p for p in pieces if p.start >= a.end)
        assert b.start <= following.start
    # Greedy: a chunk ends only where the next piece would not have fitted.
    for c in chunks:
        nxt = next((p for p in pieces if p.start >= c.end), None)
        assert nxt is None or nxt.end - c.start > size
    # Coverage: every sentence that fits lies inside one chunk; every character of text is in some chunk.
    for s in split_sentences(text):
        if s.end - s.start <= size:
            assert any(c.start <= s.start and s.end <= c.end for c in chunks), text[s.start : s.end]
    covered = set().union(*(range(c.start, c.end) for c in chunks)) if chunks else set()
    assert all(ch.isspace() for i, ch in enumerate(text) if i not in covered)


def test_the_articles_are_there() -> None:
    assert len(ARTICLES) == 5


@pytest.mark.parametrize(("size", "overlap"), SIZES)
@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.stem[:3])
def test_article_chunks(path: Path, size: int, overlap: int) -> None:
    text = cleaned(path)
    chunks = chunk_text(text, size=size, overlap=overlap)
    check_chunks(text, chunks, size, overlap)
    if size < len(text):
        assert len(chunks) > 1


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.stem[:3])
def test_overlap_repeats_trailing_sentences(path: Path) -> None:
    text = cleaned(path)
    with_overlap = chunk_text(text, size=400, overlap=200)
    without = chunk_text(text, size=400, overlap=0)
    shared = [a.end - b.start for a, b in pairwise(with_overlap) if b.start < a.end]
    assert shared, "sentences of these articles are short enough that some overlap must happen"
    assert all(a.end <= b.start for a, b in pairwise(without))


SAMPLE = "Câu một ngắn. Câu hai dài hơn một chút. Câu ba.\nĐoạn hai có một câu. Và câu cuối cùng!"


@pytest.mark.parametrize(
    ("text", "size", "overlap"),
    [
        (SAMPLE, 20, 0),
        (SAMPLE, 30, 15),
        (SAMPLE, 45, 44),
        (SAMPLE, len(SAMPLE), 0),
        ("một " * 200, 37, 10),  # one long sentence with no terminal mark
        ("x" * 95 + " y. Z.", 30, 5),  # a word longer than the size is cut inside
        ("A" * 39 + ". " + "B" * 49 + ". " + " ".join(["C" * 9] * 9) + ".", 100, 60),
        ("Một câu.", 100, 10),
    ],
)
def test_synthetic_chunks(text: str, size: int, overlap: int) -> None:
    check_chunks(text, chunk_text(text, size=size, overlap=overlap), size, overlap)


def test_whole_text_in_one_chunk_when_it_fits() -> None:
    chunks = chunk_text(f"  {SAMPLE}\n", size=1000, overlap=100)
    assert [(c.index, c.text) for c in chunks] == [(0, SAMPLE)]


def test_no_chunk_is_a_copy_of_the_previous_tail() -> None:
    # A + B fill the first chunk; C is too long to join B, so a chunk of B alone would repeat it.
    text = "A" * 39 + ". " + "B" * 49 + ". " + " ".join(["C" * 9] * 9) + "."
    chunks = chunk_text(text, size=100, overlap=60)
    assert [c.text[:1] for c in chunks] == ["A", "C"]


@pytest.mark.parametrize("text", ["", "   \n\n  "])
def test_empty_text_has_no_chunks(text: str) -> None:
    assert chunk_text(text, size=100, overlap=10) == []


@pytest.mark.parametrize(
    ("size", "overlap"),
    [(0, 0), (-5, 0), (100, -1), (100, 100), (100, 150)],
)
def test_invalid_size_or_overlap(size: int, overlap: int) -> None:
    with pytest.raises(ValueError, match="chunk"):
        chunk_text(SAMPLE, size=size, overlap=overlap)
