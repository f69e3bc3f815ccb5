"""How sure the evidence makes us that the articles answer the question (pure).

Retrieval always returns the closest passages, even for a question the archive cannot
answer ("Thủ đô của nước Pháp là thành phố nào?"). The signals below measure how well the
best evidence matches the question; `answer_score` combines them with weights fitted on the
dev sets (python -m eval.calibrate), and the chain refuses below `answer.min_confidence`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from rag.evidence import Evidence, SentenceScores, coverage
from rag.language import Language

SIGNALS = ("dense_top", "coverage", "english")


def answer_signals(
    question: str, language: Language, evidence: Sequence[Evidence], dense: SentenceScores | None
) -> dict[str, float]:
    """dense_top: cosine of the question with its closest retrieved sentence; coverage: share of
    the question's content words in the evidence; english: 1 for an English question (its words
    cannot cover a Vietnamese passage, so coverage means less)."""
    return {
        "dense_top": max(dense.values()) if dense else 0.0,
        "coverage": coverage(question, " ".join(e.text for e in evidence)) if evidence else 0.0,
        "english": 1.0 if language == "en" else 0.0,
    }


def answer_score(signals: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """Probability-like score in [0, 1] (logistic over the signals; "bias" is the intercept)."""
    z = weights.get("bias", 0.0) + sum(weights.get(k, 0.0) * signals.get(k, 0.0) for k in SIGNALS)
    return 1.0 / (1.0 + math.exp(-z))
