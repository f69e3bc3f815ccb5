"""Getting the pipeline ready while the page is already up: build a missing index, load models."""

from __future__ import annotations

import threading

from rag.errors import RagError
from rag.pipeline import Pipeline
from rag.store import index_exists


class Startup:
    """Readiness of one pipeline; `status` is shown on the page until `ready` is set."""

    def __init__(self, pipeline: Pipeline, *, warm_llm: bool = False, background_embedding: bool = False) -> None:
        self.pipeline = pipeline
        self.warm_llm = warm_llm
        self.background_embedding = background_embedding
        self.embedding = False  # vectors are being added in the background
        self.stop = threading.Event()
        self.status = "Đang khởi động…"
        self.error: str | None = None
        self.ready = threading.Event()

    def _progress(self, done: int, total: int, message: str) -> None:
        self.status = f"Đang xây chỉ mục từ {self.pipeline.settings.paths.articles_dir} ({done}/{total}): {message}"

    def run(self) -> None:
        """Blocking; call from a thread (or before launch). Never raises: errors become the status."""
        settings = self.pipeline.settings
        try:
            if not index_exists(settings.paths.index_dir):
                self.status = f"Chưa có chỉ mục: đang xây từ {settings.paths.articles_dir}…"
                print(self.status, flush=True)
                # Searchable by BM25 first; with background embedding the vectors follow while the page is up.
                self.pipeline.ingest(
                    [settings.paths.articles_dir],
                    embed="none" if self.background_embedding else "all",
                    progress=self._progress,
                    embed_progress=self._progress,
                )
            self.status = "Đang nạp mô hình nhúng và chỉ mục…"
            _ = self.pipeline.engine
            # Load the embedder now, before any LLM: its load briefly maps the fp32 weights
            # (~0.8 GB more than it keeps), and that must not stack on the LLM's memory.
            try:
                self.pipeline.queries.embed_query("khởi động")
            except RagError as exc:  # searches report it themselves; startup goes on as before
                print(f"Mô hình nhúng chưa dùng được: {exc}", flush=True)
            _ = self.pipeline.answer_chain  # built once here, not raced by the first concurrent users
            try:
                _ = self.pipeline.llm  # the backend object only; the model loads on the first answer
            except RagError as exc:
                print(f"LLM chưa dùng được, sẽ trích nguyên văn: {exc}", flush=True)
            self.status = f"Sẵn sàng — {self.pipeline.counts().articles} bài trong thư viện."
        except RagError as exc:
            self.error = str(exc)
            self.status = f"Lỗi khi khởi động: {exc}"
        except Exception as exc:  # keep the page up and say what failed
            self.error = repr(exc)
            self.status = f"Lỗi khi khởi động: {exc!r}"
        finally:
            print(self.status, flush=True)
            self.ready.set()
        if self.warm_llm and self.error is None:
            self._warm()
        if self.error is None and self.background_embedding:
            self._embed()

    def _embed(self) -> None:
        """Embed what is still waiting for vectors; searches use each batch as soon as it commits."""
        counts = self.pipeline.counts()
        if counts.embedded_chunks == counts.chunks:
            return
        self.embedding = True
        try:
            done = self.pipeline.embed_pending(stop=self.stop)
            print(f"Đã nhúng thêm {done} đoạn trong nền.", flush=True)
        except Exception as exc:  # the page keeps answering with BM25 for what is not embedded
            print(f"Nhúng vector trong nền dừng lại: {exc!r}", flush=True)
        finally:
            self.embedding = False

    def _warm(self) -> None:
        """Load the LLM and cache the fixed system prompt, so the first answer starts sooner."""
        from rag.llm import complete
        from rag.prompts import render

        try:
            messages = [{"role": "system", "content": render("answer_system")}, {"role": "user", "content": "Xin chào"}]
            complete(self.pipeline.llm, messages, max_tokens=1)
            print("LLM đã sẵn sàng.", flush=True)
        except RagError as exc:
            print(f"LLM chưa dùng được, sẽ trích nguyên văn: {exc}", flush=True)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, name="rag-startup", daemon=True)
        thread.start()
        return thread
