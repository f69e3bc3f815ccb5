"""Uploads: sanitised names, Vietnamese rejections, nothing written outside the uploads folder."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from rag.config import Settings
from rag.errors import RagError
from rag.pipeline import Pipeline
from rag.records import Counts
from ui.chat import Exchange
from ui.feedback import FeedbackLog, feedback_record
from ui.library import (
    TRASH,
    add_uploads,
    article_rows,
    check_upload,
    delete_article,
    inside,
    library_summary,
    sanitize_filename,
)

MAX = 1000
SUFFIXES = (".txt", ".md", ".html", ".pdf", ".docx")
ARTICLE = "Hồ Tuyền Lâm đón sếu\nNgày 12/5/2024, ban quản lý hồ Tuyền Lâm đã thả 37 con sếu đầu đỏ về khu bảo tồn.\n"


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        pytest.param("../../etc/passwd", "passwd", id="posix-traversal"),
        pytest.param("..\\x.txt", "x.txt", id="windows-traversal"),
        pytest.param("C:\\Users\\a\\Bài báo.TXT", "Bài-báo.txt", id="windows-path-and-case"),
        pytest.param("a\x00b.txt", "ab.txt", id="nul"),
        pytest.param("evil.txt\x00.exe", "evil.txt.exe", id="nul-hides-suffix"),
        pytest.param("line\nbreak.md", "linebreak.md", id="newline"),
        pytest.param(".bashrc", "bashrc", id="hidden"),
        pytest.param("..", "tai-lieu", id="dots-only"),
        pytest.param("", "tai-lieu", id="empty"),
        pytest.param("/", "tai-lieu", id="slash"),
        pytest.param("   .txt", "txt", id="dot-only-stem"),
        pytest.param("a  b;rm -rf $(x).html", "a-b-rm-rf-x.html", id="shell-chars"),
        pytest.param("Hoa\u0300.txt", "Hoà.txt", id="nfd-to-nfc"),
        pytest.param("x" * 500 + ".pdf", "x" * 76 + ".pdf", id="very-long"),
    ],
)
def test_sanitize_filename(name: str, safe: str) -> None:
    assert sanitize_filename(name) == safe
    assert "/" not in safe and "\\" not in safe and not safe.startswith(".") and len(safe) <= 80


@pytest.mark.parametrize("name", ["../../etc/passwd", "..\\..\\x.txt", "a/../../b.txt", "\x00", "x" * 300])
def test_sanitized_names_stay_inside_the_folder(tmp_path: Path, name: str) -> None:
    target = inside(tmp_path, sanitize_filename(name))
    assert target.parent == tmp_path.resolve()


@pytest.mark.parametrize("name", ["../x.txt", "a/b.txt", "..", ""])
def test_inside_refuses_escapes(tmp_path: Path, name: str) -> None:
    with pytest.raises(RagError):
        inside(tmp_path, name)


@pytest.mark.parametrize(
    ("name", "size", "data", "message"),
    [
        pytest.param("x.exe", 3, b"MZ.", "định dạng .exe không được hỗ trợ", id="unsupported"),
        pytest.param("README", 3, b"abc", "(không có đuôi) không được hỗ trợ", id="no-suffix"),
        pytest.param("x.htm", 3, b"abc", "Chỉ nhận .txt, .md, .html, .pdf, .docx", id="suffix-not-offered"),
        pytest.param("big.txt", 5 * 1024 * 1024, b"", "tệp quá lớn (5.0 MB; tối đa 1 KB)", id="too-big"),
        pytest.param("empty.txt", 0, b"", "tệp rỗng", id="empty"),
        pytest.param("blank.md", 4, b" \n\t ", "tệp rỗng", id="blank"),
        pytest.param("copy.txt", 4, b"same", "trùng nội dung với bài đã có «old.txt»", id="duplicate"),
        pytest.param("taken.txt", 3, b"new", "đã có bài cùng tên", id="name-taken"),
    ],
)
def test_check_upload_rejections(name: str, size: int, data: bytes, message: str) -> None:
    import hashlib

    known = {hashlib.sha256(b"same").hexdigest(): "old.txt"}
    reason = check_upload(name, size, data, max_bytes=MAX, suffixes=SUFFIXES, known_hashes=known, taken={"taken.txt"})
    assert reason is not None and reason.startswith(f"«{name}»: ") and message in reason


def test_check_upload_accepts() -> None:
    assert check_upload("ok.txt", 5, b"hello", max_bytes=MAX, suffixes=SUFFIXES, known_hashes={}, taken=()) is None


@pytest.fixture
def pipeline(fake_settings: Settings, corpus: Path) -> Pipeline:
    p = Pipeline(fake_settings)
    p.ingest([corpus])
    return p


def upload(tmp_path: Path, name: str, data: bytes) -> Path:
    folder = tmp_path / "gradio-tmp"
    folder.mkdir(exist_ok=True)
    path = folder / "upload.bin"
    path.write_bytes(data)
    return path


def test_add_uploads_saves_ingests_and_rejects(pipeline: Pipeline, tmp_path: Path, corpus: Path) -> None:
    uploads = tmp_path / "data" / "uploads"
    existing = next(corpus.iterdir()).read_bytes()
    files = [
        upload(tmp_path, "a", ARTICLE.encode()),
        tmp_path / "dup.txt",
        tmp_path / "bad.txt",
        tmp_path / "evil.exe",
    ]
    files[1].write_bytes(existing)
    files[2].write_bytes(b"\xff\xfe\x00\x00binary")
    files[3].write_bytes(b"MZ")
    steps: list[str] = []
    results = add_uploads(
        pipeline,
        files,
        uploads,
        max_bytes=MAX * 10,
        progress=lambda d, t, m: steps.append(m),
        original_names=["../../Sếu đầu đỏ.txt", "dup.txt", "bad.txt", "evil.exe"],
    )
    assert [r.ok for r in results] == [True, False, False, False]
    assert results[0].name == "Sếu-đầu-đỏ.txt" and "Đã nạp «Sếu-đầu-đỏ.txt»" in results[0].message
    assert "trùng nội dung" in results[1].message
    assert "không đọc được nội dung" in results[2].message
    assert "không được hỗ trợ" in results[3].message
    assert sorted(p.name for p in uploads.iterdir()) == ["Sếu-đầu-đỏ.txt"]
    assert not (tmp_path / "Sếu-đầu-đỏ.txt").exists()
    assert "Sếu-đầu-đỏ.txt" in {a.source for a in pipeline.articles()}
    assert pipeline.search("Tuyền Lâm thả bao nhiêu con sếu")[0].chunk.source == "Sếu-đầu-đỏ.txt"
    assert steps[-1] == "Xong"

    again = add_uploads(
        pipeline, [upload(tmp_path, "b", ARTICLE.encode())], uploads, max_bytes=MAX * 10, original_names=["lan-hai.txt"]
    )
    assert not again[0].ok and "trùng nội dung" in again[0].message

    message = delete_article(pipeline, "Sếu-đầu-đỏ.txt", uploads)
    assert "Đã xóa «Sếu-đầu-đỏ.txt»" in message and TRASH in message
    assert "Sếu-đầu-đỏ.txt" not in {a.source for a in pipeline.articles()}
    assert [p.name for p in uploads.iterdir()] == [TRASH]
    with pytest.raises(RagError, match="Không có bài"):
        delete_article(pipeline, "Sếu-đầu-đỏ.txt", uploads)


def test_article_rows(pipeline: Pipeline) -> None:
    rows = article_rows(pipeline.articles())
    assert len(rows) == 5 and all(isinstance(r[2], int) and r[2] > 0 for r in rows)


def test_feedback_is_appended_as_jsonl(tmp_path: Path) -> None:
    c = {
        "n": 1,
        "source": "a.txt",
        "title": "T",
        "date": None,
        "chunk_id": "a.txt#0",
        "start": 0,
        "end": 2,
        "quote": "Có",
    }
    ex = Exchange("Câu hỏi?", "Có [1].", mode="extractive", citations=(c,))
    log = FeedbackLog(tmp_path / "feedback" / "fb.jsonl")
    now = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    log.append(feedback_record(ex, "up", now=now))
    log.append(feedback_record(ex, "down", "  sai số liệu ", user="an", now=now))
    lines = [json.loads(line) for line in log.path.read_text(encoding="utf-8").splitlines()]
    assert [(r["rating"], r["comment"], r["user"]) for r in lines] == [("up", "", None), ("down", "sai số liệu", "an")]
    first = lines[0]
    assert first["timestamp"] == "2025-01-02T03:04:05+00:00"
    assert (first["question"], first["answer"], first["mode"]) == ("Câu hỏi?", "Có [1].", "extractive")
    assert first["citations"] == [c]
    with pytest.raises(ValueError):
        feedback_record(ex, "meh")


@pytest.mark.parametrize(
    ("counts", "shown", "absent"),
    [
        (Counts(5, 28, 28, 5), "**5** bài tìm được (BM25) · **5** bài đã nhúng vector đầy đủ (28/28 đoạn)", "chờ"),
        (Counts(29210, 98000, 1200, 300), "còn 96.800 đoạn đang chờ nhúng", "Bảng dưới liệt kê 0"),
        (Counts(29210, 98000, 1200, 300), "**29.210** bài tìm được", "29,210"),
    ],
)
def test_library_summary(counts: Counts, shown: str, absent: str) -> None:
    text = library_summary(counts)
    assert shown in text and absent not in text
