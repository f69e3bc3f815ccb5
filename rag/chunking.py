"""Sentence-aware chunking with offsets into the cleaned article (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from rag.sentences import Span, split_long, split_sentences


@dataclass(frozen=True)
class Chunk:
    index: int
    start: int
    end: int
    text: str  # always article[start:end]
    sentences: tuple[Span, ...] = ()  # the sentences it is made of, offsets into the article


def chunk_text(text: str, *, size: int, overlap: int) -> list[Chunk]:
    """Group whole sentences into chunks of at most `size` characters.

    Consecutive chunks share trailing sentences totalling at most `overlap`
    characters. A sentence longer than `size` is cut at whitespace.
    """
    if size <= 0:
        raise ValueError("chunk size must be positive")
    if not 0 <= overlap < size:
        raise ValueError("chunk overlap must be between 0 and size - 1")
    sentences: list[Span] = []
    for span in split_sentences(text):
        sentences.extend(split_long(text, span, size))

    chunks: list[Chunk] = []
    i = 0
    while i < len(sentences):
        j = i
        while j + 1 < len(sentences) and sentences[j + 1].end - sentences[i].start <= size:
            j += 1
        start, end = sentences[i].start, sentences[j].end
        chunks.append(Chunk(len(chunks), start, end, text[start:end], tuple(sentences[i : j + 1])))
        if j + 1 >= len(sentences):
            break
        # Step back over trailing sentences that fit in the overlap, but always advance,
        # and only as far as the next chunk still reaches the next sentence: otherwise it
        # would be a copy of this chunk's tail.
        nxt = sentences[j + 1]
        k = j + 1
        while k - 1 > i and end - sentences[k - 1].start <= overlap and nxt.end - sentences[k - 1].start <= size:
            k -= 1
        i = k
    return chunks
