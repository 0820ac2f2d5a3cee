"""`provtrack browse`: the pure state machine, one frame's layout, and the real command in a pseudo-terminal."""

from __future__ import annotations

import fcntl
import io
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from provtrack.demo import run_demo
from provtrack.render.browse import KEY_HELP, KEY_HELPS, BrowseState, press, render_lines, screen
from provtrack.render.keys import CLEAR, LEAVE_SCREEN, cbreak, read_key
from provtrack.store import Store

# -- the state machine ----------------------------------------------------------------------------

START = BrowseState(position=2, count=3)


def keys(state: BrowseState, *pressed: str, page: int = 10, lines: int = 25) -> BrowseState:
    for key in pressed:
        state = press(state, key, page=page, lines=lines)
    return state


@pytest.mark.parametrize(("pressed", "position", "mode", "message"), [
    (("p",), 1, "diff", ""),
    (("left", "left"), 0, "diff", ""),
    (("left", "left", "left"), 0, "diff", "already at the first version"),
    (("n",), 2, "diff", "already at the latest version"),
    (("p", "right"), 2, "diff", ""),
    (("b",), 2, "blame", ""),
    (("s",), 2, "show", ""),
    (("b", "d"), 2, "diff", ""),
    (("g", "1", "enter"), 0, "diff", ""),
    (("g", "9", "enter"), 2, "diff", "no version v9 (v1 to v3)"),
    (("g", "1", "backspace", "2", "enter"), 1, "diff", ""),
    (("g", "1", "escape"), 2, "diff", ""),
    (("x",), 2, "diff", "unknown key x; keys are listed below"),
])
def test_keys_move_between_versions_and_views(pressed, position, mode, message) -> None:
    state = keys(START, *pressed)
    assert (state.position, state.mode, state.message, state.prompt, state.done) == (position, mode, message,
                                                                                     None, False)


def test_scrolling_stays_within_the_view_and_resets_on_a_new_version() -> None:
    assert keys(START, "down", "j", page=10, lines=25).top == 2
    assert keys(START, " ", " ", " ", page=10, lines=25).top == 15
    assert keys(START, "end", "up", "k", page=10, lines=25).top == 13
    assert keys(START, "pagedown", "pageup", "up", page=10, lines=25).top == 0
    assert keys(START, "down", "down", "p").top == 0
    assert keys(START, "down", page=10, lines=5).top == 0


@pytest.mark.parametrize("key", ["q", "Q", "eof", "interrupt"])
def test_quit(key: str) -> None:
    assert keys(START, key).done
    assert not keys(START, "g", "q").done  # q inside the prompt only cancels it


def test_a_frame() -> None:
    state = keys(BrowseState(position=1, count=3), "down")
    frame = screen(state, ["v1", "v2", "v3"], [f"line {n}" for n in range(1, 9)], width=40, height=8,
                   title="provtrack browse story")
    assert frame == CLEAR + "\n".join([
        "v2 of v3 · diff · provtrack browse story",
        "─" * 25 + " lines 2-5 of 8",
        "line 2", "line 3", "line 4", "line 5",
        "─" * 40,
        "p n d b s g j k  q quit",
    ])
    assert screen(state, ["v1", "v2"], [], width=100, height=8, title="t").endswith("\n" + KEY_HELP)
    assert screen(state, ["v1", "v2"], [], width=60, height=8, title="t").endswith("\n" + KEY_HELPS[1])
    prompt = screen(keys(state, "g", "3"), ["v1", "v2", "v3"], ["only"], width=60, height=8, title="t\x1b[2J")
    assert prompt.splitlines()[0] == "\x1b[H\x1b[2Jv2 of v3 · diff · t\\x1b[2J"
    assert prompt.splitlines()[-1] == "go to version: v3▏ (Enter to go, Esc to cancel)"


def test_render_lines_with_and_without_colour() -> None:
    from rich.text import Text

    assert render_lines(Text("a b c d e f", style="bold"), width=5, color_system=None) == ["a b c", "d e f"]
    coloured = render_lines(Text("ab", style="bold"), width=5, color_system="truecolor")
    assert coloured == ["\x1b[1mab\x1b[0m"]


# -- the terminal: key reading and mode restoring -------------------------------------------------

@pytest.fixture
def pty_pair():
    master, slave = os.openpty()
    yield master, slave
    os.close(master)
    os.close(slave)


@pytest.mark.parametrize(("sent", "key"), [
    (b"q", "q"), (b"\x1b[A", "up"), (b"\x1b[D", "left"), (b"\x1bOC", "right"), (b"\x1b[6~", "pagedown"),
    (b"\r", "enter"), (b"\x7f", "backspace"), (b"\x1b", "escape"), ("é".encode(), "é"), (b"\x1b[Z", "escape"),
])
def test_read_key(pty_pair, sent: bytes, key: str) -> None:
    master, slave = pty_pair
    out = io.StringIO()
    with cbreak(slave, out):
        os.write(master, sent)
        assert read_key(slave) == key


def test_terminal_mode_is_restored_even_after_an_exception(pty_pair) -> None:
    master, slave = pty_pair
    before = termios.tcgetattr(slave)
    out = io.StringIO()
    with pytest.raises(RuntimeError):
        with cbreak(slave, out):
            assert termios.tcgetattr(slave)[3] & termios.ICANON == 0
            raise RuntimeError("boom")
    assert termios.tcgetattr(slave) == before
    assert out.getvalue().endswith(LEAVE_SCREEN)


# -- the command ----------------------------------------------------------------------------------

def test_browse_refuses_without_a_terminal(run) -> None:
    result = run("browse", "anything")
    assert result.exit_code == 1
    assert result.stderr == ("provtrack: error: browse needs a terminal on stdin and stdout; in scripts and pipes "
                             "use `provtrack diff`, `blame` or `show`\n")
    assert result.stdout == ""


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, str]:
    path = tmp_path_factory.mktemp("browse") / "store"
    return path, run_demo(Store(path, create=True)).article


class Pty:
    """A real command on a pseudo-terminal of a fixed size, driven key by key."""

    def __init__(self, args: list[str], *, columns: int = 100, rows: int = 30, env: dict[str, str] | None = None):
        self.master, self.slave = os.openpty()
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.before = termios.tcgetattr(self.slave)
        environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES")}
        environ.update({"TERM": "xterm-256color", **(env or {})})
        self.process = subprocess.Popen([sys.executable, "-m", "provtrack", *args], stdin=self.slave,
                                        stdout=self.slave, stderr=self.slave, env=environ, start_new_session=True)
        self.output = b""

    def wait_for(self, marker: str, limit: float = 60) -> str:
        """Read until *marker* appears in what was drawn since the last key (a generous bound, not a timing test)."""
        wanted = marker.encode()
        deadline = time.monotonic() + limit
        while wanted not in self.output and time.monotonic() < deadline:
            if select.select([self.master], [], [], 0.1)[0]:
                try:
                    self.output += os.read(self.master, 65536)
                except OSError:
                    break
        assert wanted in self.output, f"{marker!r} never appeared; got {self.output[-600:]!r}"
        return self.output.decode("utf-8", "replace")

    def press(self, key: bytes, then: str) -> str:
        self.output = b""
        os.write(self.master, key)
        return self.wait_for(then)

    def close(self) -> int:
        code = self.process.wait(timeout=60)
        after = termios.tcgetattr(self.slave)
        os.close(self.master)
        os.close(self.slave)
        assert after == self.before, "the terminal mode was not restored"
        return code


def test_browse_steps_through_history_by_key(demo) -> None:
    path, article = demo
    term = Pty(["--store", str(path), "browse", article[:12]], env={"NO_COLOR": "1"})
    first = term.wait_for("q quit")
    assert "v3 of v3 · diff" in first
    assert "> MOVED  paragraph · moved from ¶14 to ¶3" in first
    assert "\x1b[?1049h" in first  # the alternate screen: the user's scrollback is left alone
    assert "+ ADDED  paragraph · ¶8" in term.press(b" ", "q quit")
    assert "v2 of v3 · diff" in term.press(b"\x1b[D", "q quit")
    blame = term.press(b"b", "q quit")
    assert "v2 of v3 · blame" in blame and "(duplicate of ¶4)" in blame
    assert "go to version: v" in term.press(b"g", "Esc to cancel")
    term.press(b"1", "v1▏")
    shown = term.press(b"\r", "q quit")
    assert "v1 of v3 · blame" in shown
    assert "v1 of v3 · show" in term.press(b"s", "q quit")
    assert "v1 is the first version" in term.press(b"d", "q quit")
    assert "already at the first version" in term.press(b"p", "already at the first version")
    scrolled = term.press(b" ", "q quit")
    assert re.search(r"lines (?!1-)\d+-(\d+) of \1\r", scrolled)  # scrolled down, to the end at most
    end = term.press(b"q", "\x1b[?1049l")
    assert end.endswith("\x1b[?25h\x1b[?1049l")
    assert term.close() == 0


def test_browse_opens_at_a_version_in_a_view_with_colour(demo) -> None:
    path, article = demo
    term = Pty(["--store", str(path), "browse", article, "--at", "v2", "--view", "blame"], columns=60, rows=12)
    frame = term.wait_for("q quit")
    assert "v2 of v3 · blame" in frame and "\x1b[34mhttps://www.valleyledger.example" in frame
    term.press(b"q", "\x1b[?1049l")
    assert term.close() == 0


def test_browse_on_a_terminal_still_reports_errors_in_one_line(demo) -> None:
    path, _ = demo
    term = Pty(["--store", str(path), "browse", "no-such-article"])
    text = term.wait_for("\n")
    assert term.close() == 1
    assert text.strip().startswith("provtrack: error:") and "\x1b[?1049h" not in text


def test_browse_redraws_on_resize_without_a_key_and_quits_on_ctrl_c(demo) -> None:
    path, article = demo
    term = Pty(["--store", str(path), "browse", article[:12], "--view", "show"], columns=100, rows=20,
               env={"NO_COLOR": "1"})
    first = term.wait_for("q quit")
    assert "─" * 100 in first
    term.output = b""
    fcntl.ioctl(term.slave, termios.TIOCSWINSZ, struct.pack("HHHH", 16, 50, 0, 0))
    os.kill(term.process.pid, signal.SIGWINCH)  # what the kernel sends a terminal's foreground process
    redrawn = term.wait_for("q quit")
    assert "─" * 50 + "\r\n" in redrawn and "─" * 51 not in redrawn
    term.output = b""
    os.kill(term.process.pid, signal.SIGINT)  # Ctrl-C with ISIG: the signal, not the key
    end = term.wait_for("\x1b[?1049l")
    assert term.close() == 0
    assert "error" not in end and "interrupted" not in end
