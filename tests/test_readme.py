"""The README documents every command and option, and holds the two set-up commands CI runs."""

from __future__ import annotations

import argparse
import re

import pytest
from conftest import REPOSITORY

from synth.cli import build_parser

README = (REPOSITORY / "README.md").read_text(encoding="utf-8")


def subcommands(parser: argparse.ArgumentParser, prefix: str = "synth") -> dict[str, argparse.ArgumentParser]:
    found: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found[f"{prefix} {name}"] = sub
                found |= subcommands(sub, f"{prefix} {name}")
    return found


COMMANDS = subcommands(build_parser())


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_is_documented(command: str) -> None:
    """Each `synth` subcommand appears in the README."""
    assert f"`{command}" in README


@pytest.mark.parametrize(
    ("command", "option"),
    sorted((name, option) for name, sub in COMMANDS.items() for action in sub._actions
           for option in action.option_strings if option.startswith("--") and option != "--help"),
)
def test_every_option_is_documented(command: str, option: str) -> None:
    """Each long option of each subcommand appears in the README."""
    assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", README), f"{command} {option} is not in the README"


@pytest.mark.parametrize("marker", ["build-command", "test-command"])
def test_the_two_set_up_commands_are_marked(marker: str) -> None:
    """CI reads the test command from between its markers; both commands start by setting everything up."""
    block = re.search(rf"<!-- {marker} -->\n```sh\n(.+)\n```\n<!-- /{marker} -->", README)
    assert block is not None
    assert block.group(1).startswith("bash .ci/setup && ")
