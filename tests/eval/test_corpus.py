"""Mixed evaluation corpora: manifests materialised once from an archive (eval/corpus.py)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from eval.corpus import CorpusSpec, load_spec, make_spec, materialise


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "data/articles").mkdir(parents=True)
    (root / "data/articles/000_a.txt").write_text("Bài mặc định\nNội dung.", encoding="utf-8")
    archive = tmp_path / "archive.jsonl.gz"
    with gzip.open(archive, "wt", encoding="utf-8") as fh:
        for i in range(6):
            fh.write(
                json.dumps({"source": f"{100 + i}.txt", "title": f"T{i}", "text": f"Tin {i}\nThân bài {i}."}) + "\n"
            )
    return root


def test_materialise_writes_each_article_once_and_lists_them(repo: Path, tmp_path: Path) -> None:
    spec = CorpusSpec("t", archive="../archive.jsonl.gz", questions=["100.txt"], distractors=["103.txt", "105.txt"])
    articles = materialise(spec, tmp_path / "cache", repo)
    assert sorted(p.name for p in articles.iterdir()) == ["000_a.txt", "100.txt", "103.txt", "105.txt"]
    assert (articles / "103.txt").read_text(encoding="utf-8") == "Tin 3\nThân bài 3."
    listing = json.loads((articles.parent / "manifest.json").read_text(encoding="utf-8"))
    assert listing["articles"] == ["000_a.txt", "100.txt", "103.txt", "105.txt"]
    stamp = (articles / "100.txt").stat().st_mtime_ns
    assert materialise(spec, tmp_path / "cache", repo) == articles  # reused, not rewritten
    assert (articles / "100.txt").stat().st_mtime_ns == stamp


def test_missing_article_or_unsafe_name_writes_nothing(repo: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not in"):
        materialise(CorpusSpec("t", archive="../archive.jsonl.gz", questions=["999.txt"]), tmp_path / "c", repo)
    with pytest.raises(ValueError, match="plain file name"):
        materialise(CorpusSpec("u", archive="../archive.jsonl.gz", questions=["../100.txt"]), tmp_path / "c", repo)
    assert not list((tmp_path / "c").glob("*/manifest.json"))


def test_shipped_manifests_hold_the_question_articles_and_distractors() -> None:
    root = Path(__file__).resolve().parents[2]
    for name, questions, distractors in (("mixed_corpus", 188, 2000), ("ci_corpus", 90, 300)):
        spec = load_spec(root / "eval" / f"{name}.json")
        assert (len(spec.questions), len(spec.distractors)) == (questions, distractors)
        assert not set(spec.questions) & set(spec.distractors)
    asked = {
        s
        for f in ("heldout2_questions.jsonl", "dev2_questions.jsonl")
        for line in (root / "eval" / f).read_text(encoding="utf-8").splitlines()
        for s in json.loads(line)["gold_sources"]
    }
    assert asked <= set(load_spec(root / "eval/mixed_corpus.json").questions)


def test_make_spec_is_reproducible(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("eval.corpus.REPO", repo)
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"gold_sources": ["101.txt", "000_a.txt"]}) + "\n", encoding="utf-8")
    a = make_spec("m", [questions], 3, seed=1, archive="../archive.jsonl.gz")
    assert a == make_spec("m", [questions], 3, seed=1, archive="../archive.jsonl.gz")
    assert a.questions == ["101.txt"] and len(a.distractors) == 3 and "101.txt" not in a.distractors
