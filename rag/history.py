"""Rewriting a follow-up ("Còn Quảng Ninh thì sao?") into a standalone question.

Cheap rules come first, since an LLM call costs seconds here:
- "Còn X thì sao?" / "What about X?" repeats the previous question with X in place
  of the entity it most resembles;
- "ông ấy" / "he" becomes the last person named in the conversation.
Other follow-ups go to the LLM when one is given (its rewrite must keep the
question's own facts), else the previous question is appended as context.

`Condensed.pinned` is the text whose facts the evidence must hold: the user's own
words (with resolved names), not what was inherited from earlier turns. "Còn Quảng
Ninh thì sao?" after a 2019 question about Quảng Trị pins Quảng Ninh, not 2019.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rag.answerability import person_names
from rag.llm import LLM, Message, complete
from rag.prompts import render
from rag.text import fold_accents, normalize, numbers_in, years_in
from rag.verification import named_entities

Method = Literal["none", "rule", "llm", "context"]

_WHAT_ABOUT = re.compile(
    r"^(?:thế còn|vậy còn|còn về|còn|what about|how about|and)\s+(?P<x>.+?)"
    r"(?:\s*,?\s*thì\s+(?:sao|thế nào|như thế nào|ra sao))?\s*\??\s*$",
    re.IGNORECASE,
)
_PRONOUN = re.compile(
    r"\b(?P<title>ông|bà|anh|chị|em|cô|cậu|chú|bác)\s+(?:ấy|ta)\b|\b(?:người này|người đó|he|she|him|her)\b",
    re.IGNORECASE,
)
# Words that point back to something said before: "nó" (it), "họ" (they), a noun with "đó", "ấy"
# or "này" ("dự án này", "trong đó"). A question holding one leans on the conversation, whatever
# names or numbers it states ("Năm 2016 em ấy được bao nhiêu điểm?").
_ANAPHORA = re.compile(r"(?<!\w)(?:nó|họ|đó|ấy|này|it|its|they|their|them)(?!\w)", re.IGNORECASE)
# A question word in the "X" of "Còn X thì ...": the follow-up asks its own question ("Còn dầu
# diesel thì đề xuất mức bao nhiêu?"), so X is no entity to swap in. Read with marks: folded,
# "mấy" is "máy" and "đâu" is "dầu", which name things.
_ASKS = re.compile(
    r"\b(?:bao nhiêu|bao nhieu|bao giờ|bao lâu|mấy|nào|gì|ai|đâu|how|what|which|who|when|where|why)\b",
    re.IGNORECASE,
)
_OPENER = re.compile(r"^(?:còn|thế|vậy|và|nhưng|rồi|what about|how about|and|so)\b", re.IGNORECASE)
_MAX_REWRITE_CHARS = 400
# A follow-up with its own time frame ("đến nay") must not inherit the history's year.
_OWN_TIME = re.compile(
    r"\b(?:đến nay|tới nay|hiện nay|hiện tại|hiện giờ|bây giờ|năm nay|gần đây|"
    r"now|so far|to date|currently|this year|recently)\b",
    re.IGNORECASE,
)
_YEAR_PHRASE = r"(?:(?:trong|vào|in)\s+)?(?:(?:năm|the year)\s+)?{year}\s*,?\s*"


@dataclass(frozen=True)
class Turn:
    role: Literal["user", "assistant"]
    content: str


@dataclass(frozen=True)
class Condensed:
    question: str
    pinned: str
    method: Method


def asks_something(question: str) -> bool:
    """The words hold a question word ("bao nhiêu", "ai", "nào", "how", "when" ...)."""
    return _ASKS.search(question) is not None


def _last(history: Sequence[Turn], role: str) -> str | None:
    return next((t.content for t in reversed(history) if t.role == role), None)


def is_follow_up(question: str, history: Sequence[Turn]) -> bool:
    if not history:
        return False
    if _OPENER.search(question) or _PRONOUN.search(question) or _ANAPHORA.search(question):
        return True
    return not named_entities(question) and not numbers_in(question) and len(question.split()) <= 12


def _swap_entity(previous: str, new: str) -> str | None:
    """The previous question with the entity most like `new` replaced by it."""
    entities = named_entities(previous)
    if not entities:
        return None
    first = fold_accents(new.split()[0]).lower()
    same_kind = [e for e in entities if fold_accents(e.split()[0]).lower() == first]
    target = (same_kind or entities)[0]
    return previous.replace(target, new, 1)


def _last_person(history: Sequence[Turn]) -> str | None:
    """The person "ông ấy" / "she" most likely refers to: the first one named in the latest turn that names anyone."""
    for turn in reversed(history):
        people = person_names(turn.content)
        if people:
            return people[0]
    return None


def condense_rules(question: str, history: Sequence[Turn]) -> Condensed | None:
    """A rule-based rewrite, or None when no rule applies."""
    previous = _last(history, "user")
    m = _WHAT_ABOUT.match(question.strip())
    if m and previous and not _ASKS.search(m.group("x")):
        new = m.group("x").strip(" ,.?")
        swapped = _swap_entity(previous, new)
        if swapped:
            return Condensed(swapped, new, "rule")
        return Condensed(f"{previous} ({new})", new, "rule")
    p = _PRONOUN.search(question)
    if p:
        person = _last_person(history)
        if person:
            title = p.group("title")
            name = f"{title.lower() if p.start() else title} {person}" if title else person
            resolved = question[: p.start()] + name + question[p.end() :]
            return Condensed(resolved, resolved, "rule")
    return None


def _format_history(history: Sequence[Turn]) -> str:
    labels = {"user": "Người dùng", "assistant": "Trợ lý"}
    return "\n".join(f"{labels[t.role]}: {' '.join(t.content.split())}" for t in history)


def condense_with_llm(llm: LLM, question: str, history: Sequence[Turn]) -> str | None:
    """The LLM's rewrite, if it is one plausible question that keeps the user's facts."""
    messages: list[Message] = [
        {"role": "system", "content": render("condense_system")},
        {"role": "user", "content": render("condense_user", history=_format_history(history), question=question)},
    ]
    text = complete(llm, messages, max_tokens=96).strip()
    text = normalize(text.splitlines()[0].strip().strip('"“”')) if text else ""
    if not text or len(text) > _MAX_REWRITE_CHARS or "[" in text:
        return None
    if _OWN_TIME.search(question):
        text = drop_inherited_years(text, question)
    folded = fold_accents(text).lower()
    kept = all(fold_accents(e).lower() in folded for e in named_entities(question))
    kept = kept and all(n in numbers_in(text) for n in numbers_in(question))
    return text if kept else None


def drop_inherited_years(rewrite: str, question: str) -> str:
    """The rewrite without the years (and their "trong năm") that the question does not state."""
    own = set(numbers_in(question))
    for year in sorted(set(years_in(rewrite)) - own):
        rewrite = re.sub(_YEAR_PHRASE.format(year=year), "", rewrite, flags=re.IGNORECASE)
    rewrite = re.sub(r"\s+([?.,!])", r"\1", " ".join(rewrite.split()))
    return rewrite[:1].upper() + rewrite[1:]


def condense(question: str, history: Sequence[Turn], *, llm: LLM | None = None, max_turns: int = 3) -> Condensed:
    """The standalone form of `question` given the last `max_turns` exchanges."""
    recent = list(history)[-2 * max_turns :] if max_turns else []
    if not is_follow_up(question, recent):
        return Condensed(question, question, "none")
    ruled = condense_rules(question, recent)
    if ruled:
        return ruled
    if llm is not None:
        rewritten = condense_with_llm(llm, question, recent)
        if rewritten:
            return Condensed(rewritten, question, "llm")
    previous = _last(recent, "user")
    if previous:
        return Condensed(f"{question} ({previous})", question, "context")
    return Condensed(question, question, "none")
