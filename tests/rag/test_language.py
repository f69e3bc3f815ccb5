"""Language detection and diacritic restoration, table-driven."""

from __future__ import annotations

import pytest

from rag.language import DiacriticRestorer, detect_language, metadata_intent

CORPUS = [
    "Bộ Ngoại giao đã hoàn thành kê khai tài sản, thu nhập lần đầu.",
    "Quảng Trị phát hiện 01 vụ việc có dấu hiệu tham nhũng.",
    "Quảng Ninh chuyển đổi vị trí công tác đối với 251 cán bộ.",
    "Có báo cáo về phòng, chống tham nhũng.",
]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Quảng Ninh có bao nhiêu vụ án?", "vi"),
        ("Quang Ninh co bao nhieu vu an?", "vi"),
        ("Bo Ngoai giao ke khai tai san the nao", "vi"),
        ("How many cases did Quảng Ninh prosecute?", "en"),
        ("What did the Ministry of Foreign Affairs do in 2022?", "en"),
        ("Who wrote the article?", "en"),
        ("Ai là tác giả bài viết về Quảng Ninh?", "vi"),
        ("tham nhung", "vi"),
    ],
)
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize(
    ("query", "restored"),
    [
        ("Bo Ngoai giao ke khai tai san", "Bộ Ngoại giao kê khai tài sản"),
        ("quang tri phat hien bao nhieu vu viec tham nhung?", "Quảng Trị phát hiện bao nhiêu vụ việc tham nhũng?"),
        # "co bao nhieu" must split as "có | bao nhiêu", not the corpus bigram "có báo".
        ("Quang Ninh co bao nhieu can bo", "Quảng Ninh có bao nhiêu cán bộ"),
        # Words the user already accented, and unknown words, stay as typed.
        ("Bộ Ngoai giao xyz", "Bộ Ngoại giao xyz"),
        ("zzz qqq", "zzz qqq"),
        ("", ""),
    ],
)
def test_restore(query: str, restored: str) -> None:
    assert DiacriticRestorer.from_texts(CORPUS).restore(query) == restored


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("Ai là tác giả bài viết về Quảng Ninh?", "author"),
        ("Bài viết về Quảng Trị do ai thực hiện?", "author"),
        ("Who wrote the article about the Foreign Ministry?", "author"),
        ("tac gia bai viet la ai", "author"),
        ("Bài viết được đăng vào ngày nào?", "date"),
        ("When was the Quảng Ninh article published?", "date"),
        ("Hội nghị do ai chủ trì?", None),  # "by whom", but not about the article
        ("Ai thực hiện kế hoạch thanh tra?", None),
        ("Quảng Trị thu hồi bao nhiêu tiền?", None),
    ],
)
def test_metadata_intent(question: str, intent: str | None) -> None:
    assert metadata_intent(question) == intent
