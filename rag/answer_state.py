"""What one answer carries through the chain's steps (question, hits, evidence, prompt, notes)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from rag.answer_types import Answer, AnswerMode
from rag.citations import Citation
from rag.evidence import Evidence, SentenceScores
from rag.history import Condensed, Turn, asks_something
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
    restored: str = ""  # the standalone question with diacritics restored, as the model and the date checks read it
    asked: str = ""  # ... of it, the words that ask (`asking`), as the checks of the kind of fact read them
    # Quoted right after the lead: each part's answer if it asks several things, and the `rival`.
    part_answers: list[Evidence] = field(default_factory=list)
    rival: Evidence | None = None  # a sentence whose figure fits the question better than the lead's

    def answer(
        self, text: str, citations: Sequence[Citation], mode: AnswerMode, fallback: str | None, *, refused: bool = False
    ) -> Answer:
        """The answer as it goes out: the text, its citations, and what the steps recorded."""
        return Answer(
            question=self.question,
            standalone_question=self.standalone,
            answer=text,
            refused=refused,
            mode=mode,
            fallback=fallback,
            citations=tuple(citations),
            timings_ms={
                "retrieval": self.retrieval_ms,
                "first_token": self.first_token_ms,
                "total": elapsed_ms(self.t0),
            },
            language=self.language,
            notes=tuple(self.notes),
            evidence=tuple(self.shown or self.evidence),
            signals=dict(self.signals),
        )

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

    @property
    def asking(self) -> str:
        """The words whose question words say what is asked: a follow-up carrying the previous
        question in brackets ("... bao nhiêu tiền? (Chủ đầu tư là ai?)") asks what its own words
        ask, when they ask anything; the brackets still feed retrieval, the dates and the model."""
        c = self.condensed
        if c is not None and c.method == "context" and asks_something(c.pinned):
            return c.pinned
        return self.standalone


def elapsed_ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 1)
