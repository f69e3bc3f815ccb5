"""Vietnamese sentence splitting with character offsets (pure).

Written here rather than taken from underthesea because citations need exact
offsets into the article, which `sent_tokenize` does not return.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Abbreviations that end with a dot but do not end a sentence.
_ABBREVIATIONS = frozenset(
    {
        "tp",
        "ths",
        "ts",
        "pgs",
        "gs",
        "bs",
        "ks",
        "th.s",
        "q",
        "p",
        "tt",
        "v.v",
        "vd",
        "st",
        "mr",
        "mrs",
        "dr",
        "no",
        "tr",
    }
)
# End of sentence: terminal punctuation, optional closing quotes/brackets, then
# whitespace and something that can start a sentence.
_BOUNDARY = re.compile(r"([.!?…]+)([\"'”’)\]]*)(\s+)(?=[\"'“‘(\[]?[^\W_a-zđ]|[\"'“‘(\[]?\d)", re.UNICODE)


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def _is_abbreviation(line: str, dot_at: int) -> bool:
    word = re.search(r"(\S+)$", line[:dot_at])
    if not word:
        return False
    token = word.group(1).lower().strip("(\"'“")
    # Single letters are initials ("Nguyễn V. A"); multi-dot tokens are "v.v." style.
    return token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha())


def _trimmed(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if end > start else None


def split_sentences(text: str) -> list[Span]:
    """Sentence spans of `text`; `text[s.start:s.end]` is the sentence, trimmed.

    Line breaks always end a sentence: cleaned articles keep one paragraph a line.
    """
    spans: list[Span] = []
    offset = 0
    for line in text.split("\n"):
        start = 0
        for m in _BOUNDARY.finditer(line):
            if m.group(1) == "." and _is_abbreviation(line, m.start(1)):
                continue
            cut = m.end(2)
            span = _trimmed(text, offset + start, offset + cut)
            if span:
                spans.append(span)
            start = m.end(3)
        span = _trimmed(text, offset + start, offset + len(line))
        if span:
            spans.append(span)
        offset += len(line) + 1
    return spans


def split_long(text: str, span: Span, max_chars: int) -> list[Span]:
    """Cut a span longer than `max_chars` at whitespace, so no piece exceeds it."""
    if span.end - span.start <= max_chars:
        return [span]
    pieces: list[Span] = []
    start = span.start
    while span.end - start > max_chars:
        cut = text.rfind(" ", start + 1, start + max_chars)
        if cut <= start:
            cut = start + max_chars
        piece = _trimmed(text, start, cut)
        if piece:
            pieces.append(piece)
        start = cut
    last = _trimmed(text, start, span.end)
    if last:
        pieces.append(last)
    return pieces
