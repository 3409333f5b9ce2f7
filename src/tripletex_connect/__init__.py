"""tripletex-connect: SDK, CLI, scenarios and a local sandbox for the Tripletex accounting API.

    from tripletex_connect import Tripletex
    with Tripletex(profile="default") as tx:
        for customer in tx.customers.search(customer_name="Acme", limit=20):
            print(customer.id, customer.name)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .core.errors import (
    APIError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    ConnectError,
    DuplicateError,
    InvalidResponseError,
    LockedError,
    MethodNotAllowedError,
    NotFoundError,
    ObjectExistsError,
    OutcomeUnknownError,
    ParameterError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    StaleVersionError,
    TimeoutError,
    TransportError,
    TripletexError,
    UnsafePathError,
    ValidationError,
    ValidationMessage,
)

if TYPE_CHECKING:
    from .client import AsyncTripletex, Tripletex
    from .core.batch import BatchError, ItemFailure
    from .core.paging import AsyncPaginator, Page, Paginator

__version__ = "0.1.0"

__all__ = [
    "APIError",
    "AsyncPaginator",
    "AsyncTripletex",
    "AuthenticationError",
    "BadRequestError",
    "BatchError",
    "ConfigurationError",
    "ConflictError",
    "ConnectError",
    "DuplicateError",
    "InvalidResponseError",
    "ItemFailure",
    "LockedError",
    "MethodNotAllowedError",
    "NotFoundError",
    "ObjectExistsError",
    "OutcomeUnknownError",
    "Page",
    "Paginator",
    "ParameterError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServerError",
    "StaleVersionError",
    "TimeoutError",
    "TransportError",
    "Tripletex",
    "TripletexError",
    "UnsafePathError",
    "ValidationError",
    "ValidationMessage",
    "__version__",
]

_LAZY = {
    "Tripletex": "client",
    "AsyncTripletex": "client",
    "Paginator": "core.paging",
    "AsyncPaginator": "core.paging",
    "Page": "core.paging",
    "BatchError": "core.batch",
    "ItemFailure": "core.batch",
}


def __getattr__(name: str) -> Any:
    # The client pulls in httpx and pydantic; import it on first use so `ttx --help` stays fast.
    if name in _LAZY:
        import importlib

        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module 'tripletex_connect' has no attribute {name!r}")
