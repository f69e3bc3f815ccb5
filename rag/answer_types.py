"""What the answer chain returns: the `Answer` and the events of its stream (plain values)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from rag.citations import Citation
from rag.evidence import Evidence
from rag.language import Language

AnswerMode = Literal["generative", "extractive"]
REFUSAL: dict[Language, str] = {
    "vi": "Không tìm thấy thông tin này trong các bài báo hiện có.",
    "en": "This information was not found in the available articles.",
}
# What opens a quoted (extractive) answer.
EXTRACTIVE_LEAD: dict[Language, str] = {"vi": "Theo các bài báo:", "en": "From the articles (in Vietnamese):"}
# Fallback reasons reported in Answer.fallback.
DROPPED = "dropped_unverified_sentences"
EXTRACTIVE_UNVERIFIED = "extractive_unverified_answer"
EXTRACTIVE_NO_LLM = "extractive_llm_unavailable"
# The plain fields every JSON form of an answer carries (the API's and the chat page's records).
ANSWER_FIELDS = ("question", "standalone_question", "answer", "refused", "mode", "fallback")


@dataclass(frozen=True)
class Answer:
    question: str
    standalone_question: str
    answer: str
    refused: bool
    mode: AnswerMode
    fallback: str | None
    citations: tuple[Citation, ...]
    timings_ms: dict[str, float | None]
    language: Language = "vi"
    notes: tuple[str, ...] = ()  # what was dropped or why the LLM was not used, for people
    evidence: tuple[Evidence, ...] = ()
    signals: dict[str, float] = field(default_factory=dict)  # what answerability was judged on

    def to_json(self) -> dict[str, Any]:
        return {
            **{name: getattr(self, name) for name in ANSWER_FIELDS},
            "citations": [c.to_json() for c in self.citations],
            "timings_ms": dict(self.timings_ms),
        }


@dataclass(frozen=True)
class Token:
    text: str


@dataclass(frozen=True)
class Queued:
    """A generative question waiting for the model: `ahead` requests before it, about `eta_s` s."""

    ahead: int
    eta_s: float


@dataclass(frozen=True)
class Done:
    answer: Answer


Event = Token | Queued | Done
