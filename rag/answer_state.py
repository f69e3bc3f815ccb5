"""What one answer carries through the chain's steps (question, hits, evidence, prompt, notes)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from rag.answer_types import AnswerMode
from rag.evidence import Evidence, SentenceScores
from rag.history import Condensed, Turn
from rag.language import Language
from rag.llm import Message
from rag.retrieval import SearchHit


@dataclass
class AnswerState:
    question: str
    history: list[Turn]
    mode: AnswerMode
    t0: float = field(default_factory=time.perf_counter)
    language: Language = "vi"
    condensed: Condensed | None = None
    hits: list[SearchHit] = field(default_factory=list)
    retrieval_ms: float = 0.0
    evidence: list[Evidence] = field(default_factory=list)  # all selected sentences (quoting uses these)
    shown: list[Evidence] = field(default_factory=list)  # the ones in the prompt, numbered as the model saw them
    dense: SentenceScores | None = None
    refusal_reason: str | None = None
    messages: list[Message] = field(default_factory=list)
    first_token_ms: float | None = None
    notes: list[str] = field(default_factory=list)
    signals: dict[str, float] = field(default_factory=dict)
    asked: str = ""  # the standalone question with diacritics restored, as the checks read it
    part_answers: list[Evidence] = field(default_factory=list)  # each part's, if it asks several things

    @property
    def stories(self) -> dict[str, str]:
        """Each retrieved article's title and text, by source: what the fact checks read."""
        return {h.chunk.source: f"{h.article.title}\n{h.article.text}" for h in self.hits}

    @property
    def pinned(self) -> str:
        """The user's own words (names resolved): what the evidence must hold (rag/history.py)."""
        return self.condensed.pinned if self.condensed else self.question

    @property
    def standalone(self) -> str:
        return self.condensed.question if self.condensed else self.question


def elapsed_ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 1)
