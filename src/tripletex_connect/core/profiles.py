"""Named connection profiles, stored in a TOML file in the user config dir with mode 0600."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigurationError

CONFIG_ENV_VAR = "TRIPLETEX_CONFIG"
_FIELDS = ("env", "base_url", "consumer_token", "employee_token", "company_id")


@dataclass(frozen=True)
class Profile:
    """A saved connection, like Make's "Create a connection" form."""

    name: str
    env: str | None = None
    base_url: str | None = None
    consumer_token: str = ""
    employee_token: str = ""
    company_id: int = 0

    def __repr__(self) -> str:
        where = self.base_url or self.env or "production"
        return f"Profile(name={self.name!r}, where={where!r}, company_id={self.company_id}, tokens=<hidden>)"


def default_config_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where profiles live: $TRIPLETEX_CONFIG, else `config.toml` in the user config dir."""
    environ = os.environ if environ is None else environ
    if environ.get(CONFIG_ENV_VAR):
        return Path(environ[CONFIG_ENV_VAR]).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("tripletex-connect")) / "config.toml"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value))  # a JSON string is a valid TOML basic string


def _check_name(name: str) -> str:
    if not name or not all(c.isalnum() or c in "-_" for c in name):
        raise ConfigurationError(f"profile name {name!r} may use only letters, digits, '-' and '_'")
    return name


class ProfileStore:
    """Reads and writes the profiles file; every write leaves it readable by the owner only."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def default(cls, environ: Mapping[str, str] | None = None) -> ProfileStore:
        """The store at the default config path."""
        return cls(default_config_path(environ))

    def _read(self) -> dict[str, Any]:
        import tomllib  # only when a profiles file is read

        if not self.path.exists():
            return {}
        try:
            return tomllib.loads(self.path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigurationError(f"cannot read profiles file {self.path}: {exc}") from None
        except OSError as exc:
            raise ConfigurationError(f"cannot read profiles file {self.path}: {exc.strerror or exc}") from None

    def _write(self, data: dict[str, Any]) -> None:
        lines = []
        if data.get("default"):
            lines.append(f"default = {_toml_value(data['default'])}\n")
        for name, values in sorted(data.get("profiles", {}).items()):
            lines.append(f"\n[profiles.{_check_name(name)}]\n")
            lines += [f"{k} = {_toml_value(v)}\n" for k, v in values.items() if v not in (None, "")]
        try:
            self._replace("".join(lines))
        except OSError as exc:
            raise ConfigurationError(f"cannot write profiles file {self.path}: {exc.strerror or exc}") from None

    def _replace(self, text: str) -> None:
        """Write the file atomically, owner-only from the first byte."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".config-", suffix=".toml")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        os.chmod(self.path, 0o600)

    def list(self) -> list[Profile]:
        """Every saved profile, sorted by name."""
        profiles = self._read().get("profiles", {})
        return [self._profile(name, values) for name, values in sorted(profiles.items())]

    def default_name(self) -> str | None:
        """The name of the default profile, if one is set."""
        name = self._read().get("default")
        return str(name) if name else None

    def get(self, name: str) -> Profile:
        """The profile called `name`, or a ConfigurationError listing the ones that exist."""
        values = self._read().get("profiles", {}).get(name)
        if values is None:
            known = ", ".join(p.name for p in self.list()) or "none yet; create one with `ttx connect add`"
            raise ConfigurationError(f"no profile named {name!r} in {self.path} (profiles: {known})")
        return self._profile(name, values)

    def get_default(self) -> Profile | None:
        """The default profile, or None when there is none."""
        name = self.default_name()
        return self.get(name) if name else None

    def save(self, profile: Profile, *, make_default: bool = False) -> None:
        """Add or replace a profile; the first one saved becomes the default."""
        data = self._read()
        profiles = data.setdefault("profiles", {})
        values = asdict(profile)
        values.pop("name")
        profiles[_check_name(profile.name)] = {k: values[k] for k in _FIELDS}
        if make_default or not data.get("default"):
            data["default"] = profile.name
        self._write(data)

    def remove(self, name: str) -> None:
        """Delete a profile (and unset it as default)."""
        data = self._read()
        if name not in data.get("profiles", {}):
            raise ConfigurationError(f"no profile named {name!r} in {self.path}")
        del data["profiles"][name]
        if data.get("default") == name:
            data["default"] = next(iter(sorted(data["profiles"])), None)
        self._write(data)

    @staticmethod
    def _profile(name: str, values: Mapping[str, Any]) -> Profile:
        unknown = set(values) - set(_FIELDS)
        if unknown:
            raise ConfigurationError(f"profile {name!r} has unknown keys: {', '.join(sorted(unknown))}")
        try:
            company_id = int(values.get("company_id", 0))
        except (TypeError, ValueError):
            raise ConfigurationError(f"profile {name!r}: company_id must be a whole number") from None
        return Profile(
            name=name,
            env=values.get("env"),
            base_url=values.get("base_url"),
            consumer_token=str(values.get("consumer_token", "")),
            employee_token=str(values.get("employee_token", "")),
            company_id=company_id,
        )
