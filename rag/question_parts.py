"""The parts of a question that asks two things at once (pure).

"Phim thu bao nhiêu trong tuần và tổng doanh thu sau 3 tuần là bao nhiêu?", "Ai ghi bàn, ở
phút nào?", "how many fighters attacked, and how far is the town?": readers ask two things in
one breath, and the two answers usually sit in two sentences. Read whole, such a question asks
for one kind of fact and is answered by one sentence; read by parts, each part's answer is
looked for on its own.
"""

from __future__ import annotations

import re

# Words that ask (with their diacritics: the question is read after the marks are restored).
# "Ai Cập" is Egypt, not "who".
_ASKING = re.compile(
    r"(?<!\w)(?:bao nhiêu|mấy|ai(?!\s+Cập)|gì|nào|đâu|bao lâu|bao xa|ra sao|thế nào|vì sao|tại sao"
    r"|how|what|which|who|whom|whose|when|where|why)(?!\w)",
    re.IGNORECASE,
)
# Where one ask may end and the next begin: a comma or semicolon (with "và"/"còn"/"and" after
# it or not), or "và"/"còn"/"and" alone. Not a comma inside a number ("11,700 packs").
_JOIN = re.compile(r"\s*(?:,(?!\d)|;)\s*(?:(?:và|còn|and)\s+)?|\s+(?:và|còn|and)\s+", re.IGNORECASE)
_ONLY_ASKING = re.compile(rf"\W*(?:{_ASKING.pattern})\W*", re.IGNORECASE)
_OPENS_ASKING = re.compile(rf"^\W*(?:{_ASKING.pattern})", re.IGNORECASE)


def question_parts(question: str) -> list[str]:
    """The question's asks, each with the words since the previous one (["q"] for a single ask).

    A stretch without an asking word belongs to the ask after it ("Quảng Trị và Quảng Ninh thu
    hồi bao nhiêu?" is one ask about two provinces), or, at the end, to the ask before it
    ("giá bao nhiêu, tăng hay giảm?").
    """
    parts: list[str] = []
    pending = ""
    start = 0
    for m in [*_JOIN.finditer(question), None]:
        end = m.start() if m is not None else len(question)
        piece = question[start:end]
        pending = f"{pending}{piece}"
        # "when and where will ...": two asking words alone share the clause after them (a Vietnamese
        # clause ends with its asking word: "tên là gì và ai sẽ hát" asks two things).
        paired = m is not None and _ONLY_ASKING.fullmatch(piece) and _OPENS_ASKING.search(question[m.end() :])
        if _ASKING.search(pending) and not paired:
            parts.append(pending.strip())
            pending = ""
        elif m is not None:
            pending += m.group(0)
        if m is not None:
            start = m.end()
    if pending.strip() and parts:
        parts[-1] = f"{parts[-1]} {pending.strip()}"
    return parts if len(parts) > 1 else [question]
