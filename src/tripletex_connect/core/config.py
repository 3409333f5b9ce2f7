"""Connection settings: environments, credentials and their resolution from arguments, env vars and profiles."""

from __future__ import annotations

import hashlib
import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from .errors import ConfigurationError
from .profiles import Profile, ProfileStore

DEFAULT_LOCAL_PORT = 8000
ENVIRONMENTS: dict[str, str] = {
    "production": "https://tripletex.no/v2",
    "sandbox": "https://api-test.tripletex.tech/v2",
    "local": f"http://127.0.0.1:{DEFAULT_LOCAL_PORT}/v2",
}
ENV_ALIASES = {"prod": "production", "test": "sandbox", "api-test": "sandbox"}

ENV_VARS = {
    "consumer_token": "TRIPLETEX_CONSUMER_TOKEN",
    "employee_token": "TRIPLETEX_EMPLOYEE_TOKEN",
    "company_id": "TRIPLETEX_COMPANY_ID",
    "env": "TRIPLETEX_ENV",
    "base_url": "TRIPLETEX_BASE_URL",
    "profile": "TRIPLETEX_PROFILE",
}

SHARED_STATE_ENV_VARS = {
    # the settings of state shared across clients and processes: the rate limiter and the session store
    "rate_limit_backend": "TRIPLETEX_RATE_LIMIT_BACKEND",
    "rate_limit_scope": "TRIPLETEX_RATE_LIMIT_SCOPE",
    "rate_limit_reserve": "TRIPLETEX_RATE_LIMIT_RESERVE",
    "session_store": "TRIPLETEX_SESSION_STORE",
}


class Secret:
    """A credential whose value never shows in repr, str, logs or tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The real value, for the one place that must send it."""
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __repr__(self) -> str:
        return "Secret('**********')" if self._value else "Secret('')"

    __str__ = __repr__


def _env_key(name: str) -> str:
    key = name.strip().lower()
    return ENV_ALIASES.get(key, key)


def normalize_env(name: str) -> str:
    """The canonical environment name for `name` (`prod` -> `production`)."""
    key = _env_key(name)
    if key not in ENVIRONMENTS:
        choices = ", ".join(ENVIRONMENTS)
        raise ConfigurationError(f"unknown environment {name!r}: choose one of {choices}, or give a base URL")
    return key


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses, the only hosts plain HTTP may reach."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_base_url(url: str) -> str:
    """Validate a base URL (https, or http to a loopback host) and return it without a trailing slash."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        example = ENVIRONMENTS["production"]
        raise ConfigurationError(f"base URL {url!r} must be an absolute http(s) URL such as {example}")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ConfigurationError(
            f"base URL {url!r} uses plain HTTP to a remote host; tokens would travel unencrypted. Use https."
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ConfigurationError(f"base URL {url!r} must not carry a query, fragment or credentials")
    return url.strip().rstrip("/")


@dataclass(frozen=True)
class ConnectionSettings:
    """Everything needed to talk to one Tripletex company; tokens are kept as Secrets."""

    base_url: str
    environment: str
    consumer_token: Secret = field(default_factory=lambda: Secret(""))
    employee_token: Secret = field(default_factory=lambda: Secret(""))
    company_id: int = 0
    timeout: float = 30.0
    max_retries: int = 4
    max_retry_time: float = 120.0
    session_days: int = 2
    profile: str | None = None
    rate_limit_backend: str | None = None
    """The shared rate limiter's backend: `memory`, `sqlite:///path` or `redis://host:port/db`; None: off."""
    rate_limit_scope: str = "credential"
    rate_limit_reserve: int = 2
    session_store: str | None = None
    """Where sessions are shared: `memory` (the process), `sqlite:///path`, `redis://host:port/db`; None: per client."""

    def __post_init__(self) -> None:
        # Settings built by hand get the same checks as resolved ones: plain HTTP only to loopback hosts.
        object.__setattr__(self, "base_url", check_base_url(self.base_url))
        object.__setattr__(self, "company_id", _company_id(self.company_id, "the settings"))
        for name, low in (("timeout", 0.001), ("max_retries", 0), ("max_retry_time", 0), ("session_days", 1)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value < low:
                raise ConfigurationError(f"{name} must be a number of at least {low:g}, got {value!r}")
        if self.rate_limit_scope not in ("credential", "company"):
            raise ConfigurationError(f"rate_limit_scope must be credential or company, got {self.rate_limit_scope!r}")
        if isinstance(self.rate_limit_reserve, bool) or not isinstance(self.rate_limit_reserve, int) \
                or self.rate_limit_reserve < 0:
            raise ConfigurationError(f"rate_limit_reserve must be a whole number >= 0, got {self.rate_limit_reserve!r}")

    def credential_id(self) -> str:
        """Names the credential without revealing it: the environment and hashes of the two tokens."""
        env = self.environment if self.environment != "custom" else _hash(self.base_url)
        return f"{env}:{_hash(self.consumer_token.reveal())}:{_hash(self.employee_token.reveal())}"

    def with_company(self, company_id: int) -> ConnectionSettings:
        """The same connection acting for another company (an accountant's client)."""
        return replace(self, company_id=company_id)

    def require_tokens(self) -> None:
        """Raise a clear ConfigurationError when a token is missing."""
        missing = [
            env for name, env in (("consumer", ENV_VARS["consumer_token"]), ("employee", ENV_VARS["employee_token"]))
            if not getattr(self, f"{name}_token")
        ]
        if missing:
            raise ConfigurationError(
                "missing Tripletex credentials: set " + " and ".join(missing)
                + ", pass them to the client, or create a profile with `ttx connect add`"
            )


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:24]


def _company_id(value: Any, source: str) -> int:
    try:
        company_id = int(value)
    except (TypeError, ValueError):
        raise ConfigurationError(f"company id from {source} must be a whole number, got {value!r}") from None
    if company_id < 0:
        raise ConfigurationError(f"company id from {source} must not be negative")
    return company_id


def _profile_url(prof: Profile | None, env_name: str | None) -> str | None:
    """The profile's base URL, unless another environment was chosen over the profile's own."""
    if prof is None or not prof.base_url:
        return None
    if env_name and prof.env and _env_key(env_name) != _env_key(prof.env):
        return None
    return prof.base_url


def own_url(prof: Profile) -> str | None:
    """The base URL a profile's tokens belong to (its own base URL, else its environment's)."""
    try:
        return check_base_url(prof.base_url) if prof.base_url else ENVIRONMENTS[normalize_env(prof.env or "production")]
    except ConfigurationError:
        return None


def _foreign_url(prof: Profile, url: str) -> ConfigurationError:
    tokens = f"{ENV_VARS['consumer_token']} and {ENV_VARS['employee_token']}"
    return ConfigurationError(
        f"profile {prof.name!r} belongs to {own_url(prof) or 'another environment'}; its tokens are never sent to "
        f"{url} (chosen with --base-url/--env, TRIPLETEX_BASE_URL/TRIPLETEX_ENV or base_url=/env=). Give the tokens "
        f"for {url} with {tokens} (or as arguments), use a profile made for it, or drop the override"
    )


def resolve_settings(
    *,
    consumer_token: str | None = None,
    employee_token: str | None = None,
    company_id: int | None = None,
    env: str | None = None,
    base_url: str | None = None,
    profile: str | None = None,
    environ: Mapping[str, str] | None = None,
    store: ProfileStore | None = None,
    **options: Any,
) -> ConnectionSettings:
    """Settings from, in order of precedence: arguments, environment variables, a named profile, defaults."""
    environ = os.environ if environ is None else environ
    store = store or ProfileStore.default(environ)
    profile_name = profile or environ.get(ENV_VARS["profile"]) or None
    prof: Profile | None = None
    if profile_name:
        prof = store.get(profile_name)
    elif not any((consumer_token, employee_token, environ.get(ENV_VARS["employee_token"]))):
        prof = store.get_default()

    def pick(arg: Any, key: str, from_profile: Any) -> Any:
        if arg is not None:
            return arg
        value = environ.get(ENV_VARS[key])
        return value if value not in (None, "") else from_profile

    env_name = pick(env, "env", prof.env if prof else None)
    url = pick(base_url, "base_url", _profile_url(prof, env_name))
    if url:
        resolved_url, environment = check_base_url(url), normalize_env(env_name) if env_name else "custom"
    else:
        environment = normalize_env(env_name or "production")
        resolved_url = ENVIRONMENTS[environment]
    cid = pick(company_id, "company_id", prof.company_id if prof else 0)
    # A profile's tokens go only to that profile's own environment, never to an overriding URL or env.
    tokens_of = prof if prof is not None and own_url(prof) == resolved_url else None
    consumer = pick(consumer_token, "consumer_token", tokens_of.consumer_token if tokens_of else "") or ""
    employee = pick(employee_token, "employee_token", tokens_of.employee_token if tokens_of else "") or ""
    if prof is not None and tokens_of is None and (
        (not consumer and prof.consumer_token) or (not employee and prof.employee_token)
    ):
        raise _foreign_url(prof, resolved_url)
    for name, var in SHARED_STATE_ENV_VARS.items():
        text = environ.get(var, "").strip()
        if options.get(name) is None and text:
            options[name] = int(text) if name == "rate_limit_reserve" and text.isdigit() else text
    return ConnectionSettings(
        base_url=resolved_url,
        environment=environment,
        consumer_token=Secret(consumer),
        employee_token=Secret(employee),
        company_id=_company_id(cid, "arguments, TRIPLETEX_COMPANY_ID or the profile"),
        profile=prof.name if prof else None,
        **options,
    )
