"""Pure evaluation metrics. Each definition is also printed in the report (`DEFINITIONS`)."""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from collections.abc import Sequence

from rag.text import canonical_number, fold_accents, normalize, numbers_in

DEFINITIONS: dict[str, str] = {
    "doc_hit@k": "Share of answerable questions with a chunk of a gold source among the top k retrieved.",
    "evidence_hit@k": "Share of answerable questions with a top-k chunk from a gold source that contains every "
    "must_include string (case, diacritics and number formats normalised).",
    "mrr": "Mean over answerable questions of 1/rank of the first evidence chunk (0 when none in the top 10).",
    "ndcg@10": "Binary-relevance nDCG of the top 10 (relevant = evidence chunk), ideal = all evidence chunks "
    "of the index ranked first.",
    "key_fact_accuracy": "Share of answerable questions answered (not refused) with at least one citation whose "
    "answer contains every must_include string, or one of must_include_any when given.",
    "token_f1": "Mean token F1 (accent-folded words, canonical numbers) between answer and reference_answer, over "
    "answerable questions that have one.",
    "citation_validity": "Share of non-refused answers whose every citation quote equals article_text[start:end] "
    "and whose every [n] marker has a citation.",
    "citation_precision": "Share of citations (in non-refused answers) whose quote, with its article's title shown "
    "above it on the citation card (and the sentence of the story stating a premise the answer restated, when the "
    "card shows one), states the numbers and names of the answer sentence that cites it; or, when the sentence's "
    "citations state them together, that the others cannot state them without (ALCE's citation precision).",
    "source_recall": "Mean over answered answerable questions of |cited sources ∩ gold_sources| / |gold_sources|.",
    "model_written_share": "Generative mode: of the answered questions, the share answered by the model's own "
    "verified sentences (not a quote of the evidence).",
    "answer_chars_p50": "Median length in characters of the answers given (citation markers excluded).",
    "key_fact_first_sentence": "Of the answers with the key fact, the share stating it in their first sentence "
    "(a quoted answer's lead line skipped).",
    "false_refusal_rate": "Of the answerable questions, the share that were refused.",
    "refusal_precision": "Of the refused questions, the share that were unanswerable.",
    "refusal_recall": "Of the unanswerable questions, the share that were refused.",
    "latency": "p50/p95 in milliseconds of retrieval, first token (generative only) and total answer time.",
}


def _norm(text: str) -> str:
    return " ".join(normalize(text).lower().split())


def contains_all(text: str, needles: Sequence[str]) -> bool:
    """True when every needle occurs in text, after NFC/tone normalisation and case folding."""
    hay = _norm(text)
    return all(_norm(n) in hay for n in needles)


def contains_all_folded(text: str, needles: Sequence[str]) -> bool:
    """Like contains_all, but also ignoring diacritics."""
    hay = fold_accents(_norm(text))
    return all(fold_accents(_norm(n)) in hay for n in needles)


def fact_found(answer: str, needle: str) -> bool:
    """A must_include string is in the answer, up to diacritics and number format ("1,695" = "1.695").

    A needle with numbers also counts when all its numbers appear in the answer: an English
    answer says "898.9 million dong" for "898,9 triệu đồng".
    """
    if contains_all_folded(answer, [needle]):
        return True
    wanted = numbers_in(needle)
    return bool(wanted) and set(wanted) <= set(numbers_in(answer))


def key_fact_correct(answer: str, must_include: Sequence[str], must_include_any: Sequence[str] = ()) -> bool:
    """All must_include found; when must_include_any is given, one of it stands in for the rest."""
    if must_include_any:
        rest = [n for n in must_include if n not in must_include_any]
        return any(fact_found(answer, n) for n in must_include_any) and all(fact_found(answer, n) for n in rest)
    return all(fact_found(answer, n) for n in must_include)


_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+", re.UNICODE)


def _tokens(text: str) -> list[str]:
    out = []
    for tok in _TOKEN.findall(fold_accents(_norm(text))):
        out.append(canonical_number(tok) if tok[0].isdigit() else tok)
    return out


def token_f1(prediction: str, reference: str) -> float:
    """SQuAD-style token F1 over accent-folded words and canonical numbers."""
    pred, ref = _tokens(prediction), _tokens(reference)
    if not pred or not ref:
        return float(pred == ref)
    common = sum((Counter(pred) & Counter(ref)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def evidence_rank(
    passages: Sequence[tuple[str, str]], gold_sources: Sequence[str], must_include: Sequence[str]
) -> int | None:
    """1-based rank of the first (source, text) passage from a gold source holding every must_include string."""
    for rank, (source, text) in enumerate(passages, start=1):
        if (not gold_sources or source in gold_sources) and contains_all(text, must_include):
            return rank
    return None


def doc_rank(sources: Sequence[str], gold_sources: Sequence[str]) -> int | None:
    """1-based rank of the first passage from any gold source."""
    return next((rank for rank, s in enumerate(sources, start=1) if s in gold_sources), None)


def hit_at(ranks: Sequence[int | None], k: int) -> float:
    """Share of questions whose rank is at most k (None counts as a miss)."""
    if not ranks:
        return 0.0
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks)


def mrr(ranks: Sequence[int | None]) -> float:
    """Mean reciprocal rank; a miss contributes 0."""
    if not ranks:
        return 0.0
    return sum(1.0 / r for r in ranks if r) / len(ranks)


def ndcg_at(relevant: Sequence[bool], total_relevant: int, k: int = 10) -> float:
    """Binary nDCG@k of one ranking, given how many relevant items exist in all."""
    ideal = min(total_relevant, k)
    if ideal == 0:
        return 0.0
    dcg = sum(1.0 / math.log2(i + 2) for i, rel in enumerate(relevant[:k]) if rel)
    idcg = sum(1.0 / math.log2(i + 2) for i in range(ideal))
    return dcg / idcg


def refusal_scores(unanswerable: Sequence[bool], refused: Sequence[bool]) -> tuple[float, float]:
    """(precision, recall) of refusing, with unanswerable as the positive class."""
    tp = sum(u and r for u, r in zip(unanswerable, refused, strict=True))
    predicted, actual = sum(refused), sum(unanswerable)
    return (tp / predicted if predicted else 1.0), (tp / actual if actual else 1.0)


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100); None for no values."""
    data = sorted(values)
    if not data:
        return None
    if q == 50:
        return float(statistics.median(data))
    return float(data[min(len(data) - 1, max(0, math.ceil(q / 100 * len(data)) - 1))])


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None
