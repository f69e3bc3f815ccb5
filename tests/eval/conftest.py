"""Fixtures for the eval tests: a small question file over the bundled articles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

QUESTIONS = [
    {
        "id": "q1",
        "question": "Năm 2021 Bộ Ngoại giao kê khai tài sản lần đầu bao nhiêu trường hợp?",
        "answerable": True,
        "gold_sources": ["000_5c1d37ac7b9ba84b.txt"],
        "must_include": ["1.695"],
        "reference_answer": "1.695 trường hợp.",
        "kind": "figure",
    },
    {
        "id": "q2",
        "question": "Quảng Ninh chuyển đổi vị trí công tác bao nhiêu CBCCVC trong 6 tháng đầu năm 2021?",
        "answerable": True,
        "gold_sources": ["004_a78d91ce2ca9f832.txt"],
        "must_include": ["251"],
        "kind": "figure",
    },
    {
        "id": "q3",
        "question": "Giá vàng hôm nay là bao nhiêu?",
        "answerable": False,
        "gold_sources": [],
        "must_include": [],
        "kind": "out_of_domain",
    },
]


@pytest.fixture
def questions_file(tmp_path: Path) -> Path:
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in QUESTIONS) + "\n", encoding="utf-8")
    return path
