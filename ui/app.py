"""Minimal Gradio page: type a question, see the ranked passages.

A thin layer over `rag.pipeline.Pipeline`; the chat page replaces it later.
"""

from __future__ import annotations

import html
from typing import Any

from rag.config import Settings
from rag.errors import RagError
from rag.pipeline import Pipeline, build_pipeline
from rag.retrieval import SearchHit

TITLE = "Trợ lý hỏi đáp tin tức"


def render_hits(query: str, hits: list[SearchHit]) -> str:
    """HTML for the result list; every text is escaped."""
    if not hits:
        return "<p>Không tìm thấy đoạn nào phù hợp.</p>"
    rows = [f"<p><b>Kết quả cho:</b> {html.escape(query)}</p>"]
    for h in hits:
        rows.append(
            "<div class='hit'>"
            f"<div><b>[{h.rank}]</b> {html.escape(h.article.title)} "
            f"<small>({html.escape(h.chunk.source)}, {html.escape(h.article.date or 'không rõ ngày')}, "
            f"điểm {h.score:.4f})</small></div>"
            f"<blockquote>{html.escape(h.chunk.text)}</blockquote></div>"
        )
    return "\n".join(rows)


def search_handler(pipeline: Pipeline, query: str, k: float) -> str:
    try:
        return render_hits(query, pipeline.search(query, int(k)))
    except RagError as exc:
        return f"<p class='error'>{html.escape(str(exc))}</p>"


def build_app(pipeline: Pipeline) -> Any:
    import gradio as gr

    with gr.Blocks(title=TITLE) as app:
        gr.Markdown(f"# {TITLE}\nNhập câu hỏi tiếng Việt (có hoặc không dấu) hoặc tiếng Anh.")
        with gr.Row():
            query = gr.Textbox(
                label="Câu hỏi", placeholder="Ví dụ: Quảng Trị phát hiện bao nhiêu vụ tham nhũng?", scale=4
            )
            k = gr.Slider(1, 10, value=pipeline.settings.retrieval.k, step=1, label="Số đoạn", scale=1)
        button = gr.Button("Tìm kiếm", variant="primary")
        results = gr.HTML()
        button.click(lambda q, n: search_handler(pipeline, q, n), [query, k], results, api_name="search")
        query.submit(lambda q, n: search_handler(pipeline, q, n), [query, k], results, api_visibility="private")
    return app


def serve(settings: Settings, host: str | None = None, port: int | None = None) -> None:
    pipeline = build_pipeline(settings)
    if not pipeline.settings.paths.index_dir.joinpath("CURRENT").exists():
        print("Chưa có chỉ mục: đang nạp", settings.paths.articles_dir)
        pipeline.ingest([settings.paths.articles_dir])
    _ = pipeline.engine  # load models before the first visitor waits for them
    app = build_app(pipeline)
    app.queue(default_concurrency_limit=1).launch(
        server_name=host or "127.0.0.1", server_port=port or 7860, show_error=True
    )
