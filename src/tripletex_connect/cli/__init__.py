"""The `ttx` command line: global options, commands derived from the catalog, and connect/api/modules."""
