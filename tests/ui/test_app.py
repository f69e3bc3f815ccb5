"""The page wiring (fake embedder and LLM): documented endpoints, start-up, the API functions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rag.config import Settings
from rag.errors import RagError
from rag.pipeline import Pipeline
from rag.store import index_exists
from tests.conftest import ARTICLES, make_settings
from ui.api import Endpoints
from ui.startup import Startup

API = {"ask", "search", "articles", "remove", "upload"}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    shutil.copytree(ARTICLES, tmp_path / "articles")
    return make_settings(
        tmp_path,
        RAG_PATHS__ARTICLES_DIR=str(tmp_path / "articles"),
        RAG_LLM__MODE="fake",
        RAG_UI__FEEDBACK_FILE=str(tmp_path / "feedback.jsonl"),
    )


def test_startup_builds_a_missing_index_and_reports_progress(settings: Settings) -> None:
    startup = Startup(Pipeline(settings))
    seen: list[str] = []
    original = startup._progress

    def spy(done: int, total: int, message: str) -> None:
        original(done, total, message)
        seen.append(startup.status)

    startup._progress = spy  # type: ignore[method-assign]
    startup.run()
    assert startup.ready.is_set() and startup.error is None
    assert startup.status == "Sẵn sàng — 5 bài trong thư viện."
    assert any("Đang xây chỉ mục" in s and "/5" in s for s in seen)
    assert index_exists(settings.paths.index_dir)


def test_startup_error_is_shown_not_raised(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, RAG_PATHS__ARTICLES_DIR=str(tmp_path / "khong-co"))
    startup = Startup(Pipeline(settings))
    startup.run()
    assert startup.ready.is_set() and startup.error and "Lỗi khi khởi động" in startup.status


def test_endpoints_are_plain_functions(settings: Settings) -> None:
    startup = Startup(Pipeline(settings))
    startup.run()
    api = Endpoints(startup.pipeline, startup)
    question = "Quảng Ninh đang duy trì bao nhiêu dịch vụ công trực tuyến mức độ 4?"
    answer = api.ask(question, "extractive", [{"role": "user", "content": "Xin chào"}])
    assert answer["question"] == question and answer["mode"] == "extractive" and "citations" in answer
    assert len(api.search(question, 3)) == 3
    articles = api.articles()
    assert len(articles) == 5 and set(articles[0]) == {"source", "title", "date", "chunks"}
    assert "Đã xóa" in api.remove(articles[0]["source"])
    assert len(api.articles()) == 4
    with pytest.raises(RagError):
        api.remove("khong-co.txt")


def test_app_documents_its_endpoints(settings: Settings) -> None:
    from ui.app import build_app

    app = build_app(Pipeline(settings))  # runs start-up inline: builds the index
    public = {fn.api_name for fn in app.fns.values() if fn.api_visibility == "public"}
    assert public == API


def test_startup_warms_the_llm_after_ready(settings: Settings) -> None:
    startup = Startup(Pipeline(settings), warm_llm=True)
    startup.run()
    assert startup.ready.is_set() and startup.error is None


@pytest.mark.parametrize(
    ("env", "host", "port", "expected"),
    [
        pytest.param({}, None, None, {"server_name": "127.0.0.1", "server_port": 7860, "auth": None}, id="defaults"),
        pytest.param({}, "0.0.0.0", 8000, {"server_name": "0.0.0.0", "server_port": 8000}, id="cli-overrides"),
        pytest.param(
            {"RAG_UI__USERS": "an:mk1, binh:mk2", "RAG_UI__PORT": "9000"},
            None,
            None,
            {"server_port": 9000, "auth": [("an", "mk1"), ("binh", "mk2")]},
            id="login",
        ),
    ],
)
def test_launch_options(tmp_path: Path, env: dict[str, str], host, port, expected: dict) -> None:
    from ui.app import launch_options

    options = launch_options(make_settings(tmp_path, **env), host, port)
    assert {k: options[k] for k in expected} == expected
    assert (options["auth_message"] is None) == (options["auth"] is None)


def test_launch_options_reject_a_malformed_user_list(tmp_path: Path) -> None:
    from ui.app import launch_options

    with pytest.raises(ValueError, match="tên:mật_khẩu"):
        launch_options(make_settings(tmp_path, RAG_UI__USERS="an"))
