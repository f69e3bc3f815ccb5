"""A live `rag serve` (real models) for the browser and gradio_client tests, one per session."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ARTICLES, ROOT
from tests.servers import free_port, wait_http

ARTIFACTS = ROOT / "artifacts"
STARTUP_TIMEOUT_S = 900  # a missing index is built at start: minutes on two cores


@dataclass
class LiveServer:
    url: str
    data: Path
    log: Path
    figures: dict[str, object]


def _usable_index(path: Path) -> bool:
    """A prebuilt index over exactly the bundled articles, in the current format."""
    from rag.errors import RagError
    from rag.store import DocStore

    try:
        store = DocStore(path)
    except RagError:
        return False
    try:
        manifest, counts, sources = store.manifest(), store.counts(), {a.source for a in store.article_list()}
    except RagError:
        return False
    finally:
        store.close()
    names = {p.name for p in ARTICLES.iterdir() if p.is_file()}
    return manifest is not None and counts.embedded_chunks == counts.chunks and sources == names


def record_figures(figures: dict[str, object], name: str = "ui_figures.json") -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    old = json.loads(path.read_text()) if path.exists() else {}
    path.write_text(json.dumps({**old, **figures}, ensure_ascii=False, indent=1))


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data = tmp_path_factory.mktemp("serve")
    shutil.copytree(ARTICLES, data / "articles")
    # `make setup` builds data/index over the same articles; a copy spares minutes of embedding.
    # Without a usable one the server builds the index at start (the path shown on the page),
    # and the result is kept in pytest's cache for the next run.
    cached = Path(request.config.cache.mkdir("ui-serve-index")) if request.config.cache else None
    prebuilt = next((p for p in (ROOT / "data" / "index", cached) if p is not None and _usable_index(p)), None)
    if prebuilt is not None:
        shutil.copytree(prebuilt, data / "index", ignore=shutil.ignore_patterns(".lock"), dirs_exist_ok=True)
    port = free_port()
    # The server sees the real settings, whatever another test left in RAG_* variables.
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("RAG_")},
        "RAG_PATHS__INDEX_DIR": str(data / "index"),
        "RAG_PATHS__ARTICLES_DIR": str(data / "articles"),
        "RAG_UI__FEEDBACK_FILE": str(data / "feedback" / "feedback.jsonl"),
        "RAG_UI__USERS": "",
        "HF_HUB_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
    }
    log = data / "serve.log"
    url = f"http://127.0.0.1:{port}/"
    started = time.monotonic()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "rag", "serve", "--port", str(port)], cwd=ROOT, env=env, stdout=out, stderr=out
        )
    try:
        wait_http(url, proc, log, started + STARTUP_TIMEOUT_S)
        page_up = time.monotonic() - started
        from gradio_client import Client

        # /articles waits until the index and the embedder are loaded.
        Client(url, verbose=False).predict(api_name="/articles")
        ready = time.monotonic() - started
        figures = {
            "serve_page_up_s": round(page_up, 2),
            "serve_ready_s": round(ready, 2),
            "serve_built_index": prebuilt is None,
        }
        if prebuilt is None and cached is not None:
            shutil.copytree(data / "index", cached, ignore=shutil.ignore_patterns(".lock"), dirs_exist_ok=True)
        record_figures(figures)
        yield LiveServer(url, data, log, figures)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
