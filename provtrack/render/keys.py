"""Key presses from a terminal, standard library only: cbreak mode on, the old mode back on any exit."""

from __future__ import annotations

import os
import select
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

#: Escape sequences of the keys browse understands (xterm and vt100 forms).
SEQUENCES = {
    "\x1b[A": "up", "\x1b[B": "down", "\x1b[C": "right", "\x1b[D": "left",
    "\x1bOA": "up", "\x1bOB": "down", "\x1bOC": "right", "\x1bOD": "left",
    "\x1b[5~": "pageup", "\x1b[6~": "pagedown", "\x1b[H": "home", "\x1b[F": "end",
    "\x1b[1~": "home", "\x1b[4~": "end",
}
_NAMES = {"\r": "enter", "\n": "enter", "\x7f": "backspace", "\x08": "backspace", "\x1b": "escape",
          "\x03": "interrupt", "\x04": "eof"}
#: How long to wait for the rest of an escape sequence after ESC (seconds).
ESCAPE_WAIT = 0.05

#: Screen control: the alternate screen keeps the user's scrollback as it was.
ENTER_SCREEN = "\x1b[?1049h\x1b[?25l"
LEAVE_SCREEN = "\x1b[?25h\x1b[?1049l"
CLEAR = "\x1b[H\x1b[2J"


@contextmanager
def cbreak(fd: int, out: IO[str]) -> Iterator[None]:
    """Read *fd* key by key without echo; restore its mode and the screen however the block ends."""
    import termios
    import tty

    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd, termios.TCSANOW)
        out.write(ENTER_SCREEN)
        out.flush()
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        out.write(LEAVE_SCREEN)
        out.flush()


def read_key(fd: int) -> str:
    """One key: a printable character, or a name such as `left`, `enter`, `escape`, `eof`."""
    first = os.read(fd, 1)
    if not first:
        return "eof"
    if first == b"\x1b":
        sequence = "\x1b"
        while len(sequence) < 6 and select.select([fd], [], [], ESCAPE_WAIT)[0]:
            sequence += os.read(fd, 1).decode("latin-1")
            if sequence in SEQUENCES or (len(sequence) > 2 and (sequence[-1].isalpha() or sequence[-1] == "~")):
                break
        return SEQUENCES.get(sequence, "escape")
    data = first
    while data[0] >= 0xC0 and len(data) < 4:  # the rest of a UTF-8 character
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            data += os.read(fd, 1)
    char = data.decode("utf-8", "replace")
    return _NAMES.get(char, char)


def is_interactive() -> bool:
    """True when both standard input and standard output are terminals."""
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def resize_events() -> Iterator[int | None]:
    """A file descriptor that turns readable when the terminal is resized (SIGWINCH); None where unsupported.

    The signal wakes `wait_for_key` through `signal.set_wakeup_fd`, so a resize redraws at once,
    without waiting for a key press. The old handler and wake-up descriptor come back on exit.
    """
    winch = getattr(signal, "SIGWINCH", None)
    if winch is None:
        yield None
        return
    read_end, write_end = os.pipe()
    os.set_blocking(read_end, False)
    os.set_blocking(write_end, False)
    try:
        previous = signal.signal(winch, lambda number, frame: None)  # a Python handler makes the wake-up byte
        try:
            old_wakeup = signal.set_wakeup_fd(write_end)
        except ValueError:  # not the main thread
            signal.signal(winch, previous)
            yield None
            return
        try:
            yield read_end
        finally:
            signal.set_wakeup_fd(old_wakeup)
            signal.signal(winch, previous)
    finally:
        os.close(read_end)
        os.close(write_end)


def wait_for_key(fd: int, wake: int | None) -> bool:
    """Block until *fd* has a key (True) or *wake* reports a resize (False, the wake-up bytes drained)."""
    watched = [fd] if wake is None else [fd, wake]
    ready = select.select(watched, [], [])[0]
    if wake is not None and wake in ready:
        try:
            while os.read(wake, 512):
                pass
        except BlockingIOError:
            pass
        if fd not in ready:
            return False
    return True
