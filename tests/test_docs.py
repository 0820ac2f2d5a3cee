"""The README documents every command and option, and starts with the two set-up commands."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from provtrack.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands():
    return sorted(cli.load_all().items())


@pytest.mark.parametrize("name, command", _commands())
def test_every_command_and_option_is_in_the_readme(name, command):
    assert f"provtrack {name}" in README
    for param in command.params:
        if isinstance(param, click.Option):
            for opt in param.opts:
                if opt.startswith("--"):
                    assert opt in README, f"{name} {opt} is not documented"


def test_global_options_are_documented():
    for param in cli.params:
        for opt in getattr(param, "opts", []):
            assert opt in README


def test_readme_starts_with_the_two_setup_commands_and_ci_runs_the_second():
    block = re.search(r"```sh\n(.*?)```", README, re.S).group(1).strip().splitlines()
    assert len(block) == 2
    assert block[0].endswith("provtrack demo")
    assert block[1].endswith("python -m pytest")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert block[1] in ci.splitlines()


def test_store_format_is_documented():
    doc = (ROOT / "snapshots" / "README.md").read_text(encoding="utf-8")
    from provtrack.store import TRAILER_KEYS
    for key in TRAILER_KEYS:
        assert key in doc
