"""The entities a text names: people, places and organisations from underthesea's CRF NER,
which ships inside its wheel and runs offline (a few ms per sentence, the model loaded once on
first use), plus acronyms ("UNCAC"). Part of the facts layer (rag/facts.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

EntityKind = Literal["PER", "LOC", "ORG", "MISC", "ACRONYM"]


@dataclass(frozen=True)
class Entity:
    text: str
    kind: EntityKind


_ACRONYM = re.compile(r"\b[A-ZĐ]{2,}[0-9]*\b")


@lru_cache(maxsize=4096)
def tagged_spans(text: str) -> tuple[tuple[str, str], ...]:
    """The NER model's raw spans (words joined, B-/I- tags merged), for entities() and its benchmark."""
    from underthesea import ner

    spans: list[tuple[str, str]] = []
    for word, _pos, _chunk, tag in ner(text):
        if tag == "O":
            continue
        kind = tag[2:]
        if tag.startswith("I-") and spans and spans[-1][1] == kind:
            spans[-1] = (f"{spans[-1][0]} {word}", kind)
        else:
            spans.append((word, kind))
    return tuple(spans)


def entities(text: str) -> list[Entity]:
    """People, places, organisations and acronyms a text names, in order, without repeats."""
    if not text.strip():
        return []
    found: dict[str, EntityKind] = {}
    for name, kind in tagged_spans(text):
        name = name.strip(" .,;:")
        if name and kind in ("PER", "LOC", "ORG", "MISC") and any(c.isupper() for c in name):
            found.setdefault(name, kind)  # type: ignore[arg-type]
    for m in _ACRONYM.finditer(text):
        if not any(m.group(0) in name for name in found):
            found.setdefault(m.group(0), "ACRONYM")
    return [Entity(name, kind) for name, kind in found.items()]
