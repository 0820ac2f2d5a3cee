"""A pager for long terminal output, as git runs one: PAGER (default `less`), with `LESS=FRX` unless set."""

from __future__ import annotations

import os
import shlex
import subprocess
from typing import IO

#: `less` options when the user has none: quit if one screen (F), pass colour codes (R), keep the screen (X).
LESS_DEFAULT = "FRX"


def pager_command(environ: dict[str, str] | None = None) -> list[str] | None:
    """The pager to run, from PROVTRACK_PAGER or PAGER (default `less`); None for `cat` or an empty value."""
    env = os.environ if environ is None else environ
    command = env.get("PROVTRACK_PAGER", env.get("PAGER", "less"))
    try:
        argv = shlex.split(command)
    except ValueError:
        return None
    return argv if argv and argv != ["cat"] else None


def page(text: str, *, out: IO[str]) -> None:
    """Show *text* through the pager; write it to *out* directly when no pager can run."""
    argv = pager_command()
    if argv is None:
        out.write(text)
        out.flush()
        return
    env = dict(os.environ)
    env.setdefault("LESS", LESS_DEFAULT)
    env.setdefault("LV", "-c")  # the `lv` pager's switch for colour codes
    try:
        process = subprocess.Popen(argv, stdin=subprocess.PIPE, env=env)
    except OSError:
        out.write(text)
        out.flush()
        return
    assert process.stdin is not None
    try:
        process.stdin.write(text.encode(getattr(out, "encoding", None) or "utf-8", "replace"))
        process.stdin.close()
    except (BrokenPipeError, OSError):
        pass  # the reader quit the pager before reading everything
    while True:
        try:
            process.wait()
            return
        except KeyboardInterrupt:  # Ctrl-C belongs to the pager (less uses it to stop a search)
            continue
