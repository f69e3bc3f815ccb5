from eval.bench_restore import tally
from rag.language import DiacriticRestorer

# A small model over news sentences from several desks; the table-driven restorer tests live in
# tests/rag/test_language.py, this only checks the benchmark's counting.
TEXTS = [
    "Giá xăng tăng thêm 500 đồng mỗi lít từ chiều nay.",
    "Đội tuyển Việt Nam thắng Campuchia với tỷ số 2-1.",
    "Bệnh viện tiếp nhận bao nhiêu ca bệnh mỗi ngày?",
]


def test_tally_counts_questions_and_syllables() -> None:
    restorer = DiacriticRestorer.from_texts(TEXTS)
    result = tally(
        restorer,
        ["Giá xăng tăng bao nhiêu?", "Which team won?", "How many cases did Quảng Ninh prosecute?", "Xyz qwv?"],
    )
    # Only the Vietnamese question with diacritics is measured; English (even naming a Vietnamese
    # place) and unmarked text are skipped, as the pipeline never restores them.
    assert result.questions == 1
    assert result.syllables == 5
    assert result.syllables_right == 5
    assert result.questions_right == 1
    assert result.wrong == []


def test_tally_reports_a_wrong_restoration() -> None:
    restorer = DiacriticRestorer.from_texts(["tháng tháng tháng", "Thắng"])
    result = tally(restorer, ["thắng"])
    assert result.questions == 1 and result.questions_right == 0
    assert result.wrong == [("thắng", "tháng")]
