"""Hand-made search hits over small articles, for answer-chain tests without an index."""

from __future__ import annotations

from rag.records import ArticleRecord, ChunkRecord
from rag.retrieval import SearchHit
from rag.sentences import split_sentences

QUANG_TRI = (
    "Quảng Trị: tăng cường phòng, chống tham nhũng\n"
    "6 tháng đầu năm 2019, Quảng Trị đã tiến hành 28 cuộc thanh tra kinh tế - xã hội.\n"
    "Qua thanh tra, tỉnh Quảng Trị đã thu hồi được 1 tỷ 266 triệu đồng.\n"
    "Tỉnh đã ban hành 180 văn bản chỉ đạo."
)
QUANG_NINH = (
    "Quảng Ninh: nêu cao trách nhiệm người đứng đầu\n"
    "Trong 6 tháng đầu năm 2021, Thanh tra tỉnh Quảng Ninh đã triển khai 84 cuộc thanh tra.\n"
    "Các cơ quan, đơn vị trong tỉnh đã chuyển đổi vị trí công tác đối với 251 CBCCVC."
)
BO_NGOAI_GIAO = (
    "Bộ Ngoại giao báo cáo công tác phòng, chống tham nhũng\n"
    "Năm 2021, Bộ Ngoại giao đã hoàn thành kê khai tài sản, thu nhập lần đầu đối với 1.695 trường hợp.\n"
    "Bộ trưởng Bùi Thanh Sơn cho biết Bộ quán triệt phương châm phòng ngừa là chính."
)


def article(source: str, text: str, author: str | None = None) -> ArticleRecord:
    return ArticleRecord(source, text.split("\n")[0], "2023-01-01", author, text, "hash", 1)


def hit(source: str, text: str, rank: int = 1) -> SearchHit:
    """One hit whose chunk is the whole article, with its sentence spans."""
    spans = [[s.start, s.end] for s in split_sentences(text)]
    chunk = ChunkRecord(f"{source}#0", source, 0, 0, len(text), text, [], spans)
    return SearchHit(rank, 1.0 / rank, chunk, article(source, text))


def hits(*texts: tuple[str, str]) -> list[SearchHit]:
    return [hit(source, text, rank) for rank, (source, text) in enumerate(texts, start=1)]
