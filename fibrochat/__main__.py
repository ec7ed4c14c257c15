"""`python -m fibrochat`: the same as the `fibrochat` command."""

from .cli import run

run()
