"""The answer prompt (pure): the evidence sentences that fit its budget, numbered [1], [2], ...,
the chat messages sent to the model, and when the model's reply is complete."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import replace

from rag.evidence import Evidence, estimate_tokens
from rag.language import Language
from rag.llm import LLM, Message
from rag.prompts import render as render_prompt

# A generated answer is cut after this many cited sentences ("... [1]." or "... [1][2].").
MAX_ANSWER_SENTENCES = 2
_CITED_END = re.compile(r"\]\s*[.!?…](?:\s|$)")


def answer_complete(text: str) -> bool:
    """The model has written what the prompt asks for: two cited sentences, or a blank line."""
    return "\n\n" in text.strip() or len(_CITED_END.findall(text)) >= MAX_ANSWER_SENTENCES


def within_budget(evidence: Sequence[Evidence], budget: int, first: Sequence[Evidence] = ()) -> list[Evidence]:
    """The evidence sentences for the prompt, renumbered [1], [2], ... in order: `first` always,
    then the leading others whose estimated tokens fit the budget (the first sentence always).

    A comparison's best sentence of each article goes in `first`, so the model sees both sides.
    """
    kept = list(dict.fromkeys(first))
    used = sum(estimate_tokens(e.text) + 4 for e in kept)
    for e in evidence:
        if e in kept:
            continue
        cost = estimate_tokens(e.text) + 4
        if kept and used + cost > budget:
            break
        kept.append(e)
        used += cost
    return [replace(e, n=i) for i, e in enumerate(kept, start=1)]


def answer_grammar(markers: Sequence[int]) -> str:
    """The GBNF grammar (prompts/answer_grammar.txt) that shapes a reply citing only these markers.

    Decoding under it, the model cannot end a statement without a marker, cite a sentence it was
    not shown, write a third statement, or echo the question with its question mark: the failures
    that made its replies fall back to quoting.
    """
    if not markers:
        raise ValueError("an answer grammar needs at least one evidence marker")
    alternatives = " | ".join(f'"{n}"' for n in sorted(set(markers)))
    return render_prompt("answer_grammar", markers=alternatives)


def number_evidence(evidence: Sequence[Evidence]) -> str:
    return "\n".join(f"[{e.n}] {' '.join(e.text.split())}" for e in evidence)


def build_messages(question: str, evidence: Sequence[Evidence], language: Language) -> list[Message]:
    """System prompt byte-identical across calls (llama.cpp reuses its KV cache); the rest varies."""
    return [
        {"role": "system", "content": render_prompt("answer_system")},
        {
            "role": "user",
            "content": render_prompt(
                "answer_user",
                evidence=number_evidence(evidence),
                question=question,
                language_instruction=render_prompt(f"language_{language}"),
            ),
        },
    ]


def read_reply(
    llm: LLM, messages: Sequence[Message], *, max_tokens: int, grammar: str | None, first_token: dict[str, float] | None
) -> Iterator[str]:
    """The model's reply piece by piece, up to its end (`answer_complete`)."""
    stream = llm.stream(messages, max_tokens=max_tokens, first_token=first_token, grammar=grammar)
    pieces: list[str] = []
    try:
        for piece in stream:
            pieces.append(piece)
            yield piece
            if answer_complete("".join(pieces)):
                break
    finally:
        # Closing the stream early stops generation (and releases the model's lock).
        close = getattr(stream, "close", None)
        if close is not None:
            close()
