"""Citation markers in model output (pure): parse, validate, renumber, map to passages.

The model cites evidence sentences as "[n]" (also "[1, 2]" or "[1][2]"). A marker
that points to no evidence sentence is removed. Markers are renumbered 1..k in
order of first use, and each maps to a `Citation` whose quote is exactly
`article.text[start:end]`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rag.evidence import Evidence
from rag.sentences import split_sentences

MARKER = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([.,;:!?…])")


@dataclass(frozen=True)
class Citation:
    n: int
    source: str
    title: str
    date: str | None
    chunk_id: str
    start: int
    end: int
    quote: str
    # The sentence of the same article stating what the answer restated from the question and the
    # quote leaves to the story ("Quảng Ninh" of a report's lead); -1 and "" when there is none.
    context_start: int = -1
    context_end: int = -1
    context: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "source": self.source,
            "title": self.title,
            "date": self.date,
            "chunk_id": self.chunk_id,
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
            "context_start": self.context_start,
            "context_end": self.context_end,
            "context": self.context,
        }


@dataclass(frozen=True)
class MarkedSentence:
    """One answer sentence without its markers, and the evidence numbers it cited (in order)."""

    text: str
    markers: tuple[int, ...]
    dropped_markers: tuple[int, ...] = ()
    context: tuple[int, int] | None = None  # span, in its first cited article, of the sentence backing its premise


def parse_markers(text: str) -> list[int]:
    """Every number inside [..] markers, in order, repeats included."""
    return [int(n) for m in MARKER.finditer(text) for n in re.split(r"\s*[,;]\s*", m.group(1))]


def strip_markers(text: str) -> str:
    return _SPACE_BEFORE_PUNCT.sub(r"\1", MARKER.sub("", text)).strip()


def split_marked(answer: str, valid: Sequence[int]) -> list[MarkedSentence]:
    """Answer sentences with their valid markers; out-of-range markers are listed as dropped.

    A marker opening a sentence ("[2] Năm 2022 ...") belongs to that sentence.
    """
    allowed = set(valid)
    out: list[MarkedSentence] = []
    for span in split_sentences(answer.strip()):
        raw = answer.strip()[span.start : span.end]
        text = strip_markers(raw)
        if not text or not any(c.isalnum() for c in text):
            # A sentence of markers only, e.g. a trailing "[1]." after the full stop.
            if out and parse_markers(raw):
                prev = out[-1]
                good = [n for n in parse_markers(raw) if n in allowed]
                bad = [n for n in parse_markers(raw) if n not in allowed]
                out[-1] = MarkedSentence(
                    prev.text,
                    tuple(dict.fromkeys([*prev.markers, *good])),
                    tuple(dict.fromkeys([*prev.dropped_markers, *bad])),
                )
            continue
        numbers = parse_markers(raw)
        out.append(
            MarkedSentence(
                text,
                tuple(dict.fromkeys(n for n in numbers if n in allowed)),
                tuple(dict.fromkeys(n for n in numbers if n not in allowed)),
            )
        )
    return out


def render(
    sentences: Sequence[MarkedSentence], evidence: Mapping[int, Evidence], articles: Mapping[str, str] | None = None
) -> tuple[str, list[Citation]]:
    """Join sentences with renumbered markers; the citations they use, numbered 1..k.

    Sentences without markers are rendered as they are; callers drop them first. A sentence's
    premise context (a span of its first cited article, whose text `articles` holds by source)
    goes with that citation.
    """
    articles = articles or {}
    renumber: dict[int, int] = {}
    contexts: dict[int, tuple[int, int]] = {}
    parts: list[str] = []
    for s in sentences:
        for old in s.markers:
            renumber.setdefault(old, len(renumber) + 1)
        if s.context is not None and s.markers:
            contexts.setdefault(s.markers[0], s.context)
        marks = "".join(f"[{renumber[old]}]" for old in s.markers)
        text = s.text
        end = ""
        if text and text[-1] in ".!?…":
            text, end = text[:-1], text[-1]
        parts.append(f"{text} {marks}{end}" if marks else f"{text}{end}")
    citations = [
        Citation(new, e.source, e.title, e.date, e.chunk_id, e.start, e.end, e.text, *context)
        for old, new in renumber.items()
        for e in [evidence[old]]
        for context in [_context(contexts.get(old), articles.get(e.source, ""))]
    ]
    return " ".join(parts), citations


def _context(span: tuple[int, int] | None, article: str) -> tuple[int, int, str]:
    if span is None or not article or not 0 <= span[0] < span[1] <= len(article):
        return (-1, -1, "")
    return (span[0], span[1], article[span[0] : span[1]])


def citation_for(n: int, evidence: Evidence) -> Citation:
    return Citation(
        n,
        evidence.source,
        evidence.title,
        evidence.date,
        evidence.chunk_id,
        evidence.start,
        evidence.end,
        evidence.text,
    )
