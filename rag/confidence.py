"""How sure the evidence makes us that the articles answer the question (pure).

Retrieval always returns the closest passages, even for a question the archive cannot
answer ("Thủ đô của nước Pháp là thành phố nào?"). The signals below measure how well the
evidence matches the question; `answer_score` combines them with weights fitted on the dev
sets (python -m eval.calibrate), and the chain refuses below `answer.min_confidence`. One
score instead of a cascade of hard rules: a weak match on one signal can be outweighed by
the others (an English question shares no words with a Vietnamese passage).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from rag.evidence import Evidence, SentenceScores, coverage
from rag.language import Language

SIGNALS = ("dense_top", "dense_mean", "coverage", "english", "typed")


def answer_signals(
    question: str, language: Language, evidence: Sequence[Evidence], dense: SentenceScores | None, typed: bool
) -> dict[str, float]:
    """dense_top: cosine of the question with its closest retrieved sentence; dense_mean: the mean
    over all retrieved sentences (high when the archive covers the topic, flat and low when
    retrieval only found the least-bad passages); coverage: share of the question's content
    words in the evidence; english: 1 for an English question (its words cannot cover a
    Vietnamese passage); typed: 1 when the best sentences state what the question asks for
    (a figure of the asked kind, a person's name), or it asks for no such thing."""
    scores = list(dense.values()) if dense else []
    return {
        "dense_top": max(scores) if scores else 0.0,
        "dense_mean": sum(scores) / len(scores) if scores else 0.0,
        "coverage": coverage(question, " ".join(e.text for e in evidence)) if evidence else 0.0,
        "english": 1.0 if language == "en" else 0.0,
        "typed": 1.0 if typed else 0.0,
    }


def answer_score(signals: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """Probability-like score in [0, 1] (logistic over the signals; "bias" is the intercept)."""
    z = weights.get("bias", 0.0) + sum(weights.get(k, 0.0) * signals.get(k, 0.0) for k in SIGNALS)
    return 1.0 / (1.0 + math.exp(-z))
