"""User-facing errors. Each message says what went wrong and what to run next.

Messages are Vietnamese first (staff read them), with the command to run verbatim.
"""

from __future__ import annotations


class RagError(Exception):
    """An expected failure with a message fit to show a user as is."""


class ModelMissingError(RagError):
    pass


class IndexMissingError(RagError):
    pass


class IndexCorruptError(RagError):
    pass


class IndexMismatchError(RagError):
    pass


class QueryError(RagError):
    pass


class LoadError(RagError):
    """One input file cannot be read; ingest skips it and goes on."""
