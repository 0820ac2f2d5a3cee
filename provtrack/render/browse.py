"""`provtrack browse`: an article's history on a terminal, one version and one view at a time.

The state machine (`BrowseState`, `press`) is pure; `screen` lays out one frame as text;
`run` is the loop that reads keys and draws frames. Views come from a callback, so this
module never touches the store.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import IO

from rich.cells import cell_len
from rich.console import Console, RenderableType
from rich.text import Text

from .keys import CLEAR, cbreak, read_key, resize_events, wait_for_key
from .safe import safe_text, visible
from .theme import THEME

MODES = ("diff", "blame", "show")
#: The key help printed at the bottom of every frame.
KEY_HELP = "←/p prev  →/n next  d diff  b blame  s show  g go to vN  ↑↓/j k/space scroll  q quit"
#: Shorter forms for narrower terminals (the first that fits is shown).
KEY_HELPS = (KEY_HELP, "p/n version  d/b/s diff/blame/show  g go to vN  q quit", "p n d b s g j k  q quit")
#: Lines the frame keeps for itself: title, rule, rule, key help.
_CHROME = 4

#: (version position, mode) -> the view to draw
ViewSource = Callable[[int, str], RenderableType]


@dataclass(frozen=True)
class BrowseState:
    """Where the reader is: which version (position in *labels*), which view, how far scrolled."""

    position: int
    count: int
    mode: str = "diff"
    top: int = 0
    #: digits typed after `g`, or None when not asking for a version
    prompt: str | None = None
    message: str = ""
    done: bool = False


def press(state: BrowseState, key: str, *, page: int, lines: int) -> BrowseState:
    """The state after *key*; *page* is the body height, *lines* the length of the current view."""
    if state.prompt is not None:
        return _prompt_key(state, key)
    last_top = max(lines - page, 0)
    moves = {"up": -1, "k": -1, "down": 1, "j": 1, "pageup": -page, "pagedown": page, " ": page}
    if key in ("q", "Q", "eof", "interrupt"):
        return replace(state, done=True)
    if key in ("n", "right", "l"):
        return _goto(state, state.position + 1)
    if key in ("p", "left", "h"):
        return _goto(state, state.position - 1)
    if key in ("d", "b", "s"):
        mode = {"d": "diff", "b": "blame", "s": "show"}[key]
        return replace(state, mode=mode, top=0, message="")
    if key == "g":
        return replace(state, prompt="", message="")
    if key in moves:
        return replace(state, top=min(max(state.top + moves[key], 0), last_top), message="")
    if key == "home":
        return replace(state, top=0)
    if key == "end":
        return replace(state, top=last_top)
    return replace(state, message=f"unknown key {safe_text(key).plain}; keys are listed below")


def _goto(state: BrowseState, position: int) -> BrowseState:
    if not 0 <= position < state.count:
        edge = "first" if position < 0 else "latest"
        return replace(state, message=f"already at the {edge} version")
    return replace(state, position=position, top=0, message="")


def _prompt_key(state: BrowseState, key: str) -> BrowseState:
    typed = state.prompt or ""
    if key == "enter":
        if not typed:
            return replace(state, prompt=None)
        number = int(typed)
        if not 1 <= number <= state.count:
            return replace(state, prompt=None, message=f"no version v{number} (v1 to v{state.count})")
        return replace(_goto(state, number - 1), prompt=None)
    if key in ("escape", "interrupt", "eof", "q"):
        return replace(state, prompt=None)
    if key == "backspace":
        return replace(state, prompt=typed[:-1])
    if key.isdigit() and len(typed) < 6:
        return replace(state, prompt=typed + key)
    return state


def render_lines(renderable: RenderableType, *, width: int, color_system: str | None) -> list[str]:
    """*renderable* as terminal lines (with SGR colour codes when *color_system* is set)."""
    console = Console(file=io.StringIO(), width=width, force_terminal=color_system is not None,
                      color_system=color_system, no_color=color_system is None,  # type: ignore[arg-type]
                      theme=THEME, highlight=False, emoji=False, markup=False, legacy_windows=False)
    console.print(renderable)
    return console.file.getvalue().rstrip("\n").split("\n")  # type: ignore[attr-defined]


def screen(state: BrowseState, labels: Sequence[str], body: Sequence[str], *, width: int, height: int,
           title: str) -> str:
    """One frame: title line, the visible slice of *body*, the key help (or the `g` prompt)."""
    page = max(height - _CHROME, 1)
    label = labels[state.position]
    head = Text(f"{visible(label)} of v{len(labels)} · {state.mode} · ")  # what matters first: it survives clipping
    head.append_text(safe_text(title, "bold"))
    shown = body[state.top:state.top + page]
    end = min(state.top + page, len(body))
    where = f"lines {state.top + 1}-{end} of {len(body)}" if len(body) > page else ""
    if state.prompt is not None:
        foot = f"go to version: v{state.prompt}▏ (Enter to go, Esc to cancel)"
    else:
        foot = state.message or next((h for h in KEY_HELPS if cell_len(h) <= width), KEY_HELPS[-1])
    rule = "─" * max(width - len(where) - 1, 1) + " " + where if where else "─" * width
    parts = [_clip(head.plain, width), rule[:width], *shown, *[""] * (page - len(shown)), "─" * width,
             _clip(foot, width)]
    return CLEAR + "\n".join(parts)


def _clip(text: str, width: int) -> str:
    from rich.cells import set_cell_size

    return set_cell_size(text, width).rstrip()


def run(views: ViewSource, labels: Sequence[str], *, title: str, start: int, mode: str = "diff",
        fd: int, out: IO[str], color_system: str | None) -> None:
    """Draw frames and read keys until `q` or Ctrl-C; a resize redraws at once.

    The terminal's mode and screen are restored however it ends; Ctrl-C (SIGINT) is a way to quit.
    """
    state = BrowseState(position=start, count=len(labels), mode=mode)
    cache: dict[tuple[int, str, int], list[str]] = {}
    try:
        with cbreak(fd, out), resize_events() as wake:
            while not state.done:
                size = shutil.get_terminal_size()
                width, height = max(size.columns, 20), max(size.lines, _CHROME + 1)
                key = (state.position, state.mode, width)
                if key not in cache:
                    cache[key] = render_lines(views(state.position, state.mode), width=width,
                                              color_system=color_system)
                body = cache[key]
                out.write(screen(state, labels, body, width=width, height=height, title=title))
                out.flush()
                if not wait_for_key(fd, wake):
                    continue  # resized: draw again at the new size
                top = min(state.top, max(len(body) - max(height - _CHROME, 1), 0))
                state = press(replace(state, top=top), read_key(fd), page=max(height - _CHROME, 1), lines=len(body))
    except KeyboardInterrupt:
        pass  # Ctrl-C quits, like `q`; cbreak has already put the terminal back
