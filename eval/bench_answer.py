"""Answer benchmark: correctness, refusal, citation precision and latency of `Pipeline.ask`.

For each dev question (with its chat history, if any) it asks the pipeline and measures:
- answerable: the answer is not refused, has at least one citation and states the key fact
  (`eval.metrics.key_fact_correct`, the `key_fact` of `rag eval`);
- unanswerable: the answer is refused;
- citation precision: of the citations in non-refused answers, the share whose quote states
  the facts (numbers, names) of the answer sentence citing it (`eval.runner.citation_checks`);
  every other one is listed;
- latency p50: first token and full answer (generative), total (extractive).

Note: the dev questions were also used while tuning the gates, so these figures are optimistic.

    python -m eval.bench_answer [--mode generative|extractive|both] [--limit N] [--ids a,b] [--index DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from eval.metrics import key_fact_correct, percentile
from eval.questions import DEV_QUESTIONS, Question, load_questions
from eval.runner import citation_checks
from rag.answer import Answer, AnswerMode, Done
from rag.citations import parse_markers
from rag.config import Settings, load_settings
from rag.history import Turn
from rag.pipeline import Pipeline
from rag.sentences import split_sentences


def correct(q: Question, a: Answer) -> bool:
    """Unanswerable: refused. Answerable: answered, cited, and the key fact stated (as `rag eval` scores it)."""
    if not q.answerable:
        return a.refused
    return not a.refused and bool(a.citations) and key_fact_correct(a.answer, q.must_include, q.must_include_any)


def bad_citations(a: Answer, articles: dict[str, str]) -> tuple[int, list[str]]:
    """(markers checked, "[n] sentence" for each marker whose quote does not state its sentence's facts)."""
    if a.refused:
        return 0, []
    _, precise = citation_checks(a, articles)
    # citation_checks reports one flag per [n] marker, sentence by sentence; pair each with its sentence.
    sentences = [a.answer[span.start : span.end] for span in split_sentences(a.answer)]
    markers = [(n, sentence) for sentence in sentences for n in parse_markers(sentence)]
    return len(precise), [f"[{n}] {sentence}" for (n, sentence), ok in zip(markers, precise, strict=True) if not ok]


def run(pipeline: Pipeline, q: Question, mode: AnswerMode) -> Answer:
    history = [Turn(t["role"], t["content"]) for t in q.history]  # type: ignore[arg-type]
    answer = None
    for event in pipeline.ask_stream(q.question, history, mode):
        if isinstance(event, Done):
            answer = event.answer
    assert answer is not None
    return answer


def p50(values: list[float]) -> float | None:
    value = percentile(values, 50)
    return None if value is None else round(value, 1)


def bench(pipeline: Pipeline, questions: list[Question], mode: AnswerMode, verbose: bool) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    for q in questions:
        a = run(pipeline, q, mode)
        checked, flagged = bad_citations(a, pipeline.article_texts(c.source for c in a.citations))
        ok = correct(q, a)
        rows.append(
            {
                "id": q.id,
                "kind": q.kind,
                "answerable": q.answerable,
                "ok": ok,
                "answer": a.to_json(),
                "notes": list(a.notes),
                "bad_citations": flagged,
                "citations_checked": checked,
            }
        )
        if verbose:
            flag = "ok " if ok else "BAD"
            print(
                f"{flag} {q.id} ({q.kind}) {a.timings_ms} fallback={a.fallback}: {a.answer[:160]!r}",
                file=sys.stderr,
                flush=True,
            )
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    cited = sum(r["citations_checked"] for r in rows)
    bad = sum(len(r["bad_citations"]) for r in rows)
    firsts = [r["answer"]["timings_ms"]["first_token"] for r in rows if r["answer"]["timings_ms"]["first_token"]]
    fulls = [r["answer"]["timings_ms"]["total"] for r in rows if r["answer"]["timings_ms"]["first_token"]]
    totals = [r["answer"]["timings_ms"]["total"] for r in rows]
    return {
        "mode": mode,
        "questions": len(rows),
        "answerable_correct": round(sum(r["ok"] for r in answerable) / max(1, len(answerable)), 3),
        "unanswerable_refused": round(sum(r["ok"] for r in unanswerable) / max(1, len(unanswerable)), 3),
        "citation_precision": round(1 - bad / cited, 3) if cited else None,
        "bad_citations": bad,
        "fallbacks": {
            f: sum(r["answer"]["fallback"] == f for r in rows)
            for f in sorted({r["answer"]["fallback"] for r in rows if r["answer"]["fallback"]})
        },
        "p50_ms": {"first_token": p50(firsts), "full_answer": p50(fulls), "total": p50(totals)},
        "bad_citation_list": [{"id": r["id"], "bad": r["bad_citations"]} for r in rows if r["bad_citations"]],
        "failures": [
            {"id": r["id"], "kind": r["kind"], "answer": r["answer"]["answer"][:200], "notes": r["notes"]}
            for r in rows
            if not r["ok"]
        ],
    }


def warm_llm(pipeline: Pipeline) -> None:
    """Load the model and put the fixed system prompt in its KV cache, outside the timings
    (as a long-running server would have done before its first question)."""
    from rag.answer import build_messages
    from rag.llm import LLMUnavailableError, complete

    try:
        complete(pipeline.llm, build_messages("Xin chào?", [], "vi"), max_tokens=1)
    except LLMUnavailableError as exc:
        print(f"LLM unavailable, generative answers will fall back: {exc}", file=sys.stderr)


def _with_index(base: Settings, index_dir: Path) -> Settings:
    return base.model_copy(update={"paths": base.paths.model_copy(update={"index_dir": index_dir})})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=Path, default=DEV_QUESTIONS)
    parser.add_argument("--mode", choices=["generative", "extractive", "both"], default="both")
    parser.add_argument("--limit", type=int, default=None, help="generative: only every k-th question up to N")
    parser.add_argument("--ids", default=None, help="comma-separated question ids (generative subset)")
    parser.add_argument("--index", type=Path, default=None, help="reuse this index instead of building one")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)

    questions = load_questions(args.questions)
    base = load_settings()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        if args.index:
            pipeline = Pipeline(_with_index(base, args.index))
        else:
            pipeline = Pipeline(_with_index(base, Path(tmp)))
            pipeline.ingest([base.paths.articles_dir])
        _ = pipeline.engine
        pipeline.search("khởi động")  # warm the embedder outside the timings
        modes: list[AnswerMode] = ["extractive", "generative"] if args.mode == "both" else [args.mode]
        for mode in modes:
            if mode == "generative":
                warm_llm(pipeline)
            subset = questions
            if mode == "generative" and args.ids:
                wanted = set(args.ids.split(","))
                subset = [q for q in questions if q.id in wanted]
            elif mode == "generative" and args.limit:
                step = max(1, len(questions) // args.limit)
                subset = questions[::step][: args.limit]
            t = time.perf_counter()
            load_before = os.getloadavg()[0]
            results[mode] = bench(pipeline, subset, mode, not args.quiet)
            results[mode]["seconds"] = round(time.perf_counter() - t, 1)
            results[mode]["load_avg_1min"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    print("Note: the chain's gates and thresholds were tuned on these same dev questions; figures are optimistic.")
    for name, r in results.items():
        print(f"== {name}: {r['questions']} questions in {r['seconds']} s")
        print(f"  answerable correct (key fact + citation): {r['answerable_correct']:.1%}")
        print(f"  unanswerable refused:                     {r['unanswerable_refused']:.1%}")
        print(f"  citation precision: {r['citation_precision']}  (bad citations: {r['bad_citations']})")
        print(f"  fallbacks: {r['fallbacks']}")
        load = f"1-min load average before/after: {r['load_avg_1min']}, {os.cpu_count()} CPUs"
        print(f"  p50 ms: {r['p50_ms']}  ({load})")
        for b in r["bad_citation_list"]:
            print(f"  BAD CITATION {b['id']}: {b['bad']}")
        for f in r["failures"]:
            print(f"  FAIL {f['id']} ({f['kind']}): {f['answer']!r}")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
