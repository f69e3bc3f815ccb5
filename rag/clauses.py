"""The clause of a long report sentence that holds the asked fact (pure).

Vietnamese report sentences run 60-100 words of clauses joined by semicolons and commas
("…đã tiến hành 28 cuộc thanh tra; phát hiện sai phạm…; đã thu hồi 1 tỷ 266 triệu đồng").
Quoting the one clause that states what was asked reads at a glance; its offsets still point
into the article, so the citation stays exact.
"""

from __future__ import annotations

import itertools
import re

from rag.answerability import states_quantity
from rag.evidence import coverage, terms
from rag.facts import asks_figure
from rag.text import fold_accents

# A sentence this short is quoted whole.
SHORT_SENTENCE_CHARS = 160
# A clause needs this many words to stand on its own ("công chức;" does not).
MIN_CLAUSE_WORDS = 5
# Semicolons first; commas (followed by a space, so "1,5 triệu" stays whole) only inside a
# piece still too long after that, and not before a number: "3 mức giá 100, 150 và 250 nghìn
# đồng" lists figures that go together.
_SEMICOLON = re.compile(r";\s+")
_COMMA = re.compile(r",\s+(?!\d)")
_DIGIT = re.compile(r"(?<![\d.,])\d")
# Characters before a number read as naming what it measures (about five words).
_NAMED_BEFORE = 32
# Question words (folded); two of them ask two facts, which one clause rarely holds.
_QUESTION_WORD = re.compile(
    r"\bbao nhieu\b|\bmay\b|\bkhi nao\b|\bbao gio\b|\b(?:ngay|nam|thang) nao\b|\bo dau\b"
    r"|\bhow (?:many|much)\b|\bwhen\b|\bwhere\b|\bwho\b"
)


def _split(text: str, start: int, end: int, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    pieces, last = [], start
    for m in pattern.finditer(text, start, end):
        pieces.append((last, m.start()))
        last = m.end()
    pieces.append((last, end))
    return pieces


def _merge_short(text: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A clause too short to stand alone joins the one before it (or after, if first)."""
    out: list[tuple[int, int]] = []
    for a, b in pieces:
        short = len(text[a:b].split()) < MIN_CLAUSE_WORDS
        if out and (short or len(text[out[-1][0] : out[-1][1]].split()) < MIN_CLAUSE_WORDS):
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def clauses(text: str) -> list[tuple[int, int]]:
    """Offsets of the clauses of a sentence, each long enough to read alone."""
    pieces: list[tuple[int, int]] = []
    for a, b in _merge_short(text, _split(text, 0, len(text), _SEMICOLON)):
        if b - a > SHORT_SENTENCE_CHARS:
            pieces.extend(_merge_short(text, _split(text, a, b, _COMMA)))
        else:
            pieces.append((a, b))
    return [(a, b) for a, b in pieces if b > a]


def fact_clause(sentence: str, question: str) -> tuple[int, int] | None:
    """Offsets in `sentence` of the one clause stating the figure a question asks for (a count
    of the thing counted, money, a percentage, a date...: rag/facts.py); None to quote the whole
    sentence: it is short, the question asks no figure or several facts, or no clause holds it.

    Only figures: they are read by rules that hold across desks, while a person's name rests on
    the NER model, which mislabels too many names (python -m eval.bench_ner) to cut a quote on.
    """
    if len(sentence) <= SHORT_SENTENCE_CHARS or not asks_figure(question):
        return None
    if len(_QUESTION_WORD.findall(fold_accents(question).lower())) > 1:
        return None
    pieces = clauses(sentence)
    if len(pieces) < 2:
        return None
    holding = [(a, b) for a, b in pieces if states_quantity(question, [sentence[a:b]])]
    if not holding:
        return None
    if len(holding) > 1:
        # Several clauses state a figure of the asked kind. News names what a figure measures
        # just before it ("lợi nhuận trước thuế đạt 450 tỷ"), so the clause whose words before a
        # number share most with the question wins; then word pairs, then words. A tie quotes all.
        asked_terms = set(terms(question))
        asked_pairs = set(itertools.pairwise(terms(question)))

        def overlap(a: int, b: int) -> tuple[int, int, float]:
            piece = sentence[a:b]
            named = max(
                (
                    len(asked_terms & set(terms(piece[max(0, m.start() - _NAMED_BEFORE) : m.start()])))
                    for m in _DIGIT.finditer(piece)
                ),
                default=0,
            )
            return named, len(asked_pairs & set(itertools.pairwise(terms(piece)))), coverage(question, piece)

        scored = sorted(((overlap(a, b), (a, b)) for a, b in holding), reverse=True)
        if scored[0][0] == scored[1][0]:
            return None
        holding = [scored[0][1]]
    return holding[0]
