"""Allow `python -m synth`."""

from synth.cli import console

console()
