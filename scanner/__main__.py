"""``python -m scanner`` is the command line."""

from .cli import run

run()
