"""Language detection and diacritic restoration, table-driven."""

from __future__ import annotations

import pytest

from rag.language import DiacriticRestorer, detect_language, metadata_intent, ngram_counts

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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # sports: names keep their capitals, the key is folded and lower-case
        (
            "Rafaelson ghi bàn",
            {("rafaelson", "Rafaelson"): 1, ("ghi ban", "ghi bàn"): 1, ("rafaelson ghi ban", "Rafaelson ghi bàn"): 1},
        ),
        # business: "đồng" folds to "dong"; punctuation is not a word
        ("giá 23.000 đồng/lít", {("dong", "đồng"): 1, ("lit", "lít"): 1, ("dong lit", "đồng lít"): 1}),
        # the same form twice is counted twice
        ("Hà Nội, Hà Nội", {("ha noi", "Hà Nội"): 2}),
    ],
)
def test_ngram_counts(text: str, expected: dict[tuple[str, str], int]) -> None:
    counts = ngram_counts(text, max_n=3)
    for key, count in expected.items():
        assert counts[key] == count


def test_restorer_reads_through_a_lookup() -> None:
    asked: list[str] = []

    def lookup(key: str) -> tuple[str, int] | None:
        asked.append(key)
        return {"viet nam": ("Việt Nam", 40), "bong da": ("bóng đá", 12)}.get(key)

    assert DiacriticRestorer(lookup).restore("bong da Viet Nam") == "bóng đá Việt Nam"
    assert len(asked) < 20  # a few key lookups per query, never a scan
