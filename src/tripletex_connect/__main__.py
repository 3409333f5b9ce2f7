"""`python -m tripletex_connect`: the `ttx` command line."""

from .cli.main import run

run()
