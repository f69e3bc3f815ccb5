"""Archive-scale benchmark: the five default articles hidden among N real news articles.

For each N it materialises N articles of the shared corpus (baomoi 2017, read in file order)
plus the five default articles into a temporary folder, then measures:

- stage 1 (clean, chunk, tokenise, store): articles/s until everything is BM25-searchable;
- stage 2 (vectors): chunks/s over a measured sample (the five default articles come first,
  so they end up embedded), and the extrapolated time to embed everything;
- index size on disk;
- in a fresh process (what `rag serve` or `rag search` pays): cold start to the first
  extractive answer, RSS at query time with the embedding model loaded, hybrid and BM25
  search latency (warm, p50/p95), adding one more article (to BM25-searchable, and with its
  vectors) and removing one;
- where the chunk holding the answer ranks for the held-out questions (never tuned on).

Prints a table; asserts nothing (speed targets are read, not tested).

    python -m eval.bench_scale --articles 1000 5000 29205 [--corpus PATH] [--embed-sample 120]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from eval.questions import Question, load_questions

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "baomoi-2017.jsonl.gz"
HELDOUT = Path(__file__).with_name("heldout_questions.jsonl")
SKIP_KINDS = {"comparison", "follow_up"}  # need two passages or the chat history


def read_articles(corpus: Path, n: int, skip: int = 0) -> list[dict[str, str]]:
    """Articles `skip`..`skip + n` of the JSONL corpus, in file order."""
    out: list[dict[str, str]] = []
    opener = gzip.open if corpus.suffix == ".gz" else open
    with opener(corpus, "rt", encoding="utf-8") as fh:  # type: ignore[operator]
        for i, line in enumerate(fh):
            if i < skip:
                continue
            if len(out) >= n:
                break
            out.append(json.loads(line))
    return out


def materialise(articles: list[dict[str, str]], folder: Path, defaults: Path | None) -> None:
    """One .txt file per article (the corpus' source id as its name), plus the default articles."""
    folder.mkdir(parents=True, exist_ok=True)
    for a in articles:
        name = Path(a["source"]).name
        (folder / (name if name.endswith(".txt") else f"{name}.txt")).write_text(a["text"], encoding="utf-8")
    if defaults is not None:
        for path in defaults.iterdir():
            if path.is_file():
                shutil.copy(path, folder / path.name)


def _disk_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1) + 0.5))] if ordered else 0.0


def build(corpus: Path, n: int, work: Path, embed_sample: int) -> dict[str, Any]:
    """Stage 1 over all files, then a measured sample of stage 2. Returns the figures."""
    from rag.config import load_settings
    from rag.pipeline import Pipeline

    articles = work / "articles"
    materialise(read_articles(corpus, n), articles, ROOT / "data" / "articles")
    settings = load_settings(None, {**os.environ, "RAG_PATHS__INDEX_DIR": str(work / "index")})
    pipeline = Pipeline(settings)
    files = sum(1 for p in articles.iterdir() if p.is_file())
    report = pipeline.ingest([articles], embed="none")
    figures: dict[str, Any] = {
        "articles": files,
        "chunks": report.chunks_indexed,
        "skipped": len(report.skipped),
        "bm25_seconds": round(report.searchable_seconds, 1),
        "bm25_articles_per_s": round(files / report.searchable_seconds, 1),
    }
    _ = pipeline.embedder.dimension  # load the model outside the timing
    stop = threading.Event()

    def progress(done: int, total: int, message: str) -> None:
        if done >= embed_sample:
            stop.set()

    t0 = time.perf_counter()
    embedded = pipeline.embed_pending(progress=progress, stop=stop)
    seconds = time.perf_counter() - t0
    counts = pipeline.counts()
    rate = embedded / seconds if seconds else 0.0
    waiting = counts.chunks - counts.embedded_chunks
    figures.update(
        {
            "embedded_chunks": counts.embedded_chunks,
            "embedded_articles": counts.embedded_articles,
            "embed_chunks_per_s": round(rate, 2),
            "embed_articles_per_min": round(60 * rate * files / max(counts.chunks, 1), 1),
            "embed_all_hours_extrapolated": round((waiting / rate) / 3600, 1) if rate else None,
            "index_mb": round(_disk_mb(work / "index"), 1),
        }
    )
    return figures


def probe(index_dir: Path, corpus: Path, skip: int, questions: Path) -> dict[str, Any]:
    """Query-time figures in this (fresh) process: cold start, RSS, latency, add/remove, ranks."""
    started = time.perf_counter()
    from eval.bench_retrieval import ranks_of, summarize
    from rag.config import load_settings
    from rag.pipeline import Pipeline

    settings = load_settings(None, {**os.environ, "RAG_PATHS__INDEX_DIR": str(index_dir)})
    pipeline = Pipeline(settings)
    first = pipeline.ask("Quảng Trị thu hồi bao nhiêu tiền?", mode="extractive")
    cold = time.perf_counter() - started
    held: list[Question] = [q for q in load_questions(questions) if q.answerable and q.kind not in SKIP_KINDS]
    figures: dict[str, Any] = {"cold_start_first_answer_s": round(cold, 2), "first_answer_refused": first.refused}
    for mode in ("hybrid", "bm25"):
        latencies, results = [], []
        for q in held:
            t = time.perf_counter()
            results.append(pipeline.search(q.question, 10, mode))  # type: ignore[arg-type]
            latencies.append((time.perf_counter() - t) * 1000)
        figures[f"{mode}_p50_ms"] = round(statistics.median(latencies), 1)
        figures[f"{mode}_p95_ms"] = round(_percentile(latencies, 0.95), 1)
        figures[f"{mode}_heldout"] = {k: round(v, 3) for k, v in summarize(ranks_of(results, held)).items()}
    figures["rss_mb"] = round(_rss_mb(), 1)
    extra = read_articles(corpus, 1, skip)
    if not extra:  # every corpus article is indexed: add a revised copy of the first one under a new name
        first = read_articles(corpus, 1)[0]
        extra = [{"source": f"ban-sua-{first['source']}", "text": first["text"] + "\nBài được cập nhật lúc 18:00."}]
    with tempfile.TemporaryDirectory() as tmp:
        materialise(extra, Path(tmp), None)
        path = next(Path(tmp).iterdir())
        t = time.perf_counter()
        report = pipeline.ingest([path], embed="new")
        figures["add_one_searchable_s"] = round(report.searchable_seconds, 2)
        figures["add_one_with_vectors_s"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter()
        pipeline.remove(path.name)
        figures["remove_one_s"] = round(time.perf_counter() - t, 2)
    return figures


def run(corpus: Path, sizes: list[int], embed_sample: int, questions: Path, keep: Path | None) -> list[dict[str, Any]]:
    rows = []
    for n in sizes:
        work = Path(tempfile.mkdtemp(prefix=f"bench-scale-{n}-", dir=keep))
        try:
            print(f"N = {n}: ingesting into {work} ...", file=sys.stderr, flush=True)
            figures = {"n": n, **build(corpus, n, work, embed_sample)}
            out = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "eval.bench_scale",
                    "--probe",
                    str(work / "index"),
                    "--corpus",
                    str(corpus),
                    "--skip",
                    str(n),
                    "--questions",
                    str(questions),
                ],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            )
            figures.update(json.loads(out.stdout.strip().splitlines()[-1]))
            rows.append(figures)
            print(json.dumps(figures, ensure_ascii=False), file=sys.stderr, flush=True)
        finally:
            if keep is None:
                shutil.rmtree(work, ignore_errors=True)
    return rows


def print_table(rows: list[dict[str, Any]]) -> None:
    columns = [
        ("N distractors", "n"),
        ("articles", "articles"),
        ("chunks", "chunks"),
        ("to BM25-searchable (s)", "bm25_seconds"),
        ("articles/s (stage 1)", "bm25_articles_per_s"),
        ("embed chunks/s", "embed_chunks_per_s"),
        ("embed all (h, extrapolated)", "embed_all_hours_extrapolated"),
        ("index on disk (MB)", "index_mb"),
        ("RSS at query time (MB)", "rss_mb"),
        ("cold start to 1st answer (s)", "cold_start_first_answer_s"),
        ("hybrid search p50 / p95 (ms)", ("hybrid_p50_ms", "hybrid_p95_ms")),
        ("BM25 search p50 / p95 (ms)", ("bm25_p50_ms", "bm25_p95_ms")),
        ("add one: searchable / with vectors (s)", ("add_one_searchable_s", "add_one_with_vectors_s")),
        ("remove one (s)", "remove_one_s"),
        ("held-out hybrid hit@1 / @3 / @5", "hybrid_heldout"),
    ]
    print("| figure | " + " | ".join(str(r["n"]) for r in rows) + " |")
    print("|---|" + "---|" * len(rows))
    for label, key in columns:
        cells = []
        for r in rows:
            if isinstance(key, tuple):
                cells.append(" / ".join(str(r.get(k)) for k in key))
            elif key == "hybrid_heldout":
                h = r[key]
                cells.append(f"{h['hit@1']:.1%} / {h['hit@3']:.1%} / {h['hit@5']:.1%}")
            else:
                cells.append(str(r.get(key)))
        print(f"| {label} | " + " | ".join(cells) + " |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, nargs="+", default=[1000], help="distractor counts N")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="JSONL(.gz) news corpus")
    parser.add_argument("--embed-sample", type=int, default=120, help="chunks embedded to measure stage 2")
    parser.add_argument("--questions", type=Path, default=HELDOUT, help="questions whose answer ranks are read")
    parser.add_argument("--keep", type=Path, default=None, help="keep the work folders under this folder")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument("--probe", type=Path, default=None, help=argparse.SUPPRESS)  # the query-time child
    parser.add_argument("--skip", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.probe:
        print(json.dumps(probe(args.probe, args.corpus, args.skip, args.questions)))
        return 0
    if not args.corpus.is_file():
        print(f"Không thấy kho bài {args.corpus} (--corpus).", file=sys.stderr)
        return 2
    rows = run(args.corpus, args.articles, args.embed_sample, args.questions, args.keep)
    print(f"Held-out questions: {args.questions} (never tuned on). Corpus: {args.corpus}.")
    print_table(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
