"""What an extractive answer quotes, and how (pure): the sentences picked from the evidence, best
first; a long report sentence cut to the clause stating the asked figure; one quote per line."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from rag.answerability import adds_nothing, asks_person, asks_place
from rag.clauses import fact_clause
from rag.evidence import Evidence
from rag.facts import asks_figure, is_comparison

# Extractive answers quote at most this many sentences, those scoring within the margin of the
# best (evidence scores are dominated by 100 x dense similarity: 12 points ~ 0.12 similarity).
# Chosen on the dev sets: from 5 to 12, key facts 107 -> 113 of 162 (dev set 2) and 59 -> 62 of
# 69 (seed dev), none lost, for quotes ~20% longer (median 358 -> 433 characters on dev set 2).
EXTRACTIVE_SENTENCES = 3
EXTRACTIVE_MARGIN = 12.0


def extractive_pick(
    evidence: Sequence[Evidence],
    per_source: bool = False,
    fits: Callable[[str], bool] | None = None,
    question: str = "",
    compare: bool = False,
) -> list[Evidence]:
    """The sentences an extractive answer quotes, best first (at most EXTRACTIVE_SENTENCES).

    The best evidence sentence, the other pieces of it when it was cut, runners-up scoring
    within the margin, and, with `per_source`, the best sentence of each article first: the
    best one of the asked type (`fits`) if any. Another article's sentence takes a place only
    when it states the asked type or scores within the margin, unless the question compares
    articles (`compare`): each side is quoted.
    """
    if not evidence:
        return []
    # Whether each sentence states the asked kind of fact, read once (a "who" reads it with the NER model).
    fitting = {e: fits is not None and fits(e.text) for e in evidence}
    best = evidence[0].score
    picked = [evidence[0]]
    if question and len(evidence) > 1 and adds_nothing(evidence[0].text, question):
        # The top sentence only restates the question (often the title): the next one answers.
        picked = [evidence[1]]
    if per_source:
        picked = []
        for source in dict.fromkeys(e.source for e in evidence):
            own = [e for e in evidence if e.source == source]
            pick = next((e for e in own if fitting[e]), own[0])
            # A far-off sentence of another story, of no asked type, would only crowd out the top
            # story's runners-up (its answer is often a few sentences after its best one).
            if compare or not picked or pick.score >= best - EXTRACTIVE_MARGIN or fitting[pick]:
                picked.append(pick)
    top = picked[0]
    pieces = [e for e in evidence if e.sentence == top.sentence]
    others = list(dict.fromkeys([*picked[1:], *(e for e in evidence if e.score >= best - EXTRACTIVE_MARGIN)]))
    if not compare:
        # Other stories' best sentences compete with the top story's runners-up: those stating
        # the asked kind of fact first, then by score (a comparison keeps each side first).
        others.sort(key=lambda e: (not fitting[e], -e.score))
    chosen = list(dict.fromkeys([top, *pieces, *others]))[:EXTRACTIVE_SENTENCES]
    # Best first, so the answer leads with the sentence holding the asked fact (on the dev sets the
    # key fact opened 75-87% of quoted answers, against 44-50% in article order); the pieces of a
    # cut sentence stay together, in text order.
    group = {e: (e.source, e.sentence_start if e.sentence_start >= 0 else e.start) for e in chosen}
    rank: dict[tuple[str, int], tuple[bool, int]] = {}
    stating = {group[e] for e in chosen if fitting.get(e, False)}
    for e in chosen:
        at = evidence.index(e) if e in evidence else len(evidence)
        # A sentence stating the asked kind of fact (a figure, a name) leads: the answer opens with it.
        key = (group[e] not in stating, at)
        rank[group[e]] = min(rank.get(group[e], key), key)
    return sorted(chosen, key=lambda e: (rank[group[e]], e.start))


def to_fact_clause(evidence: Evidence, question: str) -> Evidence:
    """The evidence cut to its clause stating the asked figure (rag/clauses.py), offsets kept exact."""
    span = fact_clause(evidence.text, question)
    if span is None:
        return evidence
    a, b = span
    start = evidence.sentence_start if evidence.sentence_start >= 0 else evidence.start
    return replace(
        evidence, start=evidence.start + a, end=evidence.start + b, text=evidence.text[a:b], sentence_start=start
    )


def as_quote(text: str) -> str:
    """One evidence sentence on one line, ending like a sentence ("…" when it was cut)."""
    text = " ".join(text.split())
    if text and text[-1] in ".!?…":
        return text
    return text.rstrip(",;:") + ("…" if text[-1] in ",;:" else ".")


def per_source(question: str, asked: str) -> bool:
    """Each article's best sentence matters: the question (as typed, `question`) weighs two things,
    or asks (`asked`: standalone, marks restored) for a typed fact (a name, a figure) that the top
    sentence of another article may hold."""
    return is_comparison(question) or asks_person(asked) or asks_figure(asked) or asks_place(asked)
