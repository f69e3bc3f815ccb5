"""Vietnamese sentence splitting with character offsets (pure).

Written here rather than taken from underthesea because citations need exact
offsets into the article, which `sent_tokenize` does not return.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Abbreviations that end with a dot but do not end a sentence. No real Vietnamese
# words here: "no" (full) would stop "Ăn no. Sau đó..." from splitting.
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
        "tr",
        # English titles, which English answers and quoted wire copy put before names ("Ms. Ngoc").
        # Not "gen" or "sen": "gen" (gene) and "sen" (lotus) are Vietnamese words.
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gov",
        "capt",
        "sgt",
        "jr",
        "sr",
        "vs",
    }
)
# End of sentence: terminal punctuation, optional closing quotes/brackets, then
# whitespace and a word; `_starts_sentence` then checks that word is capitalised
# (a character class cannot say "upper case" for "Ở" or "Ấ").
_BOUNDARY = re.compile(r"([.!?…]+)([\"'”’)\]]*)(\s+)(?=[\"'“‘(\[]?\w)")
_OPENERS = "\"'“‘(["
# "1." / "IV." alone at the start of a line number a list item; they do not end a sentence.
_LIST_MARKER = re.compile(r"\d{1,3}|[IVX]{1,5}")
_SPACE = re.compile(r"\s")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def _is_abbreviation(line: str, dot_at: int) -> bool:
    if _LIST_MARKER.fullmatch(line[:dot_at].strip()):
        return True
    word = re.search(r"(\S+)$", line[:dot_at])
    if not word:
        return False
    token = word.group(1).lower().strip("(\"'“")
    # Single letters are initials ("Nguyễn V. A"); titles are stacked with dots ("PGS.TS.").
    parts = [p for p in token.split(".") if p]
    return token in _ABBREVIATIONS or (
        bool(parts) and all(p in _ABBREVIATIONS or (len(p) == 1 and p.isalpha()) for p in parts)
    )


def _starts_sentence(line: str, at: int) -> bool:
    while at < len(line) and line[at] in _OPENERS:
        at += 1
    return at < len(line) and (line[at].isupper() or line[at].isdigit())


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
            if not _starts_sentence(line, m.end(3)):
                continue
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
    """Cut a span longer than `max_chars` at whitespace, so no piece exceeds it.

    A single word longer than `max_chars` is cut inside the word.
    """
    if span.end - span.start <= max_chars:
        return [span]
    pieces: list[Span] = []
    start = span.start
    while span.end - start > max_chars:
        # Any whitespace (articles carry no-break spaces and tabs), as late as still fits.
        gaps = [m.start() for m in _SPACE.finditer(text, start + 1, start + max_chars + 1)]
        cut = gaps[-1] if gaps else start + max_chars
        piece = _trimmed(text, start, cut)
        if piece:
            pieces.append(piece)
        start = cut
    last = _trimmed(text, start, span.end)
    if last:
        pieces.append(last)
    return pieces
