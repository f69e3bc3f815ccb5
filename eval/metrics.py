"""Pure retrieval metrics over ranked passages."""

from __future__ import annotations

from collections.abc import Sequence

from rag.text import fold_accents, normalize


def _norm(text: str) -> str:
    return " ".join(normalize(text).lower().split())


def contains_all(text: str, needles: Sequence[str]) -> bool:
    """True when every needle occurs in text, after NFC/tone normalisation and case folding."""
    hay = _norm(text)
    return all(_norm(n) in hay for n in needles)


def contains_all_folded(text: str, needles: Sequence[str]) -> bool:
    """Like contains_all, but also ignoring diacritics."""
    hay = fold_accents(_norm(text))
    return all(fold_accents(_norm(n)) in hay for n in needles)


def evidence_rank(
    passages: Sequence[tuple[str, str]], gold_sources: Sequence[str], must_include: Sequence[str]
) -> int | None:
    """1-based rank of the first (source, text) passage from a gold source holding every must_include string."""
    for rank, (source, text) in enumerate(passages, start=1):
        if (not gold_sources or source in gold_sources) and contains_all(text, must_include):
            return rank
    return None


def hit_at(ranks: Sequence[int | None], k: int) -> float:
    """Share of questions whose rank is at most k (None counts as a miss)."""
    if not ranks:
        return 0.0
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks)


def mrr(ranks: Sequence[int | None]) -> float:
    """Mean reciprocal rank; a miss contributes 0."""
    if not ranks:
        return 0.0
    return sum(1.0 / r for r in ranks if r) / len(ranks)
