"""The words of a news sentence that only say who reports it (pure).

"Mỹ và Hàn Quốc xác nhận tên lửa đã bay được khoảng 500 km" is a fact about the missile
that two other countries report; "Theo hãng tin Yonhap, ..." names a source. A check of which
country or province a fact is about reads the sentence without its attribution.
"""

from __future__ import annotations

import re

# Verbs of reporting that close an attribution's subject ("Bộ Quốc phòng Mỹ xác nhận ...").
_REPORTING = (
    r"cho biết|cho hay|xác nhận|thông báo|tuyên bố|khẳng định|nhấn mạnh|dẫn lời|dẫn nguồn|đưa tin|công bố"
    r"|nhận định|ước tính|cáo buộc|thừa nhận|phát biểu|nói rằng|nói"
)
# The subject is a clause's opening words, short of a comma and of a figure (a figure there is the fact).
_SUBJECT_REPORTS = re.compile(rf"(?:^|(?<=[,;:]))\s*[^,;:\d]{{1,80}}?\b(?:{_REPORTING})\b(?:\s+rằng\b)?", re.IGNORECASE)
# "Theo hãng tin Yonhap, ...", "..., theo AFP." and "(Nguồn: TTXVN)".
_ACCORDING_TO = re.compile(r"(?:^|(?<=[,;:(]))\s*theo\s+[^,;:.()\d]{1,80}(?=[,;:.)]|$)", re.IGNORECASE)
_SOURCE_NOTE = re.compile(r"\((?:nguồn|ảnh|theo)\s*:?[^()]{0,60}\)", re.IGNORECASE)


def without_attribution(sentence: str) -> str:
    """The sentence with its attributions blanked out: who reports, not what is reported."""
    text = _SOURCE_NOTE.sub(" ", sentence)
    text = _ACCORDING_TO.sub(" ", text)
    return " ".join(_SUBJECT_REPORTS.sub(" ", text).split())
