"""A Vietnamese syllable bigram model for restoring diacritics, from general news text.

Built once from a large archive (29,205 articles of 2017 across 12 desks) into a small
derived table shipped with the code, `rag/data/vi_syllables.tsv.gz` (counts only, no text),
and read through SQLite so a query costs a few point lookups and no memory:

    python -m rag.syllables build ../shared/corpora/baomoi-2017.jsonl.gz

A hand-written list of question words cannot know that "bao nhieu tien" is "bao nhiêu
tiền" and "Viet Nam" is "Việt Nam"; the counts of millions of news syllables do.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import itertools
import json
import math
import os
import re
import sqlite3
import sys
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

from rag.text import fold_accents

TABLE = Path(__file__).with_name("data") / "vi_syllables.tsv.gz"
# Syllables, and numbers as one token: "năm 2017", "tháng 7", "bao nhiêu mét" hold the best
# context a folded "nam", "thang" or "met" has.
_SYLLABLE = re.compile(r"[^\W\d_]+|\d+(?:[.,]\d+)*", re.UNICODE)
NUMBER = "#"
# Bigrams do not cross punctuation: "Hà Nội, Việt Nam" holds no "nội việt".
_PHRASE_BREAK = re.compile(r"[\n.,;:!?()\[\]\"“”'‘’/–—-]+")
# Pairs are smoothed Witten-Bell: each syllable's pair counts are weighed against the unigram by
# how many different syllables follow it: after "nhiêu" (which any counted noun follows) the pair
# counts tell little and the unigram more; after "bao" they tell a lot.


def phrases(text: str) -> Iterator[list[str]]:
    """Lower-case syllable runs between punctuation, numbers as `NUMBER`."""
    for piece in _PHRASE_BREAK.split(unicodedata.normalize("NFC", text)):
        words = [NUMBER if w[0].isdigit() else w.lower() for w in _SYLLABLE.findall(piece)]
        if words:
            yield words


def count_syllables(texts: Iterable[str]) -> tuple[Counter[str], Counter[tuple[str, str]]]:
    """Unigram and bigram counts of lower-case syllables."""
    uni: Counter[str] = Counter()
    bi: Counter[tuple[str, str]] = Counter()
    for text in texts:
        for words in phrases(text):
            uni.update(words)
            bi.update(itertools.pairwise(words))
    return uni, bi


def write_table(
    path: Path, uni: Counter[str], bi: Counter[tuple[str, str]], min_unigram: int = 3, min_bigram: int = 2
) -> None:
    """`1<TAB>form<TAB>count<TAB>followers` and `2<TAB>form form<TAB>count` lines, rare entries
    dropped; `followers` counts the distinct syllables seen after the form, before pruning.

    Pairs seen twice are kept: a question's pairs ("nhiêu mét", "nhiêu binh") are rare in news
    prose, and a pruned pair scores as if never seen (2.5 MB against 1.3 MB at five)."""
    followers = Counter(a for a, _ in bi)
    tmp = path.with_name(path.name + ".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=9) as fh:
        fh.write(f"0\ttotal\t{sum(uni.values())}\n")
        for form, count in sorted(uni.items()):
            if count >= min_unigram:
                fh.write(f"1\t{form}\t{count}\t{followers.get(form, 0)}\n")
        for (a, b), count in sorted(bi.items()):
            if count >= min_bigram:
                fh.write(f"2\t{a} {b}\t{count}\n")
    os.replace(tmp, path)


class SyllableCounts(Protocol):
    """What the restorer reads: accented forms of a folded syllable, and pair counts."""

    total: int

    def candidates(self, folded: str) -> list[tuple[str, int]]: ...

    def bigram(self, a: str, b: str) -> int: ...

    def followers(self, form: str) -> int:
        """Distinct syllables seen after `form`."""
        ...


class CountedSyllables:
    """Counts held in memory (tests, a few texts)."""

    def __init__(self, uni: Counter[str], bi: Counter[tuple[str, str]]) -> None:
        self._forms: dict[str, list[tuple[str, int]]] = {}
        for form, count in uni.items():
            self._forms.setdefault(fold_accents(form), []).append((form, count))
        self._bi = bi
        self._followers = Counter(a for a, _ in bi)
        self.total = max(sum(uni.values()), 1)

    def candidates(self, folded: str) -> list[tuple[str, int]]:
        return self._forms.get(folded, [])

    def bigram(self, a: str, b: str) -> int:
        return self._bi.get((a, b), 0)

    def followers(self, form: str) -> int:
        return self._followers.get(form, 0)


class SyllableModel:
    """Candidate forms of a folded syllable and bigram counts, from an SQLite copy of the table
    made once in the cache (readers share it; a query reads a few rows)."""

    def __init__(self, db: Path) -> None:
        self._conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        row = self._conn.execute("SELECT count FROM uni WHERE form = ''").fetchone()
        self.total = int(row[0]) if row else 1

    @classmethod
    def open(cls, cache_dir: Path, table: Path = TABLE) -> SyllableModel:
        """The model for `table`, building its SQLite copy under `cache_dir` on first use (atomic)."""
        digest = hashlib.sha256(table.read_bytes()).hexdigest()[:12]
        db = cache_dir / f"vi-syllables-{digest}.sqlite3"
        if not db.is_file():
            cache_dir.mkdir(parents=True, exist_ok=True)
            tmp = db.with_name(db.name + f".tmp{os.getpid()}")
            tmp.unlink(missing_ok=True)
            _build_db(table, tmp)
            os.replace(tmp, db)
        return cls(db)

    def candidates(self, folded: str) -> list[tuple[str, int]]:
        with self._lock:
            rows = self._conn.execute("SELECT form, count FROM uni WHERE folded = ?", (folded,)).fetchall()
        return [(str(f), int(c)) for f, c in rows]

    def bigram(self, a: str, b: str) -> int:
        with self._lock:
            row = self._conn.execute("SELECT count FROM bi WHERE pair = ?", (f"{a} {b}",)).fetchone()
        return int(row[0]) if row else 0

    def followers(self, form: str) -> int:
        with self._lock:
            row = self._conn.execute("SELECT followers FROM uni WHERE form = ?", (form,)).fetchone()
        return int(row[0]) if row else 0

    def close(self) -> None:
        self._conn.close()


def _build_db(table: Path, db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        conn.execute("CREATE TABLE uni (folded TEXT, form TEXT, count INTEGER, followers INTEGER)")
        conn.execute("CREATE TABLE bi (pair TEXT PRIMARY KEY, count INTEGER) WITHOUT ROWID")
        with gzip.open(table, "rt", encoding="utf-8") as fh:
            uni, bi = [], []
            for line in fh:
                kind, key, count, *rest = line.rstrip("\n").split("\t")
                if kind == "0":
                    uni.append(("", "", int(count), 0))
                elif kind == "1":
                    uni.append((fold_accents(key), key, int(count), int(rest[0]) if rest else 0))
                else:
                    bi.append((key, int(count)))
        conn.executemany("INSERT INTO uni VALUES (?, ?, ?, ?)", uni)
        conn.executemany("INSERT INTO bi VALUES (?, ?)", bi)
        conn.execute("CREATE INDEX uni_folded ON uni (folded)")
        conn.execute("CREATE INDEX uni_form ON uni (form)")
        conn.commit()
    finally:
        conn.close()


def best_forms(
    folded: Sequence[str],
    candidates: Sequence[Sequence[tuple[str, int]]],
    bigram: Callable[[str, str], int],
    total: int,
    followers: Callable[[str], int],
) -> list[str | None]:
    """Most probable accented form per syllable under an interpolated bigram model (Viterbi);
    None where a syllable has no candidate (it is kept as typed and breaks the context)."""
    out: list[str | None] = [None] * len(folded)
    start = 0
    while start < len(folded):
        if not candidates[start]:
            start += 1
            continue
        end = start
        while end < len(folded) and candidates[end]:
            end += 1
        for offset, form in enumerate(_viterbi(candidates[start:end], bigram, total, followers)):
            out[start + offset] = form
        start = end
    return out


def _viterbi(
    candidates: Sequence[Sequence[tuple[str, int]]],
    bigram: Callable[[str, str], int],
    total: int,
    followers: Callable[[str], int],
) -> list[str]:
    def unigram(count: int) -> float:
        return count / total

    seen_after: dict[str, int] = {}

    def transition(prev: str, prev_count: int, form: str, count: int) -> float:
        if prev not in seen_after:
            seen_after[prev] = max(followers(prev), 1)
        seen = seen_after[prev]
        return (bigram(prev, form) + seen * unigram(count)) / (prev_count + seen)

    scores = {form: math.log(unigram(count) + 1e-12) for form, count in candidates[0]}
    back: list[dict[str, str]] = []
    counts = dict(candidates[0])
    for position in range(1, len(candidates)):
        new: dict[str, float] = {}
        pointers: dict[str, str] = {}
        for form, count in candidates[position]:
            best_prev, best_score = "", -math.inf
            for prev, prev_score in scores.items():
                s = prev_score + math.log(transition(prev, counts[prev], form, count) + 1e-12)
                if s > best_score:
                    best_prev, best_score = prev, s
            new[form], pointers[form] = best_score, best_prev
        back.append(pointers)
        scores = new
        counts = dict(candidates[position])
    form = max(scores, key=lambda f: scores[f])
    path = [form]
    for pointers in reversed(back):
        form = pointers[form]
        path.append(form)
    return path[::-1]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="count syllables of a JSONL(.gz) archive into the shipped table")
    build.add_argument("archive", type=Path)
    build.add_argument("--out", type=Path, default=TABLE)
    args = parser.parse_args(argv)
    opener = gzip.open if args.archive.suffix == ".gz" else open
    with opener(args.archive, "rt", encoding="utf-8") as fh:
        uni, bi = count_syllables(json.loads(line)["text"] for line in fh if line.strip())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_table(args.out, uni, bi)
    print(f"{args.out}: {len(uni)} syllables, {len(bi)} pairs counted; {args.out.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
