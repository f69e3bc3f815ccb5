"""Documented endpoints for `gradio_client` (names are the `api_name`s):

- ``/ask`` (question, mode, history) -> the answer as JSON (`Answer.to_json()`);
- ``/search`` (query, k) -> ranked passages as JSON;
- ``/articles`` () -> the indexed articles;
- ``/remove`` (source) -> a message; ``/upload`` (files) is the library tab's button.

Example::

    from gradio_client import Client
    answer = Client("http://127.0.0.1:7860/").predict("Quảng Ninh có bao nhiêu dịch vụ công mức độ 4?",
                                                     "extractive", [], api_name="/ask")
"""

from __future__ import annotations

from typing import Any

from rag.pipeline import Pipeline
from ui.chat import turns_from_messages
from ui.startup import Startup


class Endpoints:
    """Plain functions over the pipeline; `register` exposes them inside a Blocks context."""

    def __init__(self, pipeline: Pipeline, startup: Startup) -> None:
        self.pipeline = pipeline
        self.startup = startup

    def ask(self, question: str, mode: str = "", history: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """Answer `question` with cited passages. mode: "generative", "extractive" or "" (configured default).
        history: earlier turns as [{"role": "user"|"assistant", "content": str}]."""
        self.startup.ready.wait()
        answer = self.pipeline.ask(question, turns_from_messages(history), mode or None)  # type: ignore[arg-type]
        return answer.to_json()

    def search(self, query: str, k: int = 5) -> list[dict[str, Any]]:
        """The k best passages for `query` (hybrid retrieval), with source, title, date and offsets."""
        self.startup.ready.wait()
        return [h.to_json() for h in self.pipeline.search(query, int(k))]

    def articles(self) -> list[dict[str, Any]]:
        """Every indexed article: source id, title, date and number of chunks."""
        self.startup.ready.wait()
        return [
            {"source": a.source, "title": a.title, "date": a.date, "chunks": a.chunk_count}
            for a in self.pipeline.articles()
        ]

    def remove(self, source: str) -> str:
        """Delete the article `source` from the index."""
        self.startup.ready.wait()
        count = self.pipeline.remove(source)
        return f"Đã xóa «{source}» ({count} đoạn)."

    def register(self, concurrency: int) -> None:
        import gradio as gr

        gr.api(self.ask, api_name="ask", concurrency_limit=concurrency, concurrency_id="answer")
        gr.api(self.search, api_name="search", concurrency_limit=concurrency, concurrency_id="answer")
        gr.api(self.articles, api_name="articles", concurrency_limit=None)
        gr.api(self.remove, api_name="remove", concurrency_limit=1, concurrency_id="library")
