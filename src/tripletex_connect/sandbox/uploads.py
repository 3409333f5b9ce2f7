"""Files sent as multipart/form-data (the upload operations), parsed with the standard library."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default

from .errors import invalid


@dataclass(frozen=True)
class Upload:
    """One part of a multipart body: its form field, file name, content type and bytes."""

    field: str
    filename: str
    content_type: str
    content: bytes


def parse_multipart(content_type: str, body: bytes) -> list[Upload]:
    """The parts of a multipart/form-data body; 422 on `file` when the request is not multipart."""
    if not content_type.lower().startswith("multipart/form-data"):
        raise invalid([("file", "Forventet multipart/form-data med feltet file.")])
    head = b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n"
    message = BytesParser(policy=default).parsebytes(head + body)
    assert isinstance(message, EmailMessage)
    return [_upload(part) for part in message.iter_parts() if isinstance(part, EmailMessage)]


def _upload(part: EmailMessage) -> Upload:
    payload = part.get_payload(decode=True)
    return Upload(
        field=str(part.get_param("name", "", header="content-disposition")),
        filename=part.get_filename() or "",
        content_type=part.get_content_type(),
        content=payload if isinstance(payload, bytes) else b"",
    )
