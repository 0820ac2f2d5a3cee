"""Hostile article text through every view and export: markup stays literal, escapes and controls show, bidi is neutral."""

from __future__ import annotations

import html
import re

import pytest
from test_render import V1, hostile_views, render

from provtrack.blame import Blame, BlameLine, HistoryEvent, Lineage, ParagraphHistory
from provtrack.model import Block, Change, SnapshotRef, VersionInfo
from provtrack.render import DiffView
from provtrack.render.blameview import BlameView, HistoryView
from provtrack.render.browse import BrowseState, render_lines, screen
from provtrack.render.escapes import visible
from provtrack.render.markdown import blame_markdown, log_markdown
from provtrack.render.output import export_html, export_svg

#: One sample per class of dangerous character.
CLASSES = {
    "markup": "[bold red]x[/] [link=https://evil.example]click[/link] [/]",
    "csi": "\x1b[31mred\x1b[0m\x1b[2J\x1b[1A",
    "osc8": "\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\",
    "osc52": "\x1b]52;c;ZXZpbA==\x07copied",
    "c1": "\x9b31mc1\x9d0;title\x9c",
    "bidi": "safe\u202eevil\u202c \u202dx\u202c \u2066iso\u2069 \u2067r\u2069 \u2068f\u2069 \u200fm\u200e \u061c",
    "c0": "bell\x07back\x08cr\rnul\x00tab\tnl\nvt\x0bff\x0cdel\x7f",
    "invisible": "60,\u200b000 \ufeffbom \u2060wj \u2028ls\u2029ps",
}
#: Nothing a terminal or a browser would act on may survive.
FORBIDDEN = set("\x1b\x07\x08\r\x00\x0b\x0c\x7f\x9b\x9c\x9d\u202e\u202d\u202c\u2066\u2067\u2068\u2069\u200f\u200e"
                "\u061c\u200b\ufeff\u2060\u2028\u2029")
SGR = re.compile("\x1b\\[[0-9;]*m")


def lineage_views(text: str) -> list[object]:
    ref = SnapshotRef(text, 3, "a" * 40, "2026-02-05T10:20:00+00:00", "https://x.example/" + text)
    line = BlameLine(0, Block("caption", text), Lineage(V1, ref, 2))
    blame = Blame(ref, text, (line, BlameLine(1, Block("caption", text), Lineage(V1, V1, 0))))
    change = Change("changed", "caption", (0,), (0,), text + " a", text + " b", 0.8, ("quotes", text),
                    (("=", text), ("-", " a"), ("+", " b")))
    events = (HistoryEvent("added", V1, None, Change("added", "caption", (), (0,), None, text)),
              HistoryEvent("changed", ref, V1, change),
              HistoryEvent("restored", ref, V1, Change("added", "caption", (), (0,), None, text), restored_from=V1))
    history = ParagraphHistory(ref, text, 0, Block("caption", text), Lineage(V1, ref, 1), events)
    return [BlameView(blame), HistoryView(history)]


def all_views(text: str) -> list[object]:
    views = hostile_views(text)
    diff = views[0].diff  # type: ignore[attr-defined]
    views.append(DiffView(diff, layout="side-by-side", show_cosmetic=True, context=0))
    return [*views, *lineage_views(text)]


def _check(shown: str, kind: str) -> None:
    assert not FORBIDDEN & set(SGR.sub("", shown)), [hex(ord(c)) for c in FORBIDDEN & set(SGR.sub("", shown))]
    if kind == "markup":
        assert "[bold red]x[/]" in shown or "\\[bold red\\]x\\[/\\]" in shown


@pytest.mark.parametrize("kind", sorted(CLASSES))
@pytest.mark.parametrize("width", [40, 200])
def test_every_terminal_view(kind: str, width: int) -> None:
    for view in all_views(CLASSES[kind]):
        if isinstance(view, str):
            _check(view, kind)
            continue
        plain = render(view, width)
        _check(plain, kind)
        coloured = render(view, width, color="always")
        assert SGR.sub("", coloured) == plain  # colour adds only provtrack's own SGR codes
        _check(coloured, kind)


@pytest.mark.parametrize("kind", sorted(CLASSES))
def test_escapes_are_shown_not_dropped(kind: str) -> None:
    text = CLASSES[kind]
    for view in lineage_views(text) + [all_views(text)[-1]]:
        out = render(view, 300)
        assert visible(text) in out.replace("\n", "") or visible(text)[:12] in out


@pytest.mark.parametrize("kind", sorted(CLASSES))
def test_markdown_writers(kind: str) -> None:
    text = CLASSES[kind]
    blame = lineage_views(text)[0].blame  # type: ignore[attr-defined]
    info = VersionInfo(blame.ref, "0" * 64, text, 200, text, {"changed": 1}, "other", 2)
    for md in (blame_markdown(blame), log_markdown(text, text, [info], note=text)):
        _check(md, kind)
        if kind == "markup":
            assert not re.search(r"(?<!\\)\[link=", md)  # always escaped as \[link=
        assert "\n\n\n" not in md.replace(visible(text), "")


@pytest.mark.parametrize("kind", sorted(CLASSES))
def test_html_and_svg_exports(kind: str) -> None:
    text = CLASSES[kind]
    for view in all_views(text):
        if isinstance(view, str):
            continue
        page = export_html(view, width=120)
        _check(page, kind)
        assert "<script" not in page.lower() and "javascript:" not in page.lower()
        assert not re.search(r"<a\b|href=", page)  # [link=...] never became a link
        body = html.unescape(re.sub("<[^>]+>", "", page.split("<body>", 1)[1]))
        if kind == "markup":
            assert "[bold red]x[/]" in body
        else:
            assert visible(text)[:6] in body.replace("\n", "")
        picture = export_svg(view, width=120, title=text)
        _check(picture, "svg")
        assert not re.search(r"<a\b|href=", picture)
        if kind == "markup":
            assert "[bold&#160;red]x[/]" in picture


@pytest.mark.parametrize("kind", sorted(CLASSES))
def test_browse_frames(kind: str) -> None:
    text = CLASSES[kind]
    for view in all_views(text)[:3]:
        if isinstance(view, str):
            continue
        for colour in (None, "truecolor"):
            lines = render_lines(view, width=80, color_system=colour)
            frame = screen(BrowseState(position=0, count=1), [text], lines, width=80, height=20, title=text)
            # the frame's own controls (clear screen) are the only non-SGR escapes
            assert frame.startswith("\x1b[H\x1b[2J")
            _check(frame[len("\x1b[H\x1b[2J"):], kind)


def test_what_the_readme_says_about_controls_zero_width_joiners_and_invisible_characters(run, tmp_path) -> None:
    """Controls leave article text at extraction; where they still arrive (a file name) they show as \\x1b;
    ZWJ and ZWNJ print as they are, a zero-width space as an escape."""
    page = tmp_path / "page\x1b[2J.md"
    page.write_text("Esc \x1b[31mred\x07 here, 60,\u200b000 people, \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 "
                    "and \U0001f469\u200d\U0001f692 too.\n", encoding="utf-8")
    result = run("extract", str(page))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "\x1b" not in out and "\x07" not in out
    # the file name still carries its ESC: shown, never obeyed (a long temporary path may wrap)
    assert "page\\x1b[2J.md" in out.replace("\n", "")
    assert "Esc [31mred here, 60,\\u200b000 people, \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 and " \
           "\U0001f469\u200d\U0001f692 too." in out
