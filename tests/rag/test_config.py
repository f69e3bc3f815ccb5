"""Settings: defaults, then a TOML file, then RAG_* variables, all through load_settings(path, env)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from rag.config import ConfigError, Settings, load_settings

HOME = {"HOME": "/home/tester"}


@pytest.fixture(autouse=True)
def _no_stray_rag_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # load_settings falls back to ./rag.toml; run where there is none.
    monkeypatch.chdir(tmp_path)


def write_toml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (lambda s: s.paths.articles_dir, Path("data/articles")),
        (lambda s: s.paths.index_dir, Path("data/index")),
        (lambda s: s.embedding.mode, "sentence_transformers"),
        (lambda s: s.embedding.model, "embeddinggemma-300m"),
        (lambda s: s.chunking.size, 1000),
        (lambda s: s.chunking.overlap, 200),
        (lambda s: s.retrieval.mode, "hybrid"),
        (lambda s: s.retrieval.k, 5),
        (lambda s: s.vector_store.mode, "faiss"),
        (lambda s: s.ingest.max_file_bytes, 20 * 1024 * 1024),
        (lambda s: s.ingest.suffixes, (".txt", ".md", ".html", ".htm", ".pdf", ".docx")),
        (lambda s: s.query.max_chars, 2000),
    ],
)
def test_defaults(field, value) -> None:
    assert field(load_settings(None, HOME)) == value


TOML = """
[embedding]
mode = "fake"
dimension = 64

[chunking]
size = 800
overlap = 100

[retrieval]
k = 8
mode = "bm25"

[paths]
index_dir = "/srv/index"
"""


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (lambda s: s.embedding.mode, "fake"),
        (lambda s: s.embedding.dimension, 64),
        (lambda s: s.embedding.model, "embeddinggemma-300m"),  # untouched keys keep their defaults
        (lambda s: s.chunking.size, 800),
        (lambda s: s.chunking.overlap, 100),
        (lambda s: s.retrieval.k, 8),
        (lambda s: s.retrieval.mode, "bm25"),
        (lambda s: s.retrieval.rrf_k, 10),
        (lambda s: s.paths.index_dir, Path("/srv/index")),
    ],
)
def test_toml_overrides_defaults(tmp_path: Path, field, value) -> None:
    assert field(load_settings(write_toml(tmp_path, TOML), HOME)) == value


@pytest.mark.parametrize(
    ("env", "field", "value"),
    [
        ({"RAG_RETRIEVAL__K": "12"}, lambda s: s.retrieval.k, 12),  # env beats TOML
        ({"RAG_RETRIEVAL__MODE": "dense"}, lambda s: s.retrieval.mode, "dense"),
        ({"RAG_RETRIEVAL__K": "12"}, lambda s: s.retrieval.mode, "bm25"),  # siblings from TOML survive
        ({"RAG_CHUNKING__OVERLAP": "0"}, lambda s: s.chunking.overlap, 0),
        ({"RAG_CHUNKING__OVERLAP": "0"}, lambda s: s.chunking.size, 800),
        ({"RAG_QUERY__MAX_CHARS": "50"}, lambda s: s.query.max_chars, 50),  # a section not in the TOML
        ({"RAG_RETRIEVAL__DENSE_WEIGHT": "0.25"}, lambda s: s.retrieval.dense_weight, 0.25),
        ({"RAG_EMBEDDING__MODEL": "/models/bge-m3"}, lambda s: s.embedding.model, "/models/bge-m3"),
        ({"OTHER_RETRIEVAL__K": "99"}, lambda s: s.retrieval.k, 8),  # only the RAG_ prefix counts
    ],
)
def test_env_overrides_toml(tmp_path: Path, env: dict[str, str], field, value) -> None:
    assert field(load_settings(write_toml(tmp_path, TOML), {**HOME, **env})) == value


def test_rag_config_variable_names_the_file(tmp_path: Path) -> None:
    path = write_toml(tmp_path, "[retrieval]\nk = 9\n")
    assert load_settings(None, {**HOME, "RAG_CONFIG": str(path)}).retrieval.k == 9


def test_rag_toml_in_the_working_directory_is_picked_up(tmp_path: Path) -> None:
    (tmp_path / "rag.toml").write_text("[retrieval]\nk = 7\n", encoding="utf-8")
    assert load_settings(None, HOME).retrieval.k == 7


def test_explicit_path_beats_rag_config(tmp_path: Path) -> None:
    explicit = write_toml(tmp_path, "[retrieval]\nk = 3\n")
    other = tmp_path / "other.toml"
    other.write_text("[retrieval]\nk = 4\n", encoding="utf-8")
    assert load_settings(explicit, {**HOME, "RAG_CONFIG": str(other)}).retrieval.k == 3


@pytest.mark.parametrize(
    ("toml", "env", "mentions"),
    [
        pytest.param('[retrieval]\nk = "many"\n', {}, "retrieval.k", id="toml-wrong-type"),
        pytest.param("", {"RAG_RETRIEVAL__K": "many"}, "retrieval.k", id="env-wrong-type"),
        pytest.param("[retrieval]\nk = 0\n", {}, "retrieval.k", id="below-minimum"),
        pytest.param("[retrieval]\nk = 101\n", {}, "retrieval.k", id="above-maximum"),
        pytest.param('[retrieval]\nmode = "magic"\n', {}, "retrieval.mode", id="not-a-choice"),
        pytest.param('[embedding]\nmode = "cohere"\n', {}, "embedding.mode", id="not-a-backend"),
        pytest.param("[chunking]\nsize = 50\n", {}, "chunking.size", id="chunk-too-small"),
        pytest.param("[retrieval]\nkk = 5\n", {}, "kk", id="unknown-key"),
        pytest.param("[retreival]\nk = 5\n", {}, "retreival", id="unknown-section"),
        pytest.param("", {"RAG_RETRIEVAL__KK": "5"}, "kk", id="env-unknown-key"),
        pytest.param("", {"RAG_NOPE__K": "5"}, "nope", id="env-unknown-section"),
        pytest.param("top = 1\n", {}, "top", id="unknown-top-level"),
        pytest.param("[retrieval\nk = 5\n", {}, "settings.toml", id="bad-toml-names-file"),
    ],
)
def test_invalid_settings_raise_config_error(tmp_path: Path, toml: str, env: dict[str, str], mentions: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(write_toml(tmp_path, toml), {**HOME, **env})
    assert mentions in str(info.value)


def test_missing_settings_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nowhere\.toml"):
        load_settings(tmp_path / "nowhere.toml", HOME)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"HOME": "/home/tester"}, Path("/home/tester/.cache/vn-news-rag/models")),
        ({"HOME": "/home/tester", "XDG_CACHE_HOME": "/var/cache/x"}, Path("/var/cache/x/vn-news-rag/models")),
        ({"HOME": "/home/tester", "XDG_CACHE_HOME": ""}, Path("/home/tester/.cache/vn-news-rag/models")),
        ({"HOME": "/h", "RAG_PATHS__MODELS_DIR": "/opt/models"}, Path("/opt/models")),
    ],
)
def test_models_dir(env: dict[str, str], expected: Path) -> None:
    settings = load_settings(None, env)
    assert settings.paths.models_dir == expected
    assert settings.models_dir == expected


def test_models_dir_from_toml_expands_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", "/home/tester")  # expanduser reads the process environment
    settings = load_settings(write_toml(tmp_path, '[paths]\nmodels_dir = "~/m"\n'), HOME)
    assert settings.paths.models_dir == Path("/home/tester/m")


@pytest.mark.parametrize(
    "mutate",
    [
        lambda s: setattr(s, "retrieval", None),
        lambda s: setattr(s.retrieval, "k", 3),
        lambda s: setattr(s.chunking, "size", 100),
        lambda s: setattr(s.paths, "models_dir", Path("/tmp")),
    ],
)
def test_settings_are_frozen(mutate) -> None:
    settings = load_settings(None, HOME)
    with pytest.raises(ValidationError):
        mutate(settings)
    assert settings == load_settings(None, HOME)


def test_settings_are_hashable_values() -> None:
    # Frozen models compare by value: the same inputs give equal settings.
    assert load_settings(None, HOME) == load_settings(None, dict(HOME))
    assert load_settings(None, HOME) != load_settings(None, {**HOME, "RAG_RETRIEVAL__K": "6"})


def test_nothing_is_read_at_construction() -> None:
    # A bare Settings() is pure defaults; only load_settings consults files and the environment.
    assert Settings().retrieval.k == 5
    assert Settings().paths.models_dir is None


@pytest.mark.parametrize("overlap", ["1000", "1500"])
def test_overlap_not_below_size_is_a_config_error(overlap: str) -> None:
    with pytest.raises(ConfigError):
        load_settings(None, {**HOME, "RAG_CHUNKING__OVERLAP": overlap})
