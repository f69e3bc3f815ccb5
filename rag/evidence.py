"""Evidence selection: the few sentences of the retrieved chunks that best match the question.

The prompt carries numbered sentences, not whole chunks: on two CPU cores every
prompt token costs about 15 ms before the first answer token. Each sentence
keeps its source and its offsets into the article, so a citation quotes it exactly.
Pure: takes hits and returns values.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from rag.language import ENGLISH_FUNCTION_WORDS, metadata_intent
from rag.retrieval import SearchHit
from rag.sentences import Span, split_long, split_sentences
from rag.text import fold_accents, normalize

# Longest sentence quoted as one piece; longer ones are cut at whitespace.
MAX_SENTENCE_CHARS = 400
_TERM = re.compile(r"\w+", re.UNICODE)
# Question words and grammar that say nothing about which sentence answers (folded).
_STOP = ENGLISH_FUNCTION_WORDS | frozenset(
    "bao nhieu nao gi ai la cua va cac nhung duoc da co khong trong voi cho thi ve tai theo nhu the sao "
    "khi nay do bi o den tu mot cung con hay hoac ra len vao moi nhieu it ma neu thuoc sau truoc viec "
    "cho boi".split()
)
# Phrases that address the assistant instead of informing the reader: a prompt injection
# planted in an article. Such sentences never reach the prompt (folded, lower case).
_INJECTION = re.compile(
    r"bo qua (moi|tat ca|cac)? ?(huong dan|chi dan|lenh)|ignore (all |any )?(previous|prior|above) instructions"
    r"|system prompt|ban la tro ly|you are (an? )?(ai|assistant)|(tra loi|reply|answer) (bang|with)? ?['\"“‘]",
)
_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b")
# Weight of the dense (embedding) similarity of a sentence, next to the lexical score (a sum of
# rarity weights, typically 5-25). Dense similarity ranks answer sentences better than word
# overlap (paraphrases, English questions), so it dominates; words break near-ties.
DENSE_WEIGHT = 100.0
# A long sentence is cut after a clause (";" or ",") when one falls in the last part of the window.
_CLAUSE_END = re.compile(r"[;,]\s")
SentenceScores = Mapping[tuple[str, int], float]
# A headline compresses its story (rounded figures, names left out, "Gần 6.000 bao thuốc lá…")
# and shares the most words with any question about it, so it would win most questions while
# the body states the fact exactly. It stays a candidate, behind body sentences scoring up to
# this much lower (0.08 of cosine). Chosen on the dev sets: on dev set 2, penalties from 8 up to
# dropping headlines all gave the same +4 key facts, with no answer lost at 8.
HEADLINE_PENALTY = 8.0
# Share of the previous sentence's match a sentence inherits (its question words, and its dense
# similarity above the sentence's own). Chosen on the dev sets (debugging): from 0 to 0.3, key facts
# 142 -> 145 of 162 (dev set 2), 61 -> 62 of 69 (seed dev), 44 -> 43 of 50 (dev set 3).
CONTEXT_WEIGHT = 0.3
# Weight of a follow-up's inherited words ("Ông ấy lên ngôi năm nào? (... Nhật hoàng Akihito thoái
# vị ...)"): they find the story, the follow-up's own words find the sentence in it.
INHERITED_WEIGHT = 0.3


@dataclass(frozen=True)
class Evidence:
    """One numbered sentence shown to the model; `n` is its marker in the prompt."""

    n: int
    source: str
    title: str
    date: str | None
    chunk_id: str
    start: int
    end: int
    text: str
    score: float
    sentence_start: int = -1  # start of the whole sentence this piece was cut from (-1: itself)

    @property
    def sentence(self) -> tuple[str, int]:
        return (self.source, self.sentence_start if self.sentence_start >= 0 else self.start)


def estimate_tokens(text: str) -> int:
    """Rough model tokens: ~1.4 per Vietnamese syllable, one per punctuation mark."""
    words = len(text.split())
    punct = sum(1 for c in text if not c.isalnum() and not c.isspace())
    return math.ceil(words * 1.4) + punct


def terms(text: str) -> list[str]:
    """Folded, lower-case content words (syllables) of a text."""
    return [t for t in _TERM.findall(fold_accents(normalize(text)).lower()) if t not in _STOP]


def _bigrams(words: Sequence[str]) -> set[tuple[str, str]]:
    return set(itertools.pairwise(words))


def looks_like_injection(sentence: str) -> bool:
    return _INJECTION.search(fold_accents(sentence).lower()) is not None


@dataclass(frozen=True)
class _Candidate:
    hit: SearchHit
    span: Span
    sentence_start: int  # start of the whole sentence this piece belongs to
    text: str
    terms: list[str]


def _candidates(hits: Sequence[SearchHit]) -> list[_Candidate]:
    seen: set[tuple[str, int]] = set()
    out: list[_Candidate] = []
    for hit in hits:
        article = hit.article.text
        chunk = hit.chunk
        stored = getattr(chunk, "sentences", None)
        if stored:
            spans = [Span(int(a), int(b)) for a, b in stored]
        else:
            spans = [Span(s.start + chunk.start, s.end + chunk.start) for s in split_sentences(chunk.text)]
        for whole in spans:
            for piece in clause_pieces(article, whole, MAX_SENTENCE_CHARS):
                key = (chunk.source, piece.start)
                text = article[piece.start : piece.end]
                if key in seen or looks_like_injection(text):
                    continue
                seen.add(key)
                out.append(_Candidate(hit, piece, whole.start, text, terms(text)))
    return out


def clause_pieces(text: str, span: Span, max_chars: int) -> list[Span]:
    """Cut a long sentence into pieces of at most `max_chars`, after a clause where possible.

    Cutting at a clause keeps figures such as "1 tỷ 266 triệu đồng" in one piece.
    """
    pieces: list[Span] = []
    start = span.start
    while span.end - start > max_chars:
        clauses = [m.end() for m in _CLAUSE_END.finditer(text, start + max_chars // 2, start + max_chars)]
        cut = clauses[-1] if clauses else split_long(text, Span(start, span.end), max_chars)[0].end
        pieces.append(_strip(text, start, cut))
        start = cut
    pieces.append(_strip(text, start, span.end))
    return [p for p in pieces if p.end > p.start]


def _strip(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end)


def dense_sentence_scores(
    query_vector: np.ndarray, hits: Sequence[SearchHit], sentence_vectors: Mapping[str, np.ndarray]
) -> dict[tuple[str, int], float]:
    """Cosine similarity of the query to each stored sentence vector of the hit chunks.

    `sentence_vectors` maps a chunk id to its sentence vectors; a chunk not embedded yet has none.
    """
    scores: dict[tuple[str, int], float] = {}
    for hit in hits:
        spans = getattr(hit.chunk, "sentences", None)
        vectors = sentence_vectors.get(hit.chunk.chunk_id)
        if not spans or vectors is None or len(vectors) != len(spans):
            continue
        for (start, _end), sim in zip(spans, vectors @ query_vector, strict=True):
            scores[(hit.chunk.source, int(start))] = float(sim)
    return scores


def _previous_sentences(cands: Sequence[_Candidate]) -> dict[tuple[str, int], tuple[set[str], int]]:
    """For each sentence (source, start), the terms and the start of the sentence right before it
    in its article, when that one is a candidate too (nothing but spaces between them)."""
    whole: dict[tuple[str, int], tuple[set[str], int, str]] = {}
    for c in cands:
        key = (c.hit.chunk.source, c.sentence_start)
        words, end, _ = whole.get(key, (set(), 0, ""))
        whole[key] = (words | set(c.terms), max(end, c.span.end), c.hit.article.text)
    out: dict[tuple[str, int], tuple[set[str], int]] = {}
    by_source: dict[str, list[int]] = {}
    for source, start in whole:
        by_source.setdefault(source, []).append(start)
    for source, starts in by_source.items():
        starts.sort()
        for a, b in itertools.pairwise(starts):
            words, end, article = whole[(source, a)]
            if end <= b and not article[end:b].strip():
                out[(source, b)] = (words, a)
    return out


def score_sentences(
    question: str, hits: Sequence[SearchHit], dense: SentenceScores | None = None, focus: str | None = None
) -> list[tuple[float, _Candidate]]:
    """Question-term overlap weighted by rarity among the candidates, plus bigram, rank and dense bonuses.

    Given `focus` (a follow-up's own words), the question's other words weigh `INHERITED_WEIGHT`.

    A question about the date or the author puts the dateline or the byline of each article
    just above that article's best sentence, so the most relevant article's one comes first.
    """
    cands = _candidates(hits)
    intent = metadata_intent(question)  # the same reading of the question as retrieval's
    asks_date, asks_author = intent == "date", intent == "author"
    q_terms = set(terms(question))
    q_bigrams = _bigrams(terms(question))
    own_terms = set(terms(focus)) if focus else q_terms
    weight = {t: 1.0 if t in own_terms else INHERITED_WEIGHT for t in q_terms}
    df: dict[str, int] = {}
    for c in cands:
        for t in set(c.terms):
            df[t] = df.get(t, 0) + 1
    total = len(cands) or 1
    before = _previous_sentences(cands)
    scored = []
    for c in cands:
        present = q_terms.intersection(c.terms)
        score = sum(weight[t] * math.log(1 + total / df[t]) for t in present)
        prev = before.get((c.hit.chunk.source, c.sentence_start))
        if prev is not None:
            # Read in its context: the sentence before names what this one's "Công trình", "Ông" or
            # "Số tiền này" stands for, so its question words count here at a discount.
            said = (q_terms & prev[0]) - present
            score += CONTEXT_WEIGHT * sum(weight[t] * math.log(1 + total / df[t]) for t in said if t in df)
        score += 0.5 * len(q_bigrams & _bigrams(c.terms))
        score += 0.5 / c.hit.rank
        if is_headline(c.hit.article.title, c.span.start, c.text):
            score -= HEADLINE_PENALTY
        if dense:
            own = dense.get((c.hit.chunk.source, c.sentence_start), 0.0)
            context = dense.get((c.hit.chunk.source, prev[1]), 0.0) if prev is not None else 0.0
            score += DENSE_WEIGHT * (own + CONTEXT_WEIGHT * max(0.0, context - own))
        scored.append((score, c))
    if asks_date or asks_author:
        best: dict[str, float] = {}
        for score, c in scored:
            best[c.hit.chunk.source] = max(score, best.get(c.hit.chunk.source, score))
        scored = [
            (best[c.hit.chunk.source] + 1.0 if _is_metadata(c, asks_date, asks_author) else score, c)
            for score, c in scored
        ]
    scored.sort(key=lambda sc: -sc[0])
    return scored


def is_headline(title: str, start: int, text: str) -> bool:
    """The sentence is the article's title line (articles open with it)."""
    return start == 0 and bool(title) and " ".join(text.split()).rstrip(".") == " ".join(title.split()).rstrip(".")


def _is_metadata(c: _Candidate, date: bool, author: bool) -> bool:
    byline = c.hit.article.author
    is_date = date and _DATE.search(c.text) is not None and len(c.text) < 80
    return is_date or (author and bool(byline) and byline is not None and byline in c.text and len(c.text) < 80)


def coverage(question: str, text: str) -> float:
    """Share of the question's content words that the text contains."""
    q = set(terms(question))
    if not q:
        return 0.0
    return len(q.intersection(terms(text))) / len(q)


MIN_EVIDENCE_WORDS = 4


def select_evidence(
    question: str,
    hits: Sequence[SearchHit],
    *,
    token_budget: int,
    max_sentences: int,
    sources: Sequence[str] | None = None,
    dense: SentenceScores | None = None,
    fits: Callable[[str], bool] | None = None,
    focus: str | None = None,
) -> list[Evidence]:
    """Best-scoring sentences within the budget, numbered 1.. in score order.

    `sources` restricts the choice to those articles (the ones that hold the question's facts).
    The best sentence is always kept, even when it alone exceeds the budget. Given `fits` (the
    sentence states the kind of fact asked: a figure, a name), the best-scoring fitting sentence
    of the top sentence's article joins when no chosen one fits: a story often restates the
    question in its lead and gives the figure paragraphs later.
    """
    allowed = set(sources) if sources is not None else None
    # A byline or a clause's tail ("công chức;…") states nothing, except to a date or author question.
    min_words = 1 if metadata_intent(question) in ("date", "author") else MIN_EVIDENCE_WORDS
    chosen: list[tuple[float, _Candidate]] = []
    used = 0
    eligible = [
        (score, c)
        for score, c in score_sentences(question, hits, dense, focus)
        if (allowed is None or c.hit.chunk.source in allowed) and len(c.text.split()) >= min_words
    ]
    for score, c in eligible:
        cost = estimate_tokens(c.text) + 4
        if chosen and used + cost > token_budget:
            continue
        chosen.append((score, c))
        used += cost
        if len(chosen) >= max_sentences:
            break
    if fits is not None and chosen and not any(fits(c.text) for _, c in chosen):
        top = chosen[0][1].hit.chunk.source
        typed = next(((s, c) for s, c in eligible if c.hit.chunk.source == top and fits(c.text)), None)
        if typed is not None:
            # In place of the last sentence when the budget is spent (the top one always stays).
            if len(chosen) > 1 and (
                len(chosen) >= max_sentences or used + estimate_tokens(typed[1].text) > token_budget
            ):
                chosen.pop()
            chosen.append(typed)
    return [
        Evidence(
            n=i,
            source=c.hit.chunk.source,
            title=c.hit.article.title,
            date=c.hit.article.date,
            chunk_id=c.hit.chunk.chunk_id,
            start=c.span.start,
            end=c.span.end,
            text=c.text,
            score=round(score, 4),
            sentence_start=c.sentence_start,
        )
        for i, (score, c) in enumerate(chosen, start=1)
    ]
