"""The staff chat page: a thin Gradio layer over `rag.pipeline.Pipeline`.

This module imports gradio; `rag serve` imports it lazily, so `import rag` stays light.

Layout and event wiring only. What a handler shows comes from plain functions in
`ui.chat` (events -> messages), `ui.render` (HTML) and `ui.library` (uploads);
`ui.api` holds the documented endpoints for `gradio_client`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from rag.config import Settings
from rag.errors import RagError
from rag.pipeline import Pipeline, build_pipeline
from ui.api import Endpoints
from ui.chat import (
    Exchange,
    exchange_for_message,
    messages_from_exchanges,
    parse_users,
    stream_views,
    turns_from_exchanges,
)
from ui.feedback import FeedbackLog, feedback_record
from ui.library import (
    ARTICLE_COLUMNS,
    LISTED_ARTICLES,
    add_uploads,
    article_rows,
    delete_article,
    library_summary,
    progress_adapter,
)
from ui.render import CSS, GRADIO_LOCALES, GRADIO_TEXT, HEAD, parse_cite_target, render_notice, render_sources
from ui.startup import Startup

TITLE = "Trợ lý hỏi đáp tin tức"
MODES = [("Sinh câu trả lời (LLM, 10–30 giây)", "generative"), ("Trích nguyên văn (nhanh)", "extractive")]


def uploads_dir(settings: Settings) -> Path:
    return settings.ui.uploads_dir or settings.paths.articles_dir


def build_app(pipeline: Pipeline, startup: Startup | None = None) -> gr.Blocks:
    settings = pipeline.settings
    ui = settings.ui
    if startup is None:  # already usable (tests, or an index built beforehand)
        startup = Startup(pipeline)
        startup.run()
    feedback = FeedbackLog(ui.feedback_file)
    api = Endpoints(pipeline, startup)

    def texts(exchange: Exchange | None) -> dict[str, str]:
        """The texts of the articles an answer cites, and only those."""
        try:
            return pipeline.article_texts(str(c["source"]) for c in (exchange.citations if exchange else []))
        except RagError:
            return {}

    def library() -> tuple[Any, Any, Any]:
        try:
            articles, summary = pipeline.articles(LISTED_ARTICLES), library_summary(pipeline.counts())
        except RagError as exc:
            articles, summary = [], str(exc)
        sources = [a.source for a in articles]
        return article_rows(articles), gr.Dropdown(choices=sources, value=None), summary

    # -- chat
    def chat(question: str, exchanges: list[Exchange], mode: str) -> Iterator[tuple[Any, ...]]:
        question = (question or "").strip()
        if not question:
            yield messages_from_exchanges(exchanges), exchanges, gr.skip(), gr.skip()
            return
        while not startup.ready.wait(1.0):  # the index is still being built: say so, keep the page alive
            waiting = [{"role": "user", "content": question}, {"role": "assistant", "content": f"⏳ {startup.status}"}]
            yield [*messages_from_exchanges(exchanges), *waiting], gr.skip(), gr.skip(), ""
        events = pipeline.ask_stream(question, turns_from_exchanges(exchanges), mode)  # type: ignore[arg-type]
        for view in stream_views(question, events, exchanges, mode):
            sources = render_sources(view.exchanges[-1], texts(view.exchanges[-1])) if view.done else gr.skip()
            yield view.messages, view.exchanges, sources, ""

    def show_cite(target: str, exchanges: list[Exchange]) -> Any:
        parsed = parse_cite_target(target)
        if parsed is None or parsed[0] >= len(exchanges):
            return gr.skip()
        turn, n = parsed
        return render_sources(exchanges[turn], texts(exchanges[turn]), n)

    def show_selected(exchanges: list[Exchange], event: gr.SelectData) -> Any:
        turn = exchange_for_message(event.index, exchanges)
        return gr.skip() if turn is None else render_sources(exchanges[turn], texts(exchanges[turn]))

    def new_conversation() -> tuple[Any, ...]:
        return [], [], render_sources(None, {}), "", ""

    # -- feedback
    def rate(exchanges: list[Exchange], turn: int | None, rating: str | None, comment: str, user: str | None) -> Any:
        if turn is None or exchanges[turn].error:
            return exchanges, render_notice([(False, "Chưa có câu trả lời để góp ý.")])
        feedback.append(feedback_record(exchanges[turn], rating, comment, user))
        exchanges = list(exchanges)
        exchanges[turn] = Exchange(**{**exchanges[turn].__dict__, "rating": rating or exchanges[turn].rating})
        return exchanges, render_notice([(True, "Cảm ơn! Góp ý đã được ghi lại.")])

    def on_like(exchanges: list[Exchange], event: gr.LikeData, request: gr.Request) -> Any:
        rating = "up" if event.liked is True else "down" if event.liked is False else None
        return rate(exchanges, exchange_for_message(event.index, exchanges), rating, "", _user(request))

    def rate_latest(rating: str) -> Any:
        def handler(exchanges: list[Exchange], comment: str, request: gr.Request) -> Any:
            turn = len(exchanges) - 1 if exchanges else None
            new, notice = rate(exchanges, turn, rating or None, comment, _user(request))
            return new, notice, ""

        return handler

    # -- library
    def upload(files: list[str] | None, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        if not files:
            return render_notice([(False, "Chưa chọn tệp nào.")]), *library()
        startup.ready.wait()
        step = progress_adapter(lambda fraction, message: progress(fraction, desc=message))
        try:
            results = add_uploads(
                pipeline, [Path(f) for f in files], uploads_dir(settings), max_bytes=ui.max_upload_bytes, progress=step
            )
            lines = [(r.ok, r.message) for r in results]
        except RagError as exc:
            lines = [(False, str(exc))]
        return render_notice(lines), *library()

    def delete(source: str | None) -> tuple[Any, ...]:
        if not source:
            return render_notice([(False, "Hãy chọn một bài để xóa.")]), *library()
        try:
            line = (True, delete_article(pipeline, source, uploads_dir(settings)))
        except RagError as exc:
            line = (False, str(exc))
        return render_notice([line]), *library()

    def pick_row(event: gr.SelectData) -> Any:
        row = event.row_value or []
        return row[3] if len(row) > 3 else gr.skip()

    def tick() -> tuple[Any, ...]:
        ready = startup.ready.is_set()
        status = f"{'✅' if ready and not startup.error else '⚠️' if ready else '⏳'} {startup.status}"
        rows, choices, summary = library() if ready else (gr.skip(), gr.skip(), gr.skip())
        # Keep polling while vectors are still being added in the background, so the counts move.
        return status, gr.Timer(active=not ready or startup.embedding), rows, choices, summary

    with gr.Blocks(title=TITLE) as app:
        gr.Markdown(f"## {TITLE}\nHỏi bằng tiếng Việt (có hoặc không dấu). Mỗi ý trong câu trả lời có trích dẫn [n].")
        status = gr.Markdown(f"⏳ {startup.status}", elem_id="rag-status")
        exchanges = gr.State([])
        with gr.Tabs():
            with gr.Tab("Hỏi đáp", id="chat"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3):
                        chatbot = gr.Chatbot(
                            label="Trợ lý",
                            elem_id="rag-chat",
                            height=540,
                            latex_delimiters=[],
                            placeholder="Đặt câu hỏi về các bài báo trong thư viện.",
                            buttons=["copy"],
                        )
                        with gr.Row():
                            question = gr.Textbox(
                                show_label=False,
                                placeholder="Nhập câu hỏi rồi nhấn Enter…",
                                elem_id="rag-question",
                                scale=5,
                                max_lines=4,
                            )
                            send = gr.Button("Gửi", variant="primary", elem_id="rag-send", scale=1, min_width=80)
                        with gr.Row():
                            mode = gr.Radio(
                                MODES, value=settings.answer.mode, label="Cách trả lời", elem_id="rag-mode", scale=3
                            )
                            new = gr.Button("Cuộc hội thoại mới", elem_id="rag-new", scale=1)
                        gr.Examples([[q] for q in ui.examples], inputs=[question], label="Câu hỏi mẫu")
                        with gr.Accordion("Góp ý cho câu trả lời gần nhất", open=False, elem_id="rag-feedback"):
                            comment = gr.Textbox(label="Nhận xét (không bắt buộc)", lines=2, elem_id="rag-comment")
                            with gr.Row():
                                up = gr.Button("👍 Hữu ích", elem_id="rag-up")
                                down = gr.Button("👎 Chưa tốt", elem_id="rag-down")
                        feedback_notice = gr.HTML(elem_id="rag-feedback-notice")
                    with gr.Column(scale=2, elem_id="rag-sources"):
                        sources = gr.HTML(render_sources(None, {}), elem_id="rag-sources-panel")
                cite_box = gr.Textbox(visible="hidden", elem_id="rag-cite-target")
                cite_open = gr.Button("Xem nguồn", visible="hidden", elem_id="rag-cite-open")
            with gr.Tab("Thư viện tài liệu", id="library"):
                gr.Markdown(
                    f"Tải lên tệp .txt, .md, .html, .pdf hoặc .docx (tối đa {ui.max_upload_bytes // (1024 * 1024)} MB"
                    " mỗi tệp). Bài mới trả lời được ngay sau khi nạp xong."
                )
                upload_btn = gr.UploadButton(
                    "📄 Chọn tệp và nạp vào thư viện",
                    file_count="multiple",
                    type="filepath",
                    variant="primary",
                    elem_id="rag-upload",
                )
                upload_notice = gr.HTML(elem_id="rag-upload-notice")
                counts = gr.Markdown(elem_id="rag-library-counts")
                table = gr.Dataframe(
                    headers=ARTICLE_COLUMNS, label="Các bài trong thư viện", interactive=False, elem_id="rag-articles"
                )
                with gr.Row():
                    choice = gr.Dropdown([], label="Chọn bài để xóa", elem_id="rag-delete-choice", scale=3)
                    delete_btn = gr.Button("Xóa bài", variant="stop", elem_id="rag-delete", scale=1)
                delete_notice = gr.HTML(elem_id="rag-delete-notice")
        timer = gr.Timer(1.0)

        answering: dict[str, Any] = {
            "concurrency_limit": ui.concurrency,
            "concurrency_id": "answer",
            "api_visibility": "private",
        }
        chat_io = ([question, exchanges, mode], [chatbot, exchanges, sources, question])
        question.submit(chat, *chat_io, **answering)
        send.click(chat, *chat_io, **answering)
        cheap: dict[str, Any] = {"concurrency_limit": None, "api_visibility": "private"}
        new.click(new_conversation, None, [chatbot, exchanges, sources, question, feedback_notice], **cheap)
        cite_open.click(None, None, [cite_box], js="() => window.__ragCite || ''", **cheap).then(
            show_cite, [cite_box, exchanges], [sources], **cheap
        )
        chatbot.clear(new_conversation, None, [chatbot, exchanges, sources, question, feedback_notice], **cheap)
        chatbot.select(show_selected, [exchanges], [sources], **cheap)
        chatbot.like(on_like, [exchanges], [exchanges, feedback_notice], **cheap)
        up.click(rate_latest("up"), [exchanges, comment], [exchanges, feedback_notice, comment], **cheap)
        down.click(rate_latest("down"), [exchanges, comment], [exchanges, feedback_notice, comment], **cheap)
        upload_btn.upload(
            upload,
            [upload_btn],
            [upload_notice, table, choice, counts],
            api_name="upload",
            concurrency_limit=1,
            concurrency_id="library",
        )
        delete_btn.click(
            delete,
            [choice],
            [delete_notice, table, choice, counts],
            concurrency_limit=1,
            concurrency_id="library",
            api_visibility="private",
        )
        table.select(pick_row, None, [choice], **cheap)
        timer.tick(tick, None, [status, timer, table, choice, counts], **cheap)
        app.load(tick, None, [status, timer, table, choice, counts], **cheap)
        api.register(concurrency=ui.concurrency)
    return app


def _user(request: Any) -> str | None:
    return getattr(request, "username", None) if request is not None else None


def launch_options(settings: Settings, host: str | None = None, port: int | None = None) -> dict[str, Any]:
    """Arguments for `Blocks.launch`: localhost by default, a login only when users are configured."""
    users = parse_users(settings.ui.users)
    return {
        "server_name": host or settings.ui.host,
        "server_port": port or settings.ui.port,
        "auth": users or None,
        "auth_message": "Đăng nhập để dùng trợ lý hỏi đáp." if users else None,
        "show_error": True,
        "max_file_size": 5 * settings.ui.max_upload_bytes,  # larger bodies are refused before our own check
        "css": CSS,
        "head": HEAD,
        "i18n": gr.I18n(**dict.fromkeys(GRADIO_LOCALES, GRADIO_TEXT)),
    }


def serve(settings: Settings, host: str | None = None, port: int | None = None) -> None:
    """Start the page at once; a missing index is built (with progress on the page) in the background."""
    options = launch_options(settings, host, port)  # a malformed user list fails before anything starts
    pipeline = build_pipeline(settings)
    startup = Startup(pipeline, warm_llm=settings.ui.warm_llm, background_embedding=settings.ui.background_embedding)
    app = build_app(pipeline, startup)
    startup.start()
    app.queue(default_concurrency_limit=1).launch(**options)
