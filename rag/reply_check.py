"""Checking the model's reply against the evidence sentences it was shown (pure).

Each sentence must carry valid markers (or be aligned to the one evidence sentence stating
its facts), add something to the question, state only numbers and names its cited passages
hold, and not rest on passages about another year than the asked one. A sentence citing
passages that lack its facts is cited to the one that states them all; of several markers,
those to passages lacking the facts are dropped when another states them all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from rag.answerability import adds_nothing, answers_asked_type, invented_numbers, parts_left_out, still_asks
from rag.citations import MarkedSentence, split_marked, strip_markers
from rag.cleaning import display_title
from rag.evidence import Evidence, coverage
from rag.facts import asks_figure
from rag.figure_context import best_figure
from rag.language import detect_language
from rag.sentences import split_sentences
from rag.swaps import other_places, other_years
from rag.text import fold_accents, numbers_in
from rag.verification import Facts, Support, check_support, facts_in

# A sentence ending in one of these is finished.
_FINISHED = re.compile(r"""[.!?…\]"”)]\s*$""")


def finished_part(text: str) -> tuple[str, str]:
    """The reply up to its last finished sentence, and the unfinished tail the token limit cut off.

    A cut sentence may end inside a figure ("8 tỷ" of "8 tỷ 450 triệu đồng"), so it is never shown.
    """
    sentences = split_sentences(text)
    if not sentences or _FINISHED.search(text[sentences[-1].start : sentences[-1].end]):
        return text, ""
    last = sentences[-1]
    return text[: sentences[-2].end] if len(sentences) > 1 else "", text[last.start : last.end]


def _card(evidence: Evidence) -> str:
    """What a citation shows the reader: the article's title above the quoted passage. A reply
    naming the province or ministry the title names ("Quảng Trị" for a passage of the Quảng Trị
    report) is backed by the card, though the sentence itself leaves the name to the headline."""
    return f"{display_title(evidence.title)}\n{evidence.text}"


def _supporting(sentence: MarkedSentence, evidence: Sequence[Evidence]) -> MarkedSentence | None:
    """The sentence cited to the one evidence sentence stating all its facts and most of its words.

    An English sentence cannot share words with Vietnamese passages: it needs at least one
    fact, and goes to the best-ranked evidence sentence stating all of them.
    """
    facts = facts_in(sentence.text)
    english = detect_language(sentence.text) == "en"
    if english and not facts:
        return None
    best: tuple[float, int] | None = None
    for e in evidence:
        if not check_support(facts, [_card(e)]).ok:
            continue
        overlap = 1.0 if english else coverage(sentence.text, e.text)
        if overlap >= 0.5 and (best is None or overlap > best[0]):
            best = (overlap, e.n)
    return MarkedSentence(sentence.text, (best[1],)) if best else None


# A parenthetical holding one figure with a few words around it: "190 km (118 miles)", "50 tỷ đồng
# (khoảng 2,2 triệu USD)".
_ASIDE = re.compile(r"\s*\([^()\d]{0,25}\d[\d.,]*[^()\d]{0,25}\)")
# How far before the parenthetical the figure it converts may stand.
_CONVERTED_WITHIN = 25


def without_conversions(sentence: str, texts: Sequence[str]) -> str:
    """The sentence without the model's unit conversions of a figure it states: a parenthetical
    figure, right after another figure, that no passage states ("190 km (118 miles)"). Writing
    in English, the model converts units and currencies on its own; the converted figure is not
    the article's, and it does not show that the model made the answer up. Vietnamese sentences
    are left whole: there a parenthetical figure is a claim of its own ("(tăng 2%)")."""
    if detect_language(sentence) != "en":
        return sentence
    stated = {n for text in texts for n in numbers_in(text)}
    out, last = [], 0
    for m in _ASIDE.finditer(sentence):
        before = sentence[max(0, m.start() - _CONVERTED_WITHIN) : m.start()]
        inside = set(numbers_in(m.group(0)))
        if any(c.isdigit() for c in before) and inside and not inside & stated:
            out.append(sentence[last : m.start()])
            last = m.end()
    return "".join([*out, sentence[last:]])


def unanswered_reason(text: str, evidence: Sequence[Evidence], question: str) -> str | None:
    """Why a reply whose every sentence failed verification shows the passages lack the answer, if it does."""
    texts = [e.text for e in evidence]
    invented = sorted(
        {
            n
            for s in split_marked(text, [e.n for e in evidence])
            for n in invented_numbers(without_conversions(s.text, texts), question, texts)
        }
    )
    return f"mô hình nêu số không có trong bài ({', '.join(invented)})" if invented else None


def verify_answer(
    text: str, evidence: Sequence[Evidence], question: str = "", articles: Mapping[str, str] | None = None
) -> tuple[list[MarkedSentence], list[str]]:
    """The sentences that survive (markers valid, facts supported) and a note per dropped one.

    Every number and name of a sentence must be in the sentences it cites, except the ones the
    question itself stated that the cited story (`articles`, by source) holds: "Quỹ bình ổn tại
    Petrolimex còn 2.380 tỷ đồng [1]" where [1] leaves "Petrolimex" to the lead restates the
    reader's premise. A sentence whose markers point to sentences lacking its facts is cited
    to the one evidence sentence stating them all, if any.
    """
    by_n = {e.n: e for e in evidence}
    kept: list[MarkedSentence] = []
    notes: list[str] = []
    shown = [e.text for e in evidence]
    for s in split_marked(text, list(by_n)):
        if (bare := without_conversions(s.text, shown)) != s.text:
            notes.append(f"bỏ số quy đổi trong ngoặc mà bài không nêu: {s.text!r}")
            s = replace(s, text=bare)
        if question and adds_nothing(s.text, question):
            notes.append(f"bỏ câu chỉ nhắc lại câu hỏi: {s.text!r}")
            continue
        if still_asks(s.text):
            notes.append(f"bỏ câu còn hỏi thay vì trả lời: {s.text!r}")
            continue
        if s.dropped_markers:
            notes.append(f"bỏ trích dẫn không tồn tại {list(s.dropped_markers)}")
        if not s.markers:
            aligned = _supporting(s, evidence)
            if aligned is None:
                notes.append(f"bỏ câu không có trích dẫn hợp lệ: {s.text!r}")
                continue
            notes.append(f"gắn trích dẫn [{aligned.markers[0]}] cho câu thiếu trích dẫn")
            s = aligned
        cited = [by_n[n] for n in s.markers]
        facts = facts_in(s.text)
        support = check_support(facts, [_card(e) for e in cited])
        if not support.ok and facts and (recited := _supporting(s, evidence)):
            notes.append(
                f"sửa trích dẫn {list(s.markers)} thành {list(recited.markers)}: đoạn cũ thiếu {support.describe()}"
            )
            s, cited = recited, [by_n[n] for n in recited.markers]
            support = check_support(facts, [_card(e) for e in cited])
        if not support.ok and _premise(support, question, [(articles or {}).get(e.source, "") for e in cited]):
            if (rest := without_opening(s.text)) and check_support(facts_in(rest), [_card(e) for e in cited]).ok:
                # The reader's premise opens the sentence ("Năm 2018, ..."): the rest, which the
                # cited passage states in full, answers without it.
                notes.append(f"bỏ phần mở đầu nhắc lại câu hỏi ({support.describe()})")
                s, facts = replace(s, text=rest), facts_in(rest)
            else:
                # The citation shows the story's sentence that states the premise, beside the quote;
                # a premise no one sentence of the story states cannot be shown, so the sentence goes
                # ("căn cứ của Mỹ" where "Mỹ" and "Doha" are never said together).
                story = (articles or {}).get(cited[0].source, "")
                if (context := premise_context(story, cited[0].title, support)) is None:
                    notes.append(
                        f"bỏ câu nhắc lại dữ kiện mà không câu nào của bài nêu ({support.describe()}): {s.text!r}"
                    )
                    continue
                s = replace(s, context=context)
                notes.append(f"câu nhắc lại dữ kiện của câu hỏi có trong bài ({support.describe()})")
        elif not support.ok:
            notes.append(f"bỏ câu có dữ kiện không có trong đoạn trích dẫn ({support.describe()}): {s.text!r}")
            continue
        if not facts and detect_language(s.text) == "vi" and coverage(s.text, " ".join(e.text for e in cited)) < 0.3:
            notes.append(f"bỏ câu không khớp đoạn trích dẫn: {s.text!r}")
            continue
        if other := other_years(question, [e.text for e in cited]):
            notes.append(f"bỏ câu dựa vào đoạn nói về năm khác ({', '.join(other)}): {s.text!r}")
            continue
        if other := other_places(question, [e.text for e in cited]):
            notes.append(f"bỏ câu dựa vào đoạn nói về tỉnh, nước khác ({', '.join(other)}): {s.text!r}")
            continue
        kept.append(tighten(s, cited, facts))
    return kept, notes


# An opening phrase set off by a comma ("Năm 2018,", "Trong 6 tháng đầu năm,", "Tại Quảng Trị,").
_OPENING = re.compile(r"^[^,;:.!?]{2,60},\s+")
# What must remain: a clause of its own.
_MIN_REST_WORDS = 4


def without_opening(sentence: str) -> str | None:
    """The sentence without its opening phrase, capitalised; None when it has none or too little is left."""
    m = _OPENING.match(sentence)
    if m is None:
        return None
    rest = sentence[m.end() :]
    if len(rest.split()) < _MIN_REST_WORDS:
        return None
    return rest[0].upper() + rest[1:]


def premise_context(story: str, title: str, support: Support) -> tuple[int, int] | None:
    """The span, in the article's text, of its first sentence stating every fact `support` misses.

    `story` is the article's title line and text, as the fact checks read it; None when no one
    sentence of the text states them all.
    """
    missing = Facts(frozenset(support.missing_numbers), support.missing_entities)
    body = len(title) + 1 if story.startswith(f"{title}\n") else 0
    for span in split_sentences(story[body:]):
        if check_support(missing, [story[body + span.start : body + span.end]]).ok:
            return (span.start, span.end)
    return None


def _premise(support: Support, question: str, stories: Sequence[str]) -> bool:
    """The facts the cited passages lack are all the question's own, and the cited stories hold them.

    The reader stated them and the one-story entity check found them together; the citation
    still shows the answer's own facts, which are never the question's."""
    if not question or not any(stories):
        return False
    asked = facts_in(question)
    words = set(re.findall(r"\w+", fold_accents(question).lower()))
    if not set(support.missing_numbers) <= asked.numbers:
        return False
    # Word by word: the model may run two of the question's names together ("Hàn Quốc Moon Jae-in").
    if any(not set(re.findall(r"\w+", fold_accents(e).lower())) <= words for e in support.missing_entities):
        return False
    return check_support(Facts(frozenset(support.missing_numbers), support.missing_entities), stories).ok


def tighten(sentence: MarkedSentence, cited: Sequence[Evidence], facts: Facts) -> MarkedSentence:
    """Keep only the markers whose passage alone states all the sentence's facts, when any does.

    "... [1][2]" where [2] states everything and [1] only part would send a reader to a passage
    lacking the fact; facts spread over several passages keep all their markers.
    """
    if not facts or len(cited) < 2:
        return sentence
    alone = tuple(e.n for e in cited if check_support(facts, [_card(e)]).ok)
    return replace(sentence, markers=alone) if alone else sentence


def asked_first(sentences: Sequence[MarkedSentence], question: str) -> list[MarkedSentence]:
    """The kept sentences with the first one stating what was asked (a figure of the counted
    thing, a person's name, a place) moved to the front: a reader sees the answer first, also
    when the model opened with the circumstances."""
    stating = next((i for i, s in enumerate(sentences) if answers_asked_type(question, s.text)), 0)
    if stating == 0:
        return list(sentences)
    return [sentences[stating], *sentences[:stating], *sentences[stating + 1 :]]


def figures_apart(question: str, reply: str, quote: str) -> list[str]:
    """The reply's numbers when a question asking for a figure gets figures the best quote (the
    extractive pick) shares none of, though it states some: two readings of the same evidence
    disagree, and the quote's is the one measured to be right more often (a 1.5B model picks a
    neighbouring figure: "557 dịch vụ" for "555 thủ tục"). Empty when they agree or cannot disagree."""
    if not asks_figure(question):
        return []
    asked = set(numbers_in(question))
    said = set(numbers_in(strip_markers(reply))) - asked
    quoted = set(numbers_in(quote)) - asked
    return sorted(said) if said and quoted and not said & quoted else []


def beside_question(asked: str, standalone: str, reply: str, quote: str | None, rival: str | None) -> str | None:
    """Why a checked, cited reply still misses what is asked, so the quote stands in; else None.

    It leaves one of the question's asks out or states nothing of the asked kind ("180 văn bản"
    for "bao nhiêu cơ quan"); its figures are not the best quote's (`figures_apart`); or it gives
    the lead's figure where another sentence (`rival`, see rag/figure_context.py) states one
    fitting the question clearly better ("693 người" for the total that is "861 người")."""
    left = parts_left_out(asked, reply)
    if left or not answers_asked_type(standalone, reply):
        return f"câu trả lời không nêu điều được hỏi ({'; '.join(left)}): {reply!r}"
    fitting = best_figure(asked or standalone, rival) if rival else None
    if fitting is not None:  # the rival's figure answers, the lead's does not
        if fitting in numbers_in(strip_markers(reply)):
            return None
        return f"câu trả lời không nêu số khớp câu hỏi hơn ({fitting}) của một câu trích khác"
    if quote is not None and (apart := figures_apart(asked or standalone, reply, quote)):
        return f"số của câu trả lời ({', '.join(apart)}) không có trong câu trích tốt nhất"
    return None
