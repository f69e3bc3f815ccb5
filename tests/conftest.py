"""Shared fixtures: settings that point every path into a temporary folder."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from rag.config import Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "data" / "articles"


def make_settings(tmp: Path, **env: str) -> Settings:
    """Settings for a test: its own index folder, the fake embedder unless told otherwise."""
    base = {"HOME": str(tmp), "RAG_PATHS__INDEX_DIR": str(tmp / "index"), "RAG_EMBEDDING__MODE": "fake"}
    return load_settings(None, {**base, **env})


@pytest.fixture
def fake_settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A private copy of the five bundled articles, free to modify."""
    target = tmp_path / "corpus"
    shutil.copytree(ARTICLES, target)
    return target


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[[str, bytes | str], Path]:
    def _write(name: str, content: bytes | str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        return path

    return _write
