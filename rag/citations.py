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
        }


@dataclass(frozen=True)
class MarkedSentence:
    """One answer sentence without its markers, and the evidence numbers it cited (in order)."""

    text: str
    markers: tuple[int, ...]
    dropped_markers: tuple[int, ...] = ()


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


def render(sentences: Sequence[MarkedSentence], evidence: Mapping[int, Evidence]) -> tuple[str, list[Citation]]:
    """Join sentences with renumbered markers; the citations they use, numbered 1..k.

    Sentences without markers are rendered as they are; callers drop them first.
    """
    renumber: dict[int, int] = {}
    parts: list[str] = []
    for s in sentences:
        for old in s.markers:
            renumber.setdefault(old, len(renumber) + 1)
        marks = "".join(f"[{renumber[old]}]" for old in s.markers)
        text = s.text
        end = ""
        if text and text[-1] in ".!?…":
            text, end = text[:-1], text[-1]
        parts.append(f"{text} {marks}{end}" if marks else f"{text}{end}")
    citations = [
        Citation(new, e.source, e.title, e.date, e.chunk_id, e.start, e.end, e.text)
        for old, new in renumber.items()
        for e in [evidence[old]]
    ]
    return " ".join(parts), citations


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
