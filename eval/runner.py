"""`rag eval`: run a question file through the same answer chain as the chat page, score it, report.

Resumable: records go to OUT/results.jsonl as they finish; a re-run with the same --out
skips (id, configuration) pairs already there.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.corpus import load_spec, materialise
from eval.metrics import (
    contains_all,
    doc_rank,
    evidence_rank,
    hit_at,
    key_fact_correct,
    mean,
    mrr,
    ndcg_at,
    percentile,
    refusal_scores,
    token_f1,
)
from eval.questions import Question
from rag.answer import Answer, AnswerChain, Done, Event
from rag.citations import parse_markers, strip_markers
from rag.cleaning import display_title
from rag.config import Settings
from rag.history import Turn
from rag.pipeline import Pipeline
from rag.retrieval import SearchHit
from rag.sentences import split_sentences
from rag.verification import Facts, check_support, facts_in

RETRIEVALS = ("hybrid", "dense", "bm25", "baseline")
DEPTH = 10  # retrieval metrics look this deep


@dataclass(frozen=True)
class Target:
    """One configuration: how to search and how to answer."""

    name: str
    search: Callable[[str, int], list[SearchHit]]
    ask: Callable[[str, Sequence[Turn], str], Iterator[Event]]
    evidence_count: Callable[[Question], int]
    articles: Callable[[Iterable[str]], dict[str, str]]  # sources -> cleaned texts the citations point into


def build_targets(
    settings: Settings, corpus: Path, retrievals: Sequence[str], modes: Sequence[str], work_dir: Path
) -> list[tuple[Target, str]]:
    """(target, answer mode) pairs sharing one embedder and one LLM.

    `corpus` is a folder, or a corpus manifest (.json, eval/corpus.py) whose articles and
    index are built once in the cache and reused by later runs."""
    if corpus.suffix == ".json":
        corpus = materialise(load_spec(corpus), settings.models_dir.parent / "eval-corpora")
        index_dir = corpus.parent / "index"
    elif corpus.resolve() == settings.paths.articles_dir.resolve():
        index_dir = settings.paths.index_dir
    else:
        index_dir = work_dir / "index"
    base = settings.model_copy(update={"paths": settings.paths.model_copy(update={"index_dir": index_dir})})
    main = Pipeline(base)
    main.ingest([corpus], sync=True)
    targets: list[tuple[Target, str]] = []
    for retrieval in retrievals:
        if retrieval == "baseline":
            target = _baseline_target(base, corpus, main)
        else:
            cfg = base.model_copy(update={"retrieval": base.retrieval.model_copy(update={"mode": retrieval})})
            # One embedder and one LLM backend for all configurations; the GGUF loads on first use.
            target = _pipeline_target(retrieval, Pipeline(cfg, embedder=main.queries, llm=main.llm))
        targets.extend((target, mode) for mode in modes)
    return targets


def _pipeline_target(name: str, p: Pipeline) -> Target:
    def search(q: str, k: int) -> list[SearchHit]:
        return p.search(q, k)

    def ask(q: str, history: Sequence[Turn], mode: str) -> Iterator[Event]:
        return p.ask_stream(q, history, mode)  # type: ignore[arg-type]

    def articles(sources: Iterable[str]) -> dict[str, str]:
        return p.article_texts(sources)

    return Target(name, search, ask, lambda q: _evidence_count(p, q), articles)


def _baseline_target(settings: Settings, corpus: Path, main: Pipeline) -> Target:
    from eval.baseline import BaselineSearch

    baseline = BaselineSearch(corpus, main.queries)
    chain = AnswerChain(settings, lambda q: baseline.search(q, settings.retrieval.k), lambda: main.llm, None)

    def ask(q: str, history: Sequence[Turn], mode: str) -> Iterator[Event]:
        return chain.stream(q, history, mode)  # type: ignore[arg-type]

    def articles(sources: Iterable[str]) -> dict[str, str]:
        return {s: baseline.articles[s].text for s in sources if s in baseline.articles}

    def evidence(q: Question) -> int:
        return baseline.evidence_count(q.gold_sources, q.must_include)

    return Target("baseline", baseline.search, ask, evidence, articles)


def _evidence_count(pipeline: Pipeline, q: Question) -> int:
    chunks = [c for source in q.gold_sources for c in pipeline.engine.store.chunks_of(source)]
    return sum(1 for c in chunks if contains_all(c.text, q.must_include))


def citation_checks(answer: Answer, articles: dict[str, str]) -> tuple[bool, list[bool]]:
    """(every citation exact and every marker backed, per-citation "quote states its sentence's facts")."""
    valid = all(
        articles.get(c.source, "")[c.start : c.end] == c.quote
        and (c.context_start < 0 or articles.get(c.source, "")[c.context_start : c.context_end] == c.context)
        for c in answer.citations
    )
    # A citation card shows the article's title above the quote, and the story's sentence stating
    # a premise the answer restated: together they back the sentence.
    quotes = {c.n: f"{display_title(c.title)}\n{c.context}\n{c.quote}" for c in answer.citations}
    precise: list[bool] = []
    for span in split_sentences(answer.answer):
        raw = answer.answer[span.start : span.end]
        facts = facts_in(strip_markers(raw))
        markers = parse_markers(raw)
        valid = valid and all(n in quotes for n in markers)

        def backs(ns: list[int], facts: Facts = facts) -> bool:
            return check_support(facts, [quotes[n] for n in ns if n in quotes]).ok

        # A citation is precise when its quote backs the sentence alone, or when the sentence's
        # citations together back it and this one cannot be left out (a sentence joining a fact of
        # each of two passages cites both): the precision of ALCE (Gao et al., 2023).
        for n in markers:
            others = [m for m in markers if m != n]
            precise.append(n in quotes and (backs([n]) or (backs(markers) and not backs(others))))
    return valid and bool(answer.citations), precise


def score(
    q: Question, answer: Answer, hits: list[SearchHit], evidence_total: int, articles: dict[str, str]
) -> dict[str, Any]:
    passages = [(h.chunk.source, h.chunk.text) for h in hits]
    ev_rank = evidence_rank(passages, q.gold_sources, q.must_include) if q.answerable and q.must_include else None
    relevant = [s in q.gold_sources and contains_all(t, q.must_include) for s, t in passages]
    m: dict[str, Any] = {
        "doc_rank": doc_rank([s for s, _ in passages], q.gold_sources) if q.answerable else None,
        "evidence_rank": ev_rank,
        "ndcg@10": ndcg_at(relevant, evidence_total) if q.answerable and q.must_include else None,
        "refused": answer.refused,
    }
    if q.answerable:
        answered = not answer.refused and bool(answer.citations)
        m["key_fact"] = answered and key_fact_correct(answer.answer, q.must_include, q.must_include_any)
        m["token_f1"] = token_f1(answer.answer, q.reference_answer) if q.reference_answer else None
        cited = {c.source for c in answer.citations} if not answer.refused else set()
        m["source_recall"] = len(cited & set(q.gold_sources)) / len(q.gold_sources) if q.gold_sources else None
    if not answer.refused:
        m["citation_valid"], m["citation_precise"] = citation_checks(answer, articles)
        m["answer_chars"] = len(strip_markers(answer.answer))
        m["model_written"] = answer.mode == "generative"  # the model's own verified sentences, not a quote
        if q.answerable and m["key_fact"]:
            first = first_sentence(answer.answer)
            m["key_fact_first"] = key_fact_correct(first, q.must_include, q.must_include_any)
    return m


def first_sentence(answer: str) -> str:
    """The answer's first sentence, markers out; a quoted answer's lead line ("Theo các bài báo:") skipped."""
    lines = answer.strip().split("\n")
    if len(lines) > 1 and lines[0].rstrip().endswith(":"):
        lines = lines[1:]
    text = strip_markers("\n".join(lines))
    spans = split_sentences(text)
    return text[spans[0].start : spans[0].end] if spans else text


def _done(path: Path) -> tuple[list[dict[str, Any]], set[tuple[str, str]]]:
    if not path.exists():
        return [], set()
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return records, {(r["id"], r["config"]) for r in records}


def run(
    settings: Settings,
    questions: Sequence[Question],
    corpus: Path,
    out: Path,
    retrievals: Sequence[str] = ("hybrid",),
    modes: Sequence[str] = ("extractive",),
    progress: bool = True,
) -> list[dict[str, Any]]:
    """Answer every question under every configuration not yet in OUT/results.jsonl; return all records."""
    from tqdm import tqdm

    out.mkdir(parents=True, exist_ok=True)
    results = out / "results.jsonl"
    records, done = _done(results)
    targets = build_targets(settings, corpus, retrievals, modes, out)
    todo = [(t, m, q) for t, m in targets for q in questions if (q.id, f"{t.name}-{m}") not in done]
    with (
        open(results, "a", encoding="utf-8") as fh,
        tqdm(total=len(todo), desc="Đánh giá", unit="câu", disable=not progress) as bar,
    ):
        for target, mode, q in todo:
            history = [Turn(t["role"], t["content"]) for t in q.history]  # type: ignore[arg-type]
            started = time.perf_counter()
            answer = next(e.answer for e in target.ask(q.question, history, mode) if isinstance(e, Done))
            hits = target.search(answer.standalone_question or q.question, DEPTH)
            record = {
                "id": q.id,
                "config": f"{target.name}-{mode}",
                "retrieval": target.name,
                "mode": mode,
                "kind": q.kind,
                "desk": q.desk,
                "answerable": q.answerable,
                "question": q.question,
                "standalone_question": answer.standalone_question,
                "retrieved": [{"chunk_id": h.chunk.chunk_id, "source": h.chunk.source, "score": h.score} for h in hits],
                "answer": answer.answer,
                "refused": answer.refused,
                "fallback": answer.fallback,
                "notes": list(answer.notes),  # why a sentence was dropped or the answer fell back
                "signals": answer.signals,
                "citations": [c.to_json() for c in answer.citations],
                "metrics": score(
                    q, answer, hits, target.evidence_count(q), target.articles(c.source for c in answer.citations)
                ),
                "timings_ms": answer.timings_ms,
                "wall_ms": round((time.perf_counter() - started) * 1000, 1),
            }
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            fh.flush()
            records.append(record)
            bar.update()
    wanted = {f"{t.name}-{m}" for t, m in targets}
    ids = {q.id for q in questions}
    return [r for r in records if r["config"] in wanted and r["id"] in ids]


def _rate(values: list[Any]) -> float | None:
    vals = [float(v) for v in values if v is not None]
    return mean(vals)


def summarize_group(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    answerable = [r for r in records if r["answerable"]]
    ev = [r["metrics"]["evidence_rank"] for r in answerable]
    docs = [r["metrics"]["doc_rank"] for r in answerable]
    answered = [r for r in records if not r["refused"]]
    precise = [p for r in answered for p in r["metrics"].get("citation_precise", [])]
    precision, recall = refusal_scores([not r["answerable"] for r in records], [r["refused"] for r in records])
    timing = {
        key: [r["timings_ms"][key] for r in records if r["timings_ms"].get(key) is not None]
        for key in ("retrieval", "first_token", "total")
    }
    out: dict[str, Any] = {"questions": len(records), "answerable": len(answerable)}
    for k in (1, 3, 5):
        out[f"doc_hit@{k}"] = hit_at(docs, k) if answerable else None
        out[f"evidence_hit@{k}"] = hit_at(ev, k) if answerable else None
    out["mrr"] = mrr(ev) if answerable else None
    out["ndcg@10"] = _rate([r["metrics"]["ndcg@10"] for r in answerable])
    out["key_fact_accuracy"] = _rate([r["metrics"]["key_fact"] for r in answerable])
    out["token_f1"] = _rate([r["metrics"]["token_f1"] for r in answerable])
    out["citation_validity"] = _rate([r["metrics"]["citation_valid"] for r in answered])
    out["citation_precision"] = mean([float(p) for p in precise])
    out["source_recall"] = _rate([r["metrics"]["source_recall"] for r in answerable if not r["refused"]])
    out["refusal_precision"], out["refusal_recall"] = precision, recall
    # Answerable questions the assistant refused: the price of every refusal rule.
    out["false_refusal_rate"] = _rate([r["refused"] for r in answerable])
    # How answers read (issue 12): written by the model or quoted, how long, the fact up front.
    out["model_written_share"] = _rate(
        [r["metrics"].get("model_written") for r in answered if r["mode"] == "generative"]
    )
    out["answer_chars_p50"] = percentile(
        [r["metrics"]["answer_chars"] for r in answered if "answer_chars" in r["metrics"]], 50
    )
    out["key_fact_first_sentence"] = _rate([r["metrics"].get("key_fact_first") for r in answerable])
    for key, values in timing.items():
        out[f"{key}_p50_ms"] = percentile(values, 50)
        out[f"{key}_p95_ms"] = percentile(values, 95)
    return out


def summarize(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Per configuration: all metrics, plus a per-kind breakdown."""
    summary: dict[str, Any] = {}
    for config in sorted({r["config"] for r in records}):
        rows = [r for r in records if r["config"] == config]
        by_kind = {
            kind: summarize_group([r for r in rows if r["kind"] == kind]) for kind in sorted({r["kind"] for r in rows})
        }
        summary[config] = {**summarize_group(rows), "by_kind": by_kind}
        desks = sorted({r.get("desk") or "" for r in rows} - {""})
        if desks:
            summary[config]["by_desk"] = {
                desk: summarize_group([r for r in rows if r.get("desk") == desk]) for desk in desks
            }
    return summary


METRICS = (
    *(f"{kind}_hit@{k}" for kind in ("doc", "evidence") for k in (1, 3, 5)),
    "questions",
    "answerable",
    "mrr",
    "ndcg@10",
    "key_fact_accuracy",
    "token_f1",
    "citation_validity",
    "citation_precision",
    "source_recall",
    "refusal_precision",
    "refusal_recall",
    "false_refusal_rate",
    "model_written_share",
    "answer_chars_p50",
    "key_fact_first_sentence",
    *(f"{key}_{q}_ms" for key in ("retrieval", "first_token", "total") for q in ("p50", "p95")),
)
# Lower is better for these: a gate on them is a maximum.
LOWER_IS_BETTER = frozenset({"false_refusal_rate", "answer_chars_p50", *(m for m in METRICS if m.endswith("_ms"))})


@dataclass(frozen=True)
class Gate:
    config: str  # "" applies to every configuration
    metric: str
    bound: float

    def fails(self, value: float | None) -> bool:
        if value is None:
            return True
        return value > self.bound if self.metric in LOWER_IS_BETTER else value < self.bound

    def __str__(self) -> str:
        return f"{self.config + '.' if self.config else ''}{self.metric}={self.bound}"


def parse_gates(specs: Sequence[str], configs: Iterable[str] | None = None) -> list[Gate]:
    """`METRIC=VALUE` or `CONFIG.METRIC=VALUE`; an unknown metric or configuration, or a
    malformed value, raises ValueError before anything runs (a typo must not pass a gate)."""
    known = set(configs) if configs is not None else None
    gates = []
    for spec in specs:
        name, sep, raw = spec.partition("=")
        config, _, metric = name.rpartition(".")
        try:
            bound = float(raw)
        except ValueError:
            bound = float("nan")
        if not sep or bound != bound:
            raise ValueError(f"--min {spec!r}: expected METRIC=NUMBER, e.g. key_fact_accuracy=0.8")
        if metric not in METRICS:
            raise ValueError(f"--min {spec!r}: unknown metric {metric!r}; known: {', '.join(METRICS)}")
        if config and known is not None and config not in known:
            raise ValueError(f"--min {spec!r}: no configuration {config!r} in this run ({', '.join(sorted(known))})")
        gates.append(Gate(config, metric, bound))
    return gates


def check_minimums(summary: dict[str, Any], minimums: Sequence[str]) -> list[str]:
    """Failures of the gates (a gate without a configuration applies to every one); an unknown
    metric or configuration raises ValueError. Time and false-refusal gates are maximums."""
    failures = []
    for gate in parse_gates(minimums, summary.keys()):
        for cfg, values in summary.items():
            if gate.config and cfg != gate.config:
                continue
            value = values.get(gate.metric)
            if gate.fails(value):
                op = ">" if gate.metric in LOWER_IS_BETTER else "<"
                failures.append(f"{cfg}: {gate.metric} = {value} {op} {gate.bound}")
    return failures
