"""Diacritic restoration on real questions: each question typed with diacritics in a question
set is folded ("bao nhiêu" -> "bao nhieu"), restored with the general syllable model
(rag/syllables.py; no index, so no article n-grams), and compared syllable by syllable. Prints
figures; `--show N` prints the first N questions restored wrongly (dev sets only: held-out
failures are not read).

    python -m eval.bench_restore eval/dev2_questions.jsonl eval/dev3_questions.jsonl
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rag.language import DiacriticRestorer, detect_language
from rag.syllables import SyllableModel
from rag.text import fold_accents, has_diacritics

_SYLLABLE = re.compile(r"[^\W_]+")


@dataclass
class Tally:
    syllables: int = 0
    syllables_right: int = 0
    questions: int = 0
    questions_right: int = 0
    wrong: list[tuple[str, str]] = field(default_factory=list)


def tally(restore: DiacriticRestorer, questions: Iterable[str]) -> Tally:
    """Fold each question with diacritics, restore it, and count the syllables that come back."""
    out = Tally()
    for text in questions:
        if not has_diacritics(text) or detect_language(text) == "en":
            continue  # the pipeline never restores English, whose names may carry marks ("Quảng Trị")
        restored = restore.restore(fold_accents(text))
        want, got = _SYLLABLE.findall(text.lower()), _SYLLABLE.findall(restored.lower())
        right = sum(a == b for a, b in zip(want, got, strict=False)) if len(want) == len(got) else 0
        out.syllables += len(want)
        out.syllables_right += right
        out.questions += 1
        if right == len(want):
            out.questions_right += 1
        else:
            out.wrong.append((text, restored))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("questions", type=Path, nargs="+", help="question sets (.jsonl with a 'question' field)")
    parser.add_argument("--show", type=int, default=0, help="print this many wrongly restored questions")
    args = parser.parse_args(argv)
    texts = [
        json.loads(line)["question"]
        for path in args.questions
        for line in path.read_text("utf-8").splitlines()
        if line.strip()
    ]
    with tempfile.TemporaryDirectory() as cache:
        model = SyllableModel.open(Path(cache))
        try:
            result = tally(DiacriticRestorer(model), texts)
        finally:
            model.close()
    if not result.questions:
        print("no question with diacritics in these sets")
        return 1
    print(
        f"{result.questions} questions with diacritics, folded and restored: syllables right "
        f"{result.syllables_right}/{result.syllables} ({result.syllables_right / max(1, result.syllables):.1%}), "
        f"questions wholly right {result.questions_right}/{result.questions} "
        f"({result.questions_right / result.questions:.1%})"
    )
    for text, restored in result.wrong[: args.show]:
        print(f"  {text}\n  -> {restored}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
