"""What an extractive answer quotes, and how (pure): the sentences picked from the evidence, best
first; a long report sentence cut to the clause stating the asked figure; one quote per line."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import replace

from rag.answerability import adds_nothing, answers_asked_type, asks_person, asks_place
from rag.clauses import fact_clause
from rag.evidence import Evidence, SentenceScores, coverage
from rag.facts import asks_figure, is_comparison
from rag.question_parts import question_parts

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
    also: Sequence[Evidence] = (),
) -> list[Evidence]:
    """The sentences an extractive answer quotes, best first (at most EXTRACTIVE_SENTENCES).

    The best evidence sentence, the other pieces of it when it was cut, runners-up scoring
    within the margin, and, with `per_source`, the best sentence of each article first: the
    best one of the asked type (`fits`) if any. Another article's sentence takes a place only
    when it states the asked type or scores within the margin, unless the question compares
    articles (`compare`): each side is quoted. `also` (each part's answer, when the question
    asks several things) is quoted right after the best sentence.
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
    asked = list(dict.fromkeys([top, *pieces, *also]))
    chosen = list(dict.fromkeys([*asked, *others]))[: max(EXTRACTIVE_SENTENCES, len(asked))]
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


def part_answers(
    question: str, evidence: Sequence[Evidence], closeness: Callable[[str], SentenceScores] | None
) -> list[Evidence]:
    """Each part's best evidence sentence, for a question asking several things (rag/question_parts;
    none for a question asking one thing):
    of the sentences stating what the part asks (all, if none does), the closest to the part by
    meaning (`closeness`: dense scores of the part), or by its words without them. The parts take
    different sentences when they can: two asks of one kind ("thu bao nhiêu trong tuần và tổng
    doanh thu là bao nhiêu") would otherwise both land on the sentence stating either."""
    parts = question_parts(question)
    if len(parts) < 2:
        return []
    ranked: list[list[Evidence]] = []
    for part in parts:
        fitting = [e for e in evidence if answers_asked_type(part, e.text)] or list(evidence)
        scores = closeness(part) if closeness is not None else {}
        fitting.sort(key=lambda e: (-scores.get(e.sentence, 0.0), -coverage(part, e.text)))
        ranked.append(fitting[:_PART_CHOICES])
    ranked = [r for r in ranked if r]
    # A few parts of a few candidates each: the first distinct choice in rank order, if any.
    for choice in sorted(itertools.product(*(range(len(r)) for r in ranked)), key=sum):
        picks = [r[i] for r, i in zip(ranked, choice, strict=True)]
        if len({e.sentence for e in picks}) == len(picks):
            return picks
    return list(dict.fromkeys(r[0] for r in ranked))


_PART_CHOICES = 3


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
