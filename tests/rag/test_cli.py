"""The `rag` command line: help everywhere, JSON schema, clear errors with exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rag.cli import build_parser, main

SUBCOMMANDS = [
    ["models"],
    ["models", "fetch"],
    ["models", "status"],
    ["ingest"],
    ["embed"],
    ["remove"],
    ["list"],
    ["search"],
    ["ask"],
    ["eval"],
    ["serve"],
]


@pytest.mark.parametrize("argv", [[], *SUBCOMMANDS])
def test_help_on_every_subcommand(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main([*argv, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: rag") and len(out.splitlines()) > 3


def test_every_subcommand_is_listed_in_the_table() -> None:
    parser = build_parser()
    top = next(a for a in parser._actions if a.dest == "command")
    assert {c[0] for c in SUBCOMMANDS} == set(top.choices)  # type: ignore[arg-type]


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("RAG_EMBEDDING__MODE", "fake")
    monkeypatch.setenv("RAG_PATHS__INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_ingest_search_list_remove(env: Path, corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", str(corpus), "--quiet"]) == 0
    assert "Thêm 5" in capsys.readouterr().out
    assert main(["search", "Quảng Ninh thủ tục hành chính", "--k", "2", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["query"] == "Quảng Ninh thủ tục hành chính" and len(payload["results"]) == 2
    assert set(payload["results"][0]) == {
        "rank",
        "source",
        "chunk_id",
        "score",
        "title",
        "date",
        "start",
        "end",
        "text",
    }
    assert main(["list", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 5
    assert main(["remove", "004_a78d91ce2ca9f832.txt"]) == 0
    assert "Đã xóa" in capsys.readouterr().out
    assert main(["search", "Quảng Ninh", "--json", "--k", "50"]) == 0
    sources = {r["source"] for r in json.loads(capsys.readouterr().out)["results"]}
    assert "004_a78d91ce2ca9f832.txt" not in sources


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["search", ""], "trống"),
        (["search", "x" * 2001], "quá dài"),
        (["search", "tham nhũng"], "rag ingest"),  # no index yet
        (["ingest", "/no/such/path"], "Không tìm thấy"),
        (["remove", "nope.txt"], "rag ingest"),
    ],
)
def test_errors_are_clear_and_exit_2(
    env: Path, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    last = err.strip().splitlines()[-1]
    assert last.startswith("Lỗi:") and message in last and "Traceback" not in err


def test_missing_models_name_the_fetch_command(
    env: Path, capsys: pytest.CaptureFixture[str], corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RAG_EMBEDDING__MODE", "sentence_transformers")
    monkeypatch.setenv("RAG_PATHS__MODELS_DIR", str(env / "no-models"))
    assert main(["ingest", str(corpus), "--quiet"]) == 2
    assert "rag models fetch" in capsys.readouterr().err


def test_python_dash_m_rag_works(env: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "rag", "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and "ingest" in result.stdout
