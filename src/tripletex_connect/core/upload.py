"""File uploads (`Kind.UPLOAD` operations): a path, bytes or a binary file object as one multipart part."""

from __future__ import annotations

import mimetypes
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeAlias

from .errors import ParameterError

FileInput: TypeAlias = str | os.PathLike[str] | bytes | IO[bytes]
"""A file to upload: a path, the bytes themselves, or a binary file object opened for reading."""
UPLOAD_FIELD = "file"
# Leading bytes of the document formats Tripletex takes, so bytes without a name still get their type.
_MAGIC = (
    (b"%PDF-", "application/pdf"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"), (b"MM\x00*", "image/tiff"),
)
_EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg", "image/tiff": ".tif"}


@dataclass(frozen=True)
class FilePart:
    """One file of a multipart upload: its name, content and content type."""

    name: str
    content: bytes
    content_type: str

    def as_files(self) -> dict[str, tuple[str, bytes, str]]:
        """The `files=` argument httpx sends as multipart/form-data."""
        return {UPLOAD_FIELD: (self.name, self.content, self.content_type)}


def content_type_of(content: bytes, name: str) -> str:
    """The content type by the file's leading bytes, else by its name, else application/octet-stream."""
    for magic, kind in _MAGIC:
        if content.startswith(magic):
            return kind
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def _read(value: Any, where: str) -> tuple[str, bytes]:
    if isinstance(value, bytes | bytearray):
        return "", bytes(value)
    if isinstance(value, str | os.PathLike):
        path = Path(value)
        try:
            return path.name, path.read_bytes()
        except OSError as error:
            raise ParameterError(f"{where}: cannot read the file {str(path)!r}: {error.strerror}") from None
    read = getattr(value, "read", None)
    if callable(read):
        content = read()
        if not isinstance(content, bytes):
            raise ParameterError(f"{where}: open the file in binary mode ('rb')")
        return Path(str(getattr(value, "name", "") or "")).name, content
    raise ParameterError(f"{where}: the file must be a path, bytes or a binary file object, got {type(value).__name__}")


def file_part(value: Any, where: str = "upload") -> FilePart:
    """The part to send for a path, bytes or binary file object; a bytes upload is named by its type."""
    name, content = _read(value, where)
    kind = content_type_of(content, name)
    return FilePart(name or "upload" + _EXTENSIONS.get(kind, ""), content, kind)
