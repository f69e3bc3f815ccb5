"""Feedback on answers: one JSON object a line, appended; evaluators turn it into eval questions."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ui.chat import Exchange

RATINGS = {"up": "👍", "down": "👎"}


def feedback_record(
    exchange: Exchange, rating: str | None, comment: str = "", user: str | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """What is stored: timestamp, question, answer, citations and mode (plus rating, comment, user)."""
    if rating not in (None, *RATINGS):
        raise ValueError(f"rating must be 'up', 'down' or None, not {rating!r}")
    return {
        "timestamp": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "question": exchange.question,
        "standalone_question": exchange.standalone_question,
        "answer": exchange.answer,
        "refused": exchange.refused,
        "citations": [dict(c) for c in exchange.citations],
        "mode": exchange.mode,
        "fallback": exchange.fallback,
        "rating": rating,
        "comment": comment.strip(),
        "user": user,
    }


class FeedbackLog:
    """Appends records to a JSONL file; one lock per log so concurrent users never interleave lines."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def append(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as f:
                f.write(line)
