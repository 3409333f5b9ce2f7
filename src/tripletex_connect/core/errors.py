"""One exception hierarchy for everything the client can report, built from Tripletex's error envelope."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# What each Tripletex error code means (from the API's overview documentation).
CODE_MEANINGS: dict[int, str] = {
    1000: "internal server error",
    3000: "authentication failed",
    4000: "bad request",
    6000: "object not found",
    7000: "object already exists",
    8000: "stale version: the object was changed by someone else",
    9000: "permission denied",
    10000: "object is locked",
    11000: "illegal filter",
    12000: "illegal path parameter",
    14000: "duplicate entry",
    15000: "value validation failed",
    16000: "request mapping failed",
    17000: "illegal sorting",
    18000: "validation failed",
    21000: "illegal parameter",
    22000: "invalid JSON",
    23000: "result set too large",
}


class TripletexError(Exception):
    """Base of every error raised by tripletex-connect."""


class ConfigurationError(TripletexError, ValueError):
    """The connection is set up wrongly: missing tokens, unknown profile or environment, bad URL."""


class UnsafePathError(ConfigurationError):
    """A raw API call was given a path outside the connection's base URL."""


class ParameterError(TripletexError, TypeError):
    """An operation was called with an unknown, missing or malformed parameter; nothing was sent."""


class InvalidResponseError(TripletexError):
    """The server answered 2xx with something that is not what the API promises (not JSON, no envelope)."""


class TransportError(TripletexError):
    """The request did not get an HTTP answer: connection refused, reset, or timed out."""

    def __init__(self, message: str, *, method: str = "", path: str = "") -> None:
        super().__init__(message)
        self.method = method
        self.path = path


class ConnectError(TransportError):
    """The connection could not be opened; the request never reached the server."""


class TimeoutError(TransportError):
    """The server did not answer in time; a write may or may not have happened."""


@dataclass(frozen=True)
class ValidationMessage:
    """One field-level message from Tripletex's `validationMessages`."""

    field: str | None
    message: str
    path: str | None = None  # the field with list indexes (`postings[0].account.id`)
    root_id: int | None = None

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class APIError(TripletexError):
    """Tripletex answered with an error status; carries the whole error envelope."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        code: int | None = None,
        developer_message: str | None = None,
        validation_messages: Sequence[ValidationMessage] = (),
        request_id: str | None = None,
        link: str | None = None,
        method: str = "",
        path: str = "",
        body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.developer_message = developer_message
        self.validation_messages = list(validation_messages)
        self.request_id = request_id
        self.link = link
        self.method = method
        self.path = path
        self.body = body
        self.headers = dict(headers or {})

    @property
    def reason(self) -> str:
        """What the error code means in plain words."""
        return CODE_MEANINGS.get(self.code or 0, "error")

    def __str__(self) -> str:
        head = f"{self.status}"
        if self.code:
            head += f" (code {self.code}, {self.reason})"
        where = f" on {self.method} {self.path}" if self.method else ""
        lines = [f"{head}{where}: {self.message or self.reason}"]
        if self.developer_message and self.developer_message != self.message:
            lines.append(f"  detail: {self.developer_message}")
        lines += [f"  - {m}" for m in self.validation_messages]
        if self.request_id:
            lines.append(f"  request id: {self.request_id}")
        return "\n".join(lines)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.message, self.__dict__))


def _rebuild(cls: type[APIError], message: str, state: dict[str, Any]) -> APIError:
    err = cls.__new__(cls)
    Exception.__init__(err, message)
    err.__dict__.update(state)
    return err


class BadRequestError(APIError):
    """400: the request was malformed (codes 4000, 11000 illegal filter, 12000 path parameter)."""


class AuthenticationError(APIError):
    """401 (code 3000), or tokens refused when creating a session."""


class PermissionDeniedError(APIError):
    """403 (code 9000): the token may not do this, or may not act for this company."""


class NotFoundError(APIError):
    """404 (code 6000): no object with that id, or no such path."""


class MethodNotAllowedError(APIError):
    """405: the path exists but not with this HTTP method (actions are PUT, not POST)."""


class ConflictError(APIError):
    """409: the write conflicts with the stored state."""


class ObjectExistsError(ConflictError):
    """409 (code 7000): the object already exists."""


class StaleVersionError(ConflictError):
    """409 (code 8000): the `version` sent is not the stored one; fetch again and retry."""


class LockedError(ConflictError):
    """409 (code 10000): the object is locked (closed period, approved hours, ...)."""


class DuplicateError(ConflictError):
    """409 (code 14000): a duplicate entry."""


class ValidationError(APIError):
    """422: Tripletex refused the values (codes 15000-23000); see `validation_messages`."""


class RateLimitError(APIError):
    """429: too many requests in this period; `retry_after` says how long to wait."""

    @property
    def retry_after(self) -> float | None:
        """Seconds until the rate-limit period resets, when the server said."""
        for name in ("x-rate-limit-reset", "retry-after"):
            value = self.headers.get(name)
            if value is not None:
                try:
                    return max(0.0, float(value))
                except ValueError:
                    continue
        return None


class ServerError(APIError):
    """5xx: Tripletex failed (code 1000) or a gateway in front of it did."""


_BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    405: MethodNotAllowedError,
    409: ConflictError,
    422: ValidationError,
    429: RateLimitError,
}

_BY_CONFLICT_CODE: dict[int, type[APIError]] = {
    7000: ObjectExistsError,
    8000: StaleVersionError,
    10000: LockedError,
    14000: DuplicateError,
}


def error_class(status: int, code: int | None) -> type[APIError]:
    """The exception class for an HTTP status and Tripletex error code."""
    if status == 409 and code in _BY_CONFLICT_CODE:
        return _BY_CONFLICT_CODE[code]
    if status >= 500:
        return ServerError
    return _BY_STATUS.get(status, APIError)


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _messages(raw: Any) -> list[ValidationMessage]:
    if not isinstance(raw, list):
        return []
    out = []
    for item in raw:
        if isinstance(item, Mapping):
            root, path = item.get("rootId"), item.get("path")
            out.append(ValidationMessage(
                item.get("field"), str(item.get("message") or ""), path if isinstance(path, str) else None,
                root if isinstance(root, int) and not isinstance(root, bool) else None,
            ))
        elif item is not None:
            out.append(ValidationMessage(None, str(item)))
    return out


def api_error_from_response(
    status: int,
    content: bytes,
    headers: Mapping[str, str],
    *,
    method: str = "",
    path: str = "",
) -> APIError:
    """Build the right APIError from an error answer, tolerating bodies that are not the envelope."""
    lowered = {k.lower(): v for k, v in headers.items()}
    try:
        body: Any = json.loads(content) if content else None
    except ValueError:
        body = content.decode("utf-8", "replace")[:500]
    envelope = body if isinstance(body, Mapping) else {}
    code = _int_or_none(envelope.get("code"))
    message = envelope.get("message") or (body if isinstance(body, str) and body else None)
    cls = error_class(status, code)
    return cls(
        str(message or CODE_MEANINGS.get(code or 0, f"HTTP {status}")),
        status=status,
        code=code,
        developer_message=envelope.get("developerMessage"),
        validation_messages=_messages(envelope.get("validationMessages")),
        request_id=envelope.get("requestId") or lowered.get("x-tlx-request-id"),
        link=envelope.get("link"),
        method=method,
        path=path,
        body=body,
        headers=lowered,
    )


OUTCOME_UNKNOWN_ADVICE = "it may have been written: check before sending it again"


class OutcomeUnknownError(TripletexError):
    """A write (POST, `:action` PUT, or a versioned PUT) was sent but its answer was lost.

    It may or may not have been written, so it is never replayed blindly: the caller checks first.
    Carries the same fields as APIError (status and code of the lost answer when there was one).
    """

    def __init__(
        self,
        *,
        method: str,
        path: str,
        sent: str = "",
        status: int | None = None,
        code: int | None = None,
        request_id: str | None = None,
        cause: str = "",
    ) -> None:
        self.method = method
        self.path = path
        self.sent = sent
        self.status = status
        self.code = code
        self.request_id = request_id
        self.cause = cause
        self.validation_messages: list[ValidationMessage] = []
        self.message = f"outcome unknown for {method} {path}: {OUTCOME_UNKNOWN_ADVICE}"
        super().__init__(self.message)

    def __str__(self) -> str:
        lines = [self.message]
        if self.cause:
            lines.append(f"  cause: {self.cause}")
        if self.sent:
            lines.append(f"  sent: {self.sent}")
        if self.request_id:
            lines.append(f"  request id: {self.request_id}")
        return "\n".join(lines)
