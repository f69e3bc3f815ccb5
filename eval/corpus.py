"""Mixed evaluation corpora: the default articles, a question set's articles and distractors
from the shared archive, named by a manifest file that goes with the question sets.

The archive (../shared/corpora/baomoi-2017.jsonl.gz) is never copied into the repository:
`materialise` writes the manifest's articles into a cache folder, once, and `rag eval
--corpus MANIFEST.json` builds the index beside them, once; later runs reuse both.

    python -m eval.corpus make --questions eval/dev2_questions.jsonl eval/heldout2_questions.jsonl \\
        --distractors 2000 --out eval/mixed_corpus.json
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import random
import shutil
import sys
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_ARCHIVE = "../shared/corpora/baomoi-2017.jsonl.gz"


@dataclass(frozen=True)
class CorpusSpec:
    """Which articles an evaluation index holds. Paths are relative to the repository root."""

    name: str
    folders: list[str] = field(default_factory=lambda: ["data/articles"])
    archive: str = DEFAULT_ARCHIVE
    questions: list[str] = field(default_factory=list)  # archive sources the question sets ask about
    distractors: list[str] = field(default_factory=list)  # archive sources nobody asks about

    @property
    def archive_sources(self) -> list[str]:
        return sorted(set(self.questions) | set(self.distractors))

    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:12]


def load_spec(path: Path) -> CorpusSpec:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return CorpusSpec(**raw)
    except (OSError, json.JSONDecodeError, TypeError) as exc:
        raise ValueError(f"{path}: not a corpus manifest ({exc})") from exc


def read_archive(path: Path) -> Iterator[dict[str, str]]:
    """The archive's records, streamed (78 M characters are never held at once)."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def _safe_name(source: str) -> str:
    name = Path(source).name
    if not name or name != source or name.startswith("."):
        raise ValueError(f"archive source {source!r} is not a plain file name")
    return name


def materialise(spec: CorpusSpec, cache_root: Path, repo: Path = REPO) -> Path:
    """The folder holding every article of `spec` (written once; atomic, so an interrupted
    write is redone, never half-used). Returns its `articles/` folder; `index/` sits beside it."""
    for source in spec.archive_sources:
        _safe_name(source)  # before anything is written
    home = cache_root / f"{spec.name}-{spec.fingerprint()}"
    articles = home / "articles"
    if (home / "manifest.json").is_file():
        return articles
    tmp = home.with_name(home.name + f".tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "articles").mkdir(parents=True)
    held: list[str] = []
    for folder in spec.folders:
        for path in sorted((repo / folder).iterdir()):
            if path.is_file() and not path.name.startswith("."):
                shutil.copyfile(path, tmp / "articles" / path.name)
                held.append(path.name)
    wanted = set(spec.archive_sources)
    found = set()
    archive = (repo / spec.archive).resolve()
    if wanted:
        if not archive.is_file():
            raise FileNotFoundError(f"archive {archive} not found (corpus manifest {spec.name})")
        for record in read_archive(archive):
            if record["source"] in wanted and record["source"] not in found:
                (tmp / "articles" / _safe_name(record["source"])).write_text(record["text"], encoding="utf-8")
                found.add(record["source"])
    missing = wanted - found
    if missing:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ValueError(f"{len(missing)} articles of {spec.name} are not in {archive}: {sorted(missing)[:5]}")
    listing = {"spec": asdict(spec), "articles": sorted(held + sorted(found))}
    (tmp / "manifest.json").write_text(json.dumps(listing, ensure_ascii=False, indent=1), encoding="utf-8")
    shutil.rmtree(home, ignore_errors=True)
    tmp.rename(home)
    return articles


def make_spec(
    name: str, question_files: Sequence[Path], distractors: int, seed: int, archive: str = DEFAULT_ARCHIVE
) -> CorpusSpec:
    """A manifest holding the question sets' articles and `distractors` random others, drawn
    reproducibly from the archive."""
    asked: set[str] = set()
    for path in question_files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                asked.update(json.loads(line).get("gold_sources", []))
    local = {p.name for p in (REPO / "data/articles").iterdir()}
    asked -= local
    others = [r["source"] for r in read_archive((REPO / archive).resolve()) if r["source"] not in asked]
    rng = random.Random(seed)
    picked = sorted(rng.sample(others, distractors))
    return CorpusSpec(name=name, archive=archive, questions=sorted(asked), distractors=picked)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    make = sub.add_parser("make", help="write a corpus manifest for question sets")
    make.add_argument("--questions", type=Path, nargs="+", required=True)
    make.add_argument("--distractors", type=int, default=2000)
    make.add_argument("--seed", type=int, default=2017)
    make.add_argument("--name", default="mixed")
    make.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    spec = make_spec(args.name, args.questions, args.distractors, args.seed)
    args.out.write_text(json.dumps(asdict(spec), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(spec.questions)} question articles, {len(spec.distractors)} distractors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
