"""Chat events to chat messages: plain functions over `Token` / `Queued` / `Done` events, no Gradio.

A conversation is a list of `Exchange`s (question + verified answer). The chat bubbles,
the history handed to the pipeline and the feedback records are all derived from it,
never from the rendered HTML.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rag.answer import Answer, Done, Event, Queued, Token
from rag.answer_types import ANSWER_FIELDS
from rag.errors import RagError
from rag.history import Turn

Message = dict[str, str]  # {"role": "user" | "assistant", "content": str}


@dataclass(frozen=True)
class Exchange:
    question: str
    answer: str
    refused: bool = False
    mode: str = "generative"
    citations: tuple[dict[str, Any], ...] = ()
    fallback: str | None = None
    standalone_question: str = ""
    error: bool = False  # the question was rejected (empty, too long, ...): not part of the history
    rating: str | None = None  # "up" / "down" once the user rated it

    @classmethod
    def from_answer(cls, answer: Answer) -> Exchange:
        fields = {name: getattr(answer, name) for name in ANSWER_FIELDS}
        return cls(**fields, citations=tuple(c.to_json() for c in answer.citations))

    def to_json(self) -> dict[str, Any]:
        return {**{name: getattr(self, name) for name in ANSWER_FIELDS}, "citations": [dict(c) for c in self.citations]}


@dataclass(frozen=True)
class ChatView:
    """One screen state while a question is answered."""

    messages: list[Message]
    exchanges: list[Exchange] = field(default_factory=list)
    done: bool = False


def turns_from_exchanges(exchanges: Sequence[Exchange]) -> list[Turn]:
    """The history the pipeline sees: answered exchanges only, answers as plain text."""
    turns: list[Turn] = []
    for ex in exchanges:
        if ex.error:
            continue
        turns += [Turn("user", ex.question), Turn("assistant", ex.answer)]
    return turns


_TAG = re.compile(r"<[^>]+>")


def _plain(content: Any) -> str:
    """Text of a chat message content: a string, a Gradio content list, or a {"text": ...} part."""
    if isinstance(content, str):
        return html.unescape(_TAG.sub("", content)).strip()
    if isinstance(content, Mapping):
        return _plain(content.get("text") or content.get("content") or "")
    if isinstance(content, Sequence):
        return " ".join(p for p in (_plain(c) for c in content) if p)
    return ""


def turns_from_messages(messages: Iterable[Mapping[str, Any]] | None) -> list[Turn]:
    """OpenAI/Gradio-style [{"role", "content"}] history (API callers) as pipeline turns."""
    turns: list[Turn] = []
    for m in messages or ():
        role = m.get("role")
        text = _plain(m.get("content"))
        if role in ("user", "assistant") and text:
            turns.append(Turn(role, text))
    return turns


def messages_from_exchanges(exchanges: Sequence[Exchange]) -> list[Message]:
    from ui.render import answer_message, escape_text

    messages: list[Message] = []
    for turn, ex in enumerate(exchanges):
        messages.append({"role": "user", "content": escape_text(ex.question)})
        messages.append({"role": "assistant", "content": answer_message(ex, turn)})
    return messages


def stream_views(
    question: str, events: Iterable[Event], exchanges: Sequence[Exchange], mode: str
) -> Iterator[ChatView]:
    """Screens for one question: waiting, the text as it is written, then the verified answer.

    A `RagError` (empty or too long question, missing index...) becomes an error bubble, and so
    does an unexpected exception (logged with its traceback).
    """
    from ui.render import escape_text, queued_message, streaming_message, waiting_message

    before = messages_from_exchanges(exchanges)
    asked = {"role": "user", "content": escape_text(question)}
    yield ChatView([*before, asked, {"role": "assistant", "content": waiting_message(mode)}], list(exchanges))
    written = ""
    final: Exchange | None = None
    try:
        for event in events:
            if isinstance(event, Token):
                written += event.text
                bubble = {"role": "assistant", "content": streaming_message(written)}
                yield ChatView([*before, asked, bubble], list(exchanges))
            elif isinstance(event, Queued):
                bubble = {"role": "assistant", "content": queued_message(event.ahead, event.eta_s)}
                yield ChatView([*before, asked, bubble], list(exchanges))
            elif isinstance(event, Done):
                final = Exchange.from_answer(event.answer)
    except RagError as exc:
        final = Exchange(question=question, answer=str(exc), mode=mode, error=True)
    except Exception as exc:  # a bug must not leave the page waiting forever
        logging.getLogger(__name__).exception("answering %r failed", question)
        final = Exchange(
            question=question, answer=f"Lỗi hệ thống khi trả lời ({exc}). Hãy thử lại.", mode=mode, error=True
        )
    if final is None:
        final = Exchange(question=question, answer="Không nhận được câu trả lời.", mode=mode, error=True)
    updated = [*exchanges, final]
    yield ChatView(messages_from_exchanges(updated), updated, done=True)


def exchange_for_message(index: int | Sequence[int] | None, exchanges: Sequence[Exchange]) -> int | None:
    """The exchange behind chat message `index` (user and assistant bubbles alternate)."""
    if isinstance(index, Sequence) and not isinstance(index, str):
        index = index[0] if index else None
    if not isinstance(index, int) or index < 0:
        return None
    turn = index // 2
    return turn if turn < len(exchanges) else None


def parse_users(spec: str) -> list[tuple[str, str]]:
    """'an:mk1,binh:mk2' -> [("an", "mk1"), ("binh", "mk2")]; a password may hold ':'."""
    users: list[tuple[str, str]] = []
    for item in spec.split(","):
        item = item.strip()
        if not item:
            continue
        name, sep, password = item.partition(":")
        if not sep or not name.strip() or not password.strip():
            raise ValueError(f"ui.users: '{name.strip() or item}' cần dạng tên:mật_khẩu")
        users.append((name.strip(), password.strip()))
    return users
