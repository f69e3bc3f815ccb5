"""Which of several figures of the asked kind a question asks for, by the words around each (pure).

Report sentences list figures of one kind side by side ("tuyển 105.000 trẻ vào nhà trẻ, 145.000
học sinh vào lớp 1 và 109.300 học sinh vào lớp 6"), and a story often gives two totals in two
sentences ("số thành viên là 693 người", "tổng số thành viên ... là 861 người"). Each figure's
own words are the piece of its clause around it, up to the next comma or list joint: the
subject and verb before it, its noun and qualifier after ("học sinh vào lớp 1"). The asked figure
is the one whose piece repeats most of the question's words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from rag.evidence import Evidence, terms
from rag.facts import asks_figure, figures
from rag.figure_match import states_asked_figure
from rag.text import normalise_numerals

# The edges of a figure's piece (folded text): punctuation and the joints of a list of figures.
_EDGE = re.compile(r"[,;:()\[\]\"“”]|\s(?:va|con|nhung|trong khi|and|while|but|so voi)\s")
# A piece reaches this far at most, in characters, each side of its number.
_REACH = 90


def figure_pieces(text: str) -> Iterator[tuple[str, str]]:
    """Each number of the text with the piece of its clause around it: (value, piece), folded."""
    folded = normalise_numerals(text)
    for f in figures(text):
        start, end = f.span
        if start < 0:
            continue
        before = folded[max(0, start - _REACH) : start]
        after = folded[end : end + _REACH]
        edges_before = list(_EDGE.finditer(before))
        left = edges_before[-1].end() if edges_before else 0
        edge_after = _EDGE.search(after)
        right = edge_after.start() if edge_after else len(after)
        yield f.value, (before[left:] + folded[start:end] + after[:right]).strip(" .")


def _fits(question: str, text: str) -> list[tuple[int, str]]:
    asked = set(terms(question))
    return [
        (len(asked.intersection(terms(piece))), value)
        for value, piece in figure_pieces(text)
        if states_asked_figure(question, [piece])
    ]


def asked_figure_fit(question: str, text: str) -> int:
    """How many of the question's words stand in the piece of the text's best-fitting figure of
    the asked kind (0 when the text states none, or the question asks no figure)."""
    return max((fit for fit, _ in _fits(question, text)), default=0)


def best_figure(question: str, text: str) -> str | None:
    """The value (canonical) of the text's figure of the asked kind that fits the question best."""
    fits = _fits(question, text)
    return max(fits, key=lambda fit: fit[0])[1] if fits else None  # the first of equals


# How many more of the question's words a figure's piece must repeat to be quoted beside the lead.
FIT_MARGIN = 2


def figure_rival(question: str, evidence: Sequence[Evidence], margin: float) -> Evidence | None:
    """A sentence whose figure of the asked kind fits the question clearly better than the lead
    sentence's does (from the lead's story, or scoring within `margin` of it), else None: quoted
    beside the lead, it answers when the lead's figure is a neighbour of the asked one."""
    if not evidence or not asks_figure(question):
        return None
    lead = evidence[0]
    rivals = [e for e in evidence[1:] if e.source == lead.source or e.score >= lead.score - margin]
    if not rivals:
        return None
    fit = {e: asked_figure_fit(question, e.text) for e in [lead, *rivals]}
    best = max(rivals, key=lambda e: fit[e])
    return best if fit[best] >= fit[lead] + FIT_MARGIN else None
