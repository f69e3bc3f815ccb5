"""Retrieval benchmark: where does the chunk holding the answer rank?

Builds a fresh index of the corpus in a temporary folder (to time ingestion),
then ranks every single-evidence answerable dev question with hybrid, dense,
BM25 and LangChain's default recipe (RecursiveCharacterTextSplitter(1000, 200)
+ dense-only FAISS over the same embedding model, on the corpus's .txt/.md files:
`eval.baseline.BaselineSearch`, the same as `rag eval --retrieval baseline`).
Prints figures; asserts nothing.

Note: the dev questions were also used while tuning chunking and fusion, so
these figures are optimistic for unseen questions.

    python -m eval.bench_retrieval [--questions FILE] [--corpus DIR] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from eval.baseline import BaselineSearch
from eval.metrics import evidence_rank, hit_at, mrr
from eval.questions import DEV_QUESTIONS, Question, load_questions
from rag.config import load_settings
from rag.pipeline import Pipeline
from rag.retrieval import SearchHit

SKIP_KINDS = {"comparison", "follow_up"}  # need two passages or the chat history


def ranks_of(results: list[list[SearchHit]], questions: list[Question]) -> list[int | None]:
    """Per question, the rank of the first retrieved chunk holding its answer (None when absent)."""
    return [
        evidence_rank([(h.chunk.source, h.chunk.text) for h in hits], q.gold_sources, q.must_include)
        for q, hits in zip(questions, results, strict=True)
    ]


def summarize(ranks: list[int | None]) -> dict[str, float]:
    return {"hit@1": hit_at(ranks, 1), "hit@3": hit_at(ranks, 3), "hit@5": hit_at(ranks, 5), "mrr": mrr(ranks)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=Path, default=DEV_QUESTIONS, help="JSONL question file")
    parser.add_argument("--corpus", type=Path, default=None, help="article folder (default: settings)")
    parser.add_argument("--k", type=int, default=10, help="depth searched for the answer chunk")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)

    base = load_settings()
    corpus = args.corpus or base.paths.articles_dir
    questions = [q for q in load_questions(args.questions) if q.answerable and q.kind not in SKIP_KINDS]
    with tempfile.TemporaryDirectory() as tmp:
        settings = base.model_copy(update={"paths": base.paths.model_copy(update={"index_dir": Path(tmp)})})
        pipeline = Pipeline(settings)
        t0 = time.perf_counter()
        _ = pipeline.embedder.dimension  # load the model outside the ingest timing
        load_s = time.perf_counter() - t0
        report = pipeline.ingest([corpus])
        _ = pipeline.engine

        results: dict[str, Any] = {"questions": len(questions), "model_load_s": round(load_s, 2)}
        results["ingest"] = {
            "chunks": report.chunks_embedded,
            "seconds": round(report.seconds, 2),
            "chunks_per_s": round(report.chunks_embedded / report.seconds, 2),
        }
        per_mode: dict[str, list[int | None]] = {}
        latencies: list[float] = []
        for mode in ("hybrid", "dense", "bm25"):
            hits = []
            for q in questions:
                t = time.perf_counter()
                hits.append(pipeline.search(q.question, args.k, mode))
                if mode == "hybrid":
                    latencies.append((time.perf_counter() - t) * 1000)
            per_mode[mode] = ranks_of(hits, questions)
        baseline = BaselineSearch(corpus, pipeline.embedder)
        per_mode["langchain_baseline"] = ranks_of([baseline.search(q.question, args.k) for q in questions], questions)

    results["modes"] = {m: summarize(r) for m, r in per_mode.items()}
    results["hybrid_by_kind"] = {
        kind: summarize([r for q, r in zip(questions, per_mode["hybrid"], strict=True) if q.kind == kind])
        for kind in sorted({q.kind for q in questions})
    }
    results["hybrid_misses_at_1"] = [
        {"id": q.id, "kind": q.kind, "rank": r, "question": q.question}
        for q, r in zip(questions, per_mode["hybrid"], strict=True)
        if r != 1
    ]
    results["search_latency_ms"] = {
        "p50": round(statistics.median(latencies), 1),
        "p95": round(sorted(latencies)[int(0.95 * (len(latencies) - 1))], 1),
    }
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)

    if args.questions == DEV_QUESTIONS:
        print("Note: chunking and fusion were tuned on these same dev questions; figures are optimistic.")
    print(f"{len(questions)} questions, corpus {corpus}")
    print(f"{'mode':<20}{'hit@1':>8}{'hit@3':>8}{'hit@5':>8}{'MRR':>8}")
    for mode, s in results["modes"].items():
        print(f"{mode:<20}{s['hit@1']:>8.1%}{s['hit@3']:>8.1%}{s['hit@5']:>8.1%}{s['mrr']:>8.3f}")
    print("hybrid by kind:")
    for kind, s in results["hybrid_by_kind"].items():
        print(f"  {kind:<18}{s['hit@1']:>8.1%}{s['hit@3']:>8.1%}")
    for miss in results["hybrid_misses_at_1"]:
        print(f"  not first: {miss['id']} ({miss['kind']}) rank={miss['rank']}: {miss['question']}")
    ing = results["ingest"]
    print(
        f"ingest: {ing['chunks']} chunks in {ing['seconds']} s = {ing['chunks_per_s']} chunks/s "
        f"(model load {results['model_load_s']} s)"
    )
    lat = results["search_latency_ms"]
    print(f"search latency (hybrid, warm, in process): p50 {lat['p50']} ms, p95 {lat['p95']} ms")
    print(f"peak RSS: {results['peak_rss_mb']} MB")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
