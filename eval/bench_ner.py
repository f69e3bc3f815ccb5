"""Named entities on hand-checked news sentences: underthesea's CRF NER against the
capitalised-run detector (rag/verification.py), and the person detector (the CRF's people plus
capitalised runs opening with a Vietnamese surname or following a person noun).

eval/ner_gold.jsonl: 260 sentences from 108 archive articles across 12 desks, entities
tagged PER / LOC / ORG by a helper reading the articles (never tuned on). Prints figures.

    python -m eval.bench_ner [--gold eval/ner_gold.jsonl]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from rag.answerability import person_names
from rag.entities import tagged_spans
from rag.verification import named_entities

GOLD = Path(__file__).with_name("ner_gold.jsonl")


def _key(name: str) -> str:
    return " ".join(name.strip(" .,;:").split()).lower()


def score(found: Sequence[set[str]], gold: Sequence[set[str]]) -> tuple[float, float, float]:
    """Micro precision, recall, F1 of exact mentions (case-insensitive), per sentence."""
    tp = sum(len(f & g) for f, g in zip(found, gold, strict=True))
    nf, ng = sum(map(len, found)), sum(map(len, gold))
    p = tp / nf if nf else 0.0
    r = tp / ng if ng else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, default=GOLD)
    args = parser.parse_args(argv)
    rows = [json.loads(line) for line in args.gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    gold_any = [{_key(e["text"]) for e in r["entities"]} for r in rows]
    gold_per = [{_key(e["text"]) for e in r["entities"] if e["type"] == "PER"} for r in rows]

    started = time.perf_counter()
    crf = [tagged_spans(r["sentence"]) for r in rows]
    crf_ms = (time.perf_counter() - started) * 1000 / len(rows)
    systems: dict[str, tuple[list[set[str]], list[set[str]]]] = {}

    def add(name: str, any_of: Callable[[int], set[str]], per_of: Callable[[int], set[str]]) -> None:
        systems[name] = ([any_of(i) for i in range(len(rows))], [per_of(i) for i in range(len(rows))])

    add(
        "underthesea CRF NER",
        lambda i: {_key(t) for t, k in crf[i] if k in ("PER", "LOC", "ORG")},
        lambda i: {_key(t) for t, k in crf[i] if k == "PER"},
    )
    add(
        "capitalised runs (verification.py)",
        lambda i: {_key(t) for t in named_entities(rows[i]["sentence"])},
        lambda i: set(),
    )
    add(
        "person_names (CRF, surname and titled runs)",
        lambda i: set(),
        lambda i: {_key(t) for t in person_names(rows[i]["sentence"])},
    )
    print(f"{len(rows)} sentences, {sum(map(len, gold_any))} entities ({sum(map(len, gold_per))} people), {args.gold}")
    print(f"CRF NER: {crf_ms:.1f} ms per sentence")
    print(f"{'system':<38}{'all P':>8}{'all R':>8}{'all F1':>8}{'PER P':>8}{'PER R':>8}{'PER F1':>8}")
    for name, (found_any, found_per) in systems.items():
        a = score(found_any, gold_any) if any(found_any) else (float("nan"),) * 3
        p = score(found_per, gold_per) if any(found_per) else (float("nan"),) * 3
        print(f"{name:<38}" + "".join(f"{v:>8.1%}" for v in (*a, *p)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
