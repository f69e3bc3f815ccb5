"""Retrieval on each dense backend over one index: FAISS (the default) against Milvus (Lite or a server).

Builds (or reuses, with --index-dir) one store of the corpus with the real embedding model,
then ranks the answer chunk of every single-evidence answerable question with hybrid and dense
retrieval through each backend, and prints hit@1/@3/@5, MRR, how many questions got exactly the
same top-k as FAISS, and search latency. Only the dense candidates come from the backend (BM25
and the fusion are the project's own), so the figures should match within ties. With --answers it
also answers every question in extractive mode (no LLM) and counts key facts, refusals and answers
identical to FAISS's. Asserts nothing.

    python -m eval.bench_backends                                  # FAISS and Milvus Lite
    milvus-server --data /tmp/milvus &                             # then, for a server too:
    python -m eval.bench_backends --milvus-uri /tmp/b.db --milvus-uri http://127.0.0.1:19530
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from eval.bench_retrieval import SKIP_KINDS, ranks_of, summarize
from eval.metrics import key_fact_correct
from eval.questions import Question, load_questions
from rag.config import Settings, load_settings
from rag.history import Turn
from rag.pipeline import Pipeline

HELDOUT = Path(__file__).with_name("heldout_questions.jsonl")
MODES = ("hybrid", "dense")


def backend_settings(base: Settings, uri: str | None) -> Settings:
    """FAISS when `uri` is None, else Milvus at `uri` under a collection prefix of its own."""
    if uri is None:
        return base
    vector_store = base.vector_store.model_copy(update={"mode": "milvus", "uri": uri, "collection": "bench_backends"})
    return base.model_copy(update={"vector_store": vector_store})


def extractive_answers(pipeline: Pipeline, questions: list[Question]) -> list[tuple[str, bool, bool]]:
    """Per question, (answer text, refused, key facts found) in extractive mode."""
    out = []
    for q in questions:
        history = [Turn(t["role"], t["content"]) for t in q.history]  # type: ignore[arg-type]
        answer = pipeline.ask(q.question, history, mode="extractive")
        found = (
            q.answerable and not answer.refused and key_fact_correct(answer.answer, q.must_include, q.must_include_any)
        )
        out.append((answer.answer, answer.refused, found))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=Path, default=HELDOUT, help="JSONL question file")
    parser.add_argument("--corpus", type=Path, default=None, help="article folder (default: settings)")
    parser.add_argument("--index-dir", type=Path, default=None, help="build or reuse the index here (default: temp)")
    parser.add_argument("--milvus-uri", action="append", default=None, help="repeatable; default: a Lite file")
    parser.add_argument("--k", type=int, default=10, help="depth searched for the answer chunk")
    parser.add_argument("--answers", action="store_true", help="also compare extractive answers")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)

    base = load_settings()
    corpus = args.corpus or base.paths.articles_dir
    everything = load_questions(args.questions)
    questions = [q for q in everything if q.answerable and q.kind not in SKIP_KINDS]
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = args.index_dir or Path(tmp) / "index"
        base = base.model_copy(update={"paths": base.paths.model_copy(update={"index_dir": index_dir})})
        uris = args.milvus_uri or [str(Path(tmp) / "milvus.db")]
        first = Pipeline(base)
        first.ingest([corpus])  # a no-op on a reused index that is up to date
        results: dict[str, Any] = {"questions": len(questions), "corpus": str(corpus), "backends": {}}
        reference: dict[str, list[list[str]]] = {}
        reference_answers: list[str] = []
        for name, uri in [("faiss", None), *((f"milvus {u}", u) for u in uris)]:
            t0 = time.perf_counter()
            pipeline = first if uri is None else Pipeline(backend_settings(base, uri), embedder=first.embedder)
            pipeline.search(questions[0].question, args.k, "dense")  # opens (and fills) the dense index
            figures: dict[str, Any] = {"open_s": round(time.perf_counter() - t0, 2)}
            for mode in MODES:
                hits, latencies = [], []
                for q in questions:
                    t = time.perf_counter()
                    hits.append(pipeline.search(q.question, args.k, mode))
                    latencies.append((time.perf_counter() - t) * 1000)
                ids = [[h.chunk.chunk_id for h in found] for found in hits]
                reference.setdefault(mode, ids)
                figures[mode] = {
                    **summarize(ranks_of(hits, questions)),
                    "same_top_k_as_faiss": sum(a == b for a, b in zip(ids, reference[mode], strict=True)),
                    "p50_ms": round(statistics.median(latencies), 1),
                }
            if args.answers:
                answers = extractive_answers(pipeline, everything)
                reference_answers = reference_answers or [a for a, _, _ in answers]
                figures["extractive"] = {
                    "key_facts": sum(f for _, _, f in answers),
                    "answerable": sum(q.answerable for q in everything),
                    "refused": sum(r for _, r, _ in answers),
                    "same_answer_as_faiss": sum(
                        a == b for (a, _, _), b in zip(answers, reference_answers, strict=True)
                    ),
                    "questions": len(everything),
                }
            results["backends"][name] = figures

    print(f"{len(questions)} questions ({args.questions.name}), corpus {corpus}, k={args.k}")
    print(f"{'backend':<44}{'mode':<8}{'hit@1':>7}{'hit@3':>7}{'hit@5':>7}{'MRR':>7}{'same':>6}{'p50 ms':>8}")
    for name, figures in results["backends"].items():
        for mode in MODES:
            s = figures[mode]
            print(
                f"{name[:43]:<44}{mode:<8}{s['hit@1']:>7.1%}{s['hit@3']:>7.1%}{s['hit@5']:>7.1%}{s['mrr']:>7.3f}"
                f"{s['same_top_k_as_faiss']:>6}{s['p50_ms']:>8}"
            )
    print("same: questions whose top-k chunk ids equal FAISS's; p50: search latency in process, warm.")
    for name, figures in results["backends"].items() if args.answers else ():
        e = figures["extractive"]
        print(
            f"{name[:43]:<44}extractive: key facts {e['key_facts']}/{e['answerable']} answerable, "
            f"refused {e['refused']}/{e['questions']}, "
            f"same answer as FAISS {e['same_answer_as_faiss']}/{e['questions']}"
        )
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
