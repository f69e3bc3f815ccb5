"""The minimal search page: handlers are plain functions over the pipeline."""

from __future__ import annotations

from pathlib import Path

from rag.config import Settings
from rag.pipeline import Pipeline
from ui.app import build_app, search_handler


def test_search_handler_renders_escaped_hits(fake_settings: Settings, corpus: Path) -> None:
    (corpus / "xss.txt").write_text("Bài <script>alert(1)</script> về Quảng Bình. Câu hai.", encoding="utf-8")
    pipeline = Pipeline(fake_settings)
    pipeline.ingest([corpus])
    html = search_handler(pipeline, "script alert Quảng Bình", 3)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "xss.txt" in html and "[1]" in html


def test_search_handler_shows_vietnamese_error(fake_settings: Settings) -> None:
    html = search_handler(Pipeline(fake_settings), "   ", 3)
    assert "Câu hỏi trống" in html


def test_app_builds_with_a_documented_search_endpoint(fake_settings: Settings, corpus: Path) -> None:
    pipeline = Pipeline(fake_settings)
    pipeline.ingest([corpus])
    app = build_app(pipeline)
    assert "search" in {getattr(fn, "api_name", None) for fn in app.fns.values()}
