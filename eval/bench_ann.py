"""Recall of the approximate (IVF) index against exact search, on real vectors and real questions.

Reads every stored vector of one kind from an index (`rag embed` fills it), embeds the dev and
held-out questions with the configured model (real query vectors, not random ones), and
compares the top 10 of IVF with the top 10 of exact inner-product search, for several nprobe.
Prints figures; asserts nothing.

    python -m eval.bench_ann --index data/index [--kind sentences] [--nprobe 8 16 32 64]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

from eval.questions import DEV_QUESTIONS, load_questions

HELDOUT = Path(__file__).with_name("heldout_questions.jsonl")


def recall_at(exact: np.ndarray, approx: list[list[int]], k: int) -> float:
    """Mean share of the exact top k that the approximate top k also returns."""
    return float(np.mean([len(set(e[:k]) & set(a[:k])) / k for e, a in zip(exact, approx, strict=True)]))


def main(argv: list[str] | None = None) -> int:
    import faiss

    from rag.config import VectorStoreSettings, load_settings
    from rag.pipeline import Pipeline
    from rag.records import CHUNK, SENTENCE
    from rag.store import DocStore
    from rag.vectorstore import FaissIndex

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, required=True, help="an index folder holding vectors")
    parser.add_argument("--kind", choices=["chunks", "sentences"], default="sentences")
    parser.add_argument("--nprobe", type=int, nargs="+", default=[4, 8, 16, 32, 64])
    parser.add_argument("--lists", type=int, default=0, help="IVF cells (0: 4 * sqrt(vectors), as the index does)")
    parser.add_argument("--k", type=int, default=10)
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    store = DocStore(args.index)
    changes = store.changes_since(0, SENTENCE if args.kind == "sentences" else CHUNK, limit=10_000_000)
    store.close()
    if not changes.added:
        print(f"Không có vector nào trong {args.index}: chạy rag embed trước.", file=sys.stderr)
        return 2
    ids = np.array([i for i, _, _ in changes.added], dtype=np.int64)
    vectors = np.stack([v for _, _, v in changes.added]).astype(np.float32)
    settings = load_settings(None, {**os.environ, "RAG_PATHS__INDEX_DIR": str(args.index)})
    embedder = Pipeline(settings).embedder
    questions = [q.question for path in (DEV_QUESTIONS, HELDOUT) for q in load_questions(path)]
    queries = np.stack([embedder.embed_query(q) for q in questions]).astype(np.float32)

    position = {int(i): n for n, i in enumerate(ids)}
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    t = time.perf_counter()
    _, truth = exact.search(queries, args.k)
    exact_ms = (time.perf_counter() - t) * 1000 / len(queries)
    print(f"{len(vectors)} {args.kind} vectors (dim {vectors.shape[1]}), {len(queries)} questions (dev + held-out)")
    print(f"exact: {exact_ms:.2f} ms/query")
    for nprobe in args.nprobe:
        cfg = VectorStoreSettings(approximate_above=0, ivf_lists=args.lists, nprobe=nprobe)
        index = FaissIndex(vectors.shape[1], cfg)
        index.add(list(ids), vectors)
        index.maybe_approximate()
        t = time.perf_counter()
        hits = [index.search(q, args.k) for q in queries]
        ms = (time.perf_counter() - t) * 1000 / len(queries)
        found = [[position[i] for i, _ in h] for h in hits]
        print(f"IVF nprobe {nprobe}: recall@{args.k} {recall_at(truth, found, args.k):.3f}, {ms:.2f} ms/query")
    return 0


if __name__ == "__main__":
    sys.exit(main())
