"""Base classes of the generated resources and the decorator that checks keyword arguments."""

from __future__ import annotations

import datetime
import functools
import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, TypeAlias, TypeVar

from ..core.errors import ParameterError
from ..core.suggest import suggest
from ..core.upload import FileInput

F = TypeVar("F", bound=Callable[..., Any])
__all__ = [
    "AsyncResource", "DateLike", "DateTimeLike", "FileInput", "IdList", "Invoker", "StrList", "SyncResource",
    "operation",
]

IdList: TypeAlias = int | str | Sequence[int | str]
"""One id, a comma list `"1,2,3"`, or a sequence of ids."""
StrList: TypeAlias = str | Sequence[str]
"""One text or a sequence of texts (sent as repeated query values)."""
DateLike: TypeAlias = datetime.date | str
"""A date, or a string `YYYY-MM-DD`."""
DateTimeLike: TypeAlias = datetime.datetime | str
"""A datetime, or an ISO 8601 string."""


class Invoker(Protocol):
    """What a resource needs of its client: `invoke` (Tripletex and AsyncTripletex have it)."""

    def invoke(
        self, key: str, args: Mapping[str, Any] | None = None, *, body: Any = None, limit: int | None = None,
        page_size: int | None = None, extra_params: Mapping[str, Any] | None = None, file: Any = None,
    ) -> Any:
        """Run the catalog operation `key`."""


def operation(key: str) -> Callable[[F], F]:
    """Mark a resource method as the catalog operation `key`; unknown keywords get a did-you-mean error."""

    def decorate(fn: F) -> F:
        code = fn.__code__  # the names straight from the code object: inspect.signature for every method was slow
        accepted = code.co_varnames[1 : code.co_argcount + code.co_kwonlyargcount]

        def check(kwargs: dict[str, Any]) -> None:
            unknown = [name for name in kwargs if name not in accepted]
            if unknown:
                name = unknown[0]
                raise ParameterError(
                    f"{key} has no parameter {name!r}{suggest(name, accepted)}; "
                    f"known parameters: {', '.join(accepted) or 'none'}"
                )

        wrapper: Callable[..., Any]
        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
                check(kwargs)
                return await fn(self, *args, **kwargs)
        else:

            @functools.wraps(fn)
            def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
                check(kwargs)
                return fn(self, *args, **kwargs)

        wrapper.__dict__["operation_key"] = key
        return wrapper  # type: ignore[return-value]

    return decorate


def _split(args: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    args = {k: v for k, v in args.items() if k != "self"}
    control = {k: args.pop(k, None) for k in ("body", "limit", "page_size", "extra_params", "file")}
    return args, control


class SyncResource:
    """A group of operations on the sync client (`tx.customers`)."""

    def __init__(self, client: Invoker) -> None:
        self._client = client

    def _call(self, key: str, args: dict[str, Any]) -> Any:
        params, control = _split(args)
        return self._client.invoke(key, params, **control)


class AsyncResource:
    """A group of operations on the async client (`atx.customers`)."""

    def __init__(self, client: Invoker) -> None:
        self._client = client

    def _call(self, key: str, args: dict[str, Any]) -> Any:
        params, control = _split(args)
        return self._client.invoke(key, params, **control)
