"""The paths of the official Tripletex API and their methods, from the derived spec in `tripletex_connect.spec`."""

from ..spec import spec_paths, spec_version

SPEC_VERSION = spec_version()
SPEC_PATHS: dict[str, tuple[str, ...]] = spec_paths()
