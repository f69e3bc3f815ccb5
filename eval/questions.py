"""Reading eval/dev question files (the schema shared with `rag eval`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEV_QUESTIONS = Path(__file__).with_name("dev_questions.jsonl")


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    answerable: bool
    gold_sources: list[str]
    must_include: list[str]
    kind: str
    must_include_any: list[str] = field(default_factory=list)
    reference_answer: str = ""
    history: list[dict[str, str]] = field(default_factory=list)
    desk: str = ""  # the newsroom desk of the article asked about (politics, sports, ...), for per-desk figures


def load_questions(path: Path = DEV_QUESTIONS) -> list[Question]:
    """Parse a JSONL question file; a bad line raises ValueError naming its line number."""
    questions: list[Question] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw: dict[str, Any] = json.loads(line)
            questions.append(Question(**raw))
        except (json.JSONDecodeError, TypeError) as exc:
            raise ValueError(f"{path}:{n}: not a valid question record ({exc})") from exc
    return questions
