"""Uploaded files: their type is read from their first bytes, never from the name or the
browser's say-so."""

from collections.abc import Sequence
from typing import Any

import filetype
from django.core.files.uploadedfile import UploadedFile


def sniffed_type(upload: UploadedFile, matchers: Sequence[Any]) -> tuple[str, str] | None:
    """(MIME type, extension) if the content matches one of `matchers`; None otherwise."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.match(head, matchers=list(matchers))
    return (kind.mime, kind.extension) if kind is not None else None


def megabytes(size: int) -> str:
    """A size in MB for people: "2.5", "10"."""
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")
