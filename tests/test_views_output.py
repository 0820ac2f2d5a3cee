"""Blame and log views, colour, paging and the HTML/SVG exports: exact output, real pagers, real files."""

from __future__ import annotations

import io
import os
import re
import stat
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.cells import cell_len
from rich.console import Console
from test_render import DIFF, DOC, URL, V1, V2, V3, VERSIONS, render

import provtrack.render.output as output
from provtrack.blame import Blame, BlameLine, Lineage
from provtrack.cli import cli
from provtrack.model import Block
from provtrack.render import DiffView, DocumentView, LogView
from provtrack.render.blameview import BlameView
from provtrack.render.markdown import blame_markdown, log_markdown
from provtrack.render.output import SVG_FORMAT, ViewOutput, deliver, export_html, export_svg, write_atomic
from provtrack.render.pager import LESS_DEFAULT, page, pager_command
from provtrack.render.theme import make_console
from provtrack.errors import ProvtrackError

CAP = "Photo: The minister at a school in Leeds."
RTL_CJK = "שלום עולם and 教師を雇う plan"
BLAME = Blame(V3, URL, (
    BlameLine(0, Block("title", "Minister promises 5,000 teachers"), Lineage(V1, V3, 1)),
    BlameLine(1, Block("paragraph", "Schools in the district have struggled for years."), Lineage(V1, V1, 0)),
    BlameLine(2, Block("caption", CAP), Lineage(V1, V1, 0)),
    BlameLine(3, Block("paragraph", "Critics said the figure was unrealistic."), Lineage(V3, V3, 0)),
    BlameLine(4, Block("caption", CAP), Lineage(V1, V3, 0)),
    BlameLine(5, Block("quote", RTL_CJK), Lineage(V2, V2, 0)),
))
SGR = re.compile("\x1b\\[[0-9;]*m")

BLAME_100 = """\
minister-teachers@v3
https://news.example/2026/02/minister-teachers
fetched 2026-02-05 10:20 UTC · commit 5e6f7a8b9c · 6 blocks

¶ paragraph · vN where its lineage began → vM its last change · ×E edits

¶1  v1 → v3 ×1 │ Title: Minister promises 5,000 teachers
¶2  v1         │ Schools in the district have struggled for years.
¶3  v1         │ Caption: Photo: The minister at a school in Leeds.
¶4  v3         │ Critics said the figure was unrealistic.
¶5  v1 → v3    │ Caption: Photo: The minister at a school in Leeds. (duplicate of ¶3)
¶6  v2         │ Quote: שלום עולם and 教師を雇う plan

origins: 4 from v1, 1 from v2, 1 from v3 · 1 edited since they first appeared

versions named above
  v1 · fetched 2026-02-01 08:00 UTC · commit 1a2b3c4d5e
  v2 · fetched 2026-02-05 09:42 UTC · commit 4f2a9c1b3d
  v3 · fetched 2026-02-05 10:20 UTC · commit 5e6f7a8b9c (this version)
"""

BLAME_40 = """\
minister-teachers@v3
https://news.example/2026/02/
minister-teachers
fetched 2026-02-05 10:20 UTC ·
commit 5e6f7a8b9c · 6 blocks

¶ paragraph · vN where its lineage began
→ vM its last change · ×E edits

¶1  v1 → v3 ×1
  │ Title: Minister promises 5,000
  │ teachers
¶2  v1
  │ Schools in the district have
  │ struggled for years.
¶3  v1
  │ Caption: Photo: The minister at a
  │ school in Leeds.
¶4  v3
  │ Critics said the figure was
  │ unrealistic.
¶5  v1 → v3
  │ Caption: Photo: The minister at a
  │ school in Leeds. (duplicate of ¶3)
¶6  v2
  │ Quote: שלום עולם and 教師を雇う plan

origins: 4 from v1, 1 from v2, 1 from v3
· 1 edited since they first appeared

versions named above
  v1 · fetched 2026-02-01 08:00 UTC ·
  commit 1a2b3c4d5e
  v2 · fetched 2026-02-05 09:42 UTC ·
  commit 4f2a9c1b3d
  v3 · fetched 2026-02-05 10:20 UTC ·
  commit 5e6f7a8b9c (this version)
"""


@pytest.mark.parametrize(("width", "expected"), [(100, BLAME_100), (40, BLAME_40)])
def test_blame_view(width: int, expected: str) -> None:
    assert render(BlameView(BLAME), width) == expected


def test_blame_view_in_colour() -> None:
    out = render(BlameView(BLAME), 100, color="always")
    lines = out.splitlines()
    # this version bright green, the oldest dim; a duplicate flagged in the duplicate colour
    assert lines[6] == ("\x1b[2m¶1  \x1b[0m\x1b[2mv1\x1b[0m\x1b[2m → \x1b[0m\x1b[1;32mv3\x1b[0m\x1b[2m ×1\x1b[0m "
                        "\x1b[2m│ \x1b[0m\x1b[2mTitle: \x1b[0m\x1b[1mMinister promises 5,000 teachers\x1b[0m")
    assert lines[10] == ("\x1b[2m¶5  \x1b[0m\x1b[2mv1\x1b[0m\x1b[2m → \x1b[0m\x1b[1;32mv3\x1b[0m    \x1b[2m│ \x1b[0m"
                         "\x1b[2mCaption: \x1b[0m\x1b[3mPhoto: The minister at a school in Leeds.\x1b[0m"
                         "\x1b[35m (duplicate of ¶3)\x1b[0m")
    assert SGR.sub("", out) == BLAME_100


def test_log_view_in_colour_has_a_bar() -> None:
    out = render(LogView("minister-teachers", URL, VERSIONS), 100, color="always")
    assert "\x1b[36m▇▇\x1b[0m\x1b[2m···\x1b[0m" in out and "\x1b[36m▇▇▇▇▇\x1b[0m" in out
    assert SGR.sub("", out) == render(LogView("minister-teachers", URL, VERSIONS), 100)


def test_log_note() -> None:
    out = render(LogView("minister-teachers", URL, VERSIONS, note="unchanged since v3 as of 2026-02-06"), 100)
    assert out.endswith("* title changed from the previous version\nunchanged since v3 as of 2026-02-06\n")


@pytest.mark.parametrize("width", [40, 41, 55, 79, 80, 100, 133, 160, 200, 300])
def test_every_view_fits_every_width(width: int) -> None:
    views = [BlameView(BLAME), DiffView(DIFF, layout="auto"), DiffView(DIFF, layout="side-by-side"),
             LogView("minister-teachers", URL, VERSIONS), DocumentView(DOC)]
    for view in views:
        out = render(view, width)
        assert max(cell_len(line) for line in out.splitlines()) <= width, (view, width)


def test_wide_and_right_to_left_text_keep_the_gutter_aligned() -> None:
    lines = [BlameLine(i, Block("paragraph", text), Lineage(V1, V1, 0))
             for i, text in enumerate(["教師を雇う計画は" * 6, "שלום עולם, מורים חדשים בבתי הספר " * 3, "plain " * 12])]
    out = render(BlameView(Blame(V1, URL, tuple(lines))), 60)
    rows = [line for line in out.splitlines() if "│" in line]
    assert len(rows) == 6
    assert {cell_len(row[:row.index("│")]) for row in rows} == {7}  # the bar sits in the same column
    assert all(cell_len(row) <= 60 for row in rows)
    side = render(DiffView(DIFF, layout="side-by-side"), 80)
    bars = {cell_len(line[:line.index("│")]) for line in side.splitlines() if "│" in line}
    assert len(bars) == 1


# -- markdown ----------------------------------------------------------------------------------------

def test_blame_markdown() -> None:
    md = blame_markdown(BLAME)
    assert md.splitlines()[0] == "# Blame: minister-teachers@v3"
    assert "| ¶5 | caption (duplicate of ¶3) | v1 | v3 | 0 | Photo: The minister at a school in Leeds. |" in md
    assert "- v2: fetched 2026-02-05 09:42 UTC · commit `4f2a9c1b3d`" in md
    hostile = Blame(V1, URL, (BlameLine(0, Block("paragraph", "a | b [x](http://e) <script>"), Lineage(V1, V1, 0)),))
    assert "| a \\| b \\[x\\](http://e) \\<script\\> |" in blame_markdown(hostile)


def test_log_markdown() -> None:
    md = log_markdown("minister-teachers", URL, VERSIONS, note="unchanged since v3")
    assert md == f"""\
# History of minister-teachers

- **URL:** {URL}

| version | fetched (UTC) | commit | changes | title |
|---|---|---|---|---|
| v1 | 2026-02-01 08:00 | `1a2b3c4d5e` | first version | Minister promises 500 teachers |
| v2 | 2026-02-05 09:42 | `4f2a9c1b3d` | \\~1 changed, 1 moved | Minister promises 500 teachers |
| v3 | 2026-02-05 10:20 | `5e6f7a8b9c` | \\+1 added, -1 removed, \\~2 changed, 1 duplicated | \
**title changed:** Minister promises 5,000 teachers |

unchanged since v3
"""
    assert log_markdown("x", URL, []).endswith("No versions stored.\n")


# -- exports -------------------------------------------------------------------------------------------

def test_svg_export_is_self_contained_and_shows_the_view() -> None:
    svg = export_svg(BlameView(BLAME), width=100, title="provtrack blame")
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "@font-face" not in svg and "<script" not in svg.lower()
    assert not re.search(r"url\((?!#)", svg)  # only references inside the file
    assert "@font-face" not in SVG_FORMAT
    assert "(duplicate&#160;of&#160;¶3)" in svg and "provtrack&#160;blame" in svg
    assert "{ fill: #98a84b;font-weight: bold }" in svg  # bold green "this version", even without a terminal


def test_html_export_is_self_contained_and_in_colour() -> None:
    html = export_html(DiffView(DIFF), width=100)
    assert html.startswith("<!DOCTYPE html>") and "<style>" in html
    assert "<link" not in html and "<script" not in html.lower() and "url(" not in html
    assert "Minister promises [-500-]{+5,000+} teachers" in re.sub("<[^>]+>", "", html)
    assert "text-decoration: line-through" in html


def test_deliver_writes_both_exports_and_prints(tmp_path: Path) -> None:
    console = make_console(color="never", file=io.StringIO(), width=70)
    html, svg = tmp_path / "v.html", tmp_path / "v.svg"
    deliver(console, BlameView(BLAME), ViewOutput(export_html=str(html), export_svg=str(svg)))
    assert console.file.getvalue() == render(BlameView(BLAME), 70)  # type: ignore[attr-defined]
    assert "¶5" in html.read_text() and "¶5" in svg.read_text()
    assert stat.S_IMODE(svg.stat().st_mode) == 0o644


def test_export_failures_are_one_line_errors_and_leave_nothing(tmp_path: Path) -> None:
    with pytest.raises(ProvtrackError, match="cannot write export .*missing/x.svg: No such file or directory"):
        write_atomic(str(tmp_path / "missing" / "x.svg"), "x")
    with pytest.raises(ProvtrackError, match="it is a directory"):
        write_atomic(str(tmp_path), "x")
    target = tmp_path / "keep.svg"
    target.write_text("old")
    os.chmod(tmp_path, 0o500)
    try:
        if os.access(tmp_path, os.W_OK):  # running as root: permissions do not bind
            pytest.skip("directory permissions are not enforced for this user")
        with pytest.raises(ProvtrackError):
            write_atomic(str(target), "new")
    finally:
        os.chmod(tmp_path, 0o700)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.svg"]


# -- the pager ---------------------------------------------------------------------------------------------

PAGER_SCRIPT = """\
import os, sys
data = sys.stdin.buffer.read()
with open(sys.argv[1], "wb") as f:
    f.write(os.environ.get("LESS", "-").encode() + b"\\n" + data)
"""


@pytest.fixture
def fake_pager(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    script = tmp_path / "pager.py"
    script.write_text(PAGER_SCRIPT)
    seen = tmp_path / "paged.txt"
    monkeypatch.delenv("PROVTRACK_PAGER", raising=False)
    monkeypatch.delenv("LESS", raising=False)
    monkeypatch.setenv("PAGER", f"{sys.executable} {script} {seen}")
    return seen


def test_page_runs_the_pager_with_less_defaults(fake_pager: Path) -> None:
    out = io.StringIO()
    page("line\n" * 3 + "\x1b[1mbold\x1b[0m\n", out=out)
    assert out.getvalue() == ""
    assert fake_pager.read_text() == f"{LESS_DEFAULT}\nline\nline\nline\n\x1b[1mbold\x1b[0m\n"


def test_users_less_options_win(fake_pager: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LESS", "-S")
    page("x\n", out=io.StringIO())
    assert fake_pager.read_text() == "-S\nx\n"


@pytest.mark.parametrize(("environ", "argv"), [
    ({}, ["less"]), ({"PAGER": "more -d"}, ["more", "-d"]), ({"PAGER": "cat"}, None), ({"PAGER": ""}, None),
    ({"PAGER": "less", "PROVTRACK_PAGER": "most"}, ["most"]), ({"PAGER": "'unclosed"}, None),
])
def test_pager_command(environ: dict[str, str], argv: list[str] | None) -> None:
    assert pager_command(environ) == argv


def test_a_missing_pager_prints_directly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAGER", "/nonexistent/pager")
    out = io.StringIO()
    page("text\n", out=out)
    assert out.getvalue() == "text\n"


def test_long_output_on_a_terminal_is_paged_short_output_is_not(monkeypatch: pytest.MonkeyPatch) -> None:
    paged: list[str] = []
    monkeypatch.setattr(output, "_on_terminal", lambda console: True)
    monkeypatch.setattr(output, "page", lambda text, out: paged.append(text))
    console = make_console(color="always", file=io.StringIO(), width=80)
    console.size = (80, 10)  # type: ignore[assignment]
    deliver(console, BlameView(BLAME))
    assert len(paged) == 1 and "\x1b[1;32mv3" in paged[0]
    assert set(re.findall("\x1b[^a-zA-Z]*[a-zA-Z]", paged[0])) <= set(SGR.findall(paged[0]))  # only SGR: less -R safe
    deliver(console, BlameView(BLAME), ViewOutput(pager=False))
    assert len(paged) == 1
    deliver(console, LogView("minister-teachers", URL, VERSIONS[:1]))  # 6 lines fit in 10
    assert len(paged) == 1 and "first version" in console.file.getvalue()  # type: ignore[attr-defined]


def test_never_a_pager_off_a_terminal() -> None:
    assert not output._on_terminal(Console(file=io.StringIO()))


# -- colour from the command line ----------------------------------------------------------------------

def test_colour_follows_the_environment_and_the_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from provtrack.store import Store
    from provtrack.tracker import snapshot

    store = Store(tmp_path / "s", create=True)
    for n, text in enumerate(["First words here.\n\nSecond one.", "First words there.\n\nSecond one."], 1):
        snapshot(store, "-", url="https://paper.example/a", at=f"2026-03-0{n}T09:00Z", stdin=io.BytesIO(text.encode()))
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")

    def run(*args: str) -> str:
        result = CliRunner().invoke(cli, [*args, "diff", "paper", "--store", str(store.path)])
        assert result.exit_code == 0, result.output
        return result.stdout

    assert "\x1b[" not in run()  # piped: no colour
    assert "\x1b[" in run("--color", "always")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[" in run()
    assert "\x1b[" not in run("--color", "never")
    monkeypatch.delenv("FORCE_COLOR")
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in run()
    assert "\x1b[" in run("--color", "always")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[" not in run()  # NO_COLOR beats FORCE_COLOR
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "0")
    assert "\x1b[" not in run()  # FORCE_COLOR=0 forces nothing


def test_color_after_the_command_is_the_global_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from provtrack.store import Store
    from provtrack.tracker import snapshot

    store = Store(tmp_path / "s", create=True)
    snapshot(store, "-", url="https://paper.example/a", at="2026-03-01T09:00Z", stdin=io.BytesIO(b"Words here."))
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    for args in (["log", "paper", "--color", "always"], ["log", "paper", "--color=always"],
                 ["--color", "never", "log", "paper", "--color", "always"]):
        result = CliRunner().invoke(cli, [*args, "--store", str(store.path)])
        assert result.exit_code == 0, result.output
        assert "\x1b[" in result.stdout
    result = CliRunner().invoke(cli, ["--color", "always", "log", "paper", "--color", "never", "--store", str(store.path)])
    assert "\x1b[" not in result.stdout
    result = CliRunner().invoke(cli, ["feed", "list", "--color", "never", "--store", str(store.path)])
    assert result.exit_code == 0, result.output


# -- the commands: exports, markdown, --no-pager -------------------------------------------------------

HOSTILE_STORY = ["Mayor [bold]resigns[/bold] \u202eevil\u202c today.", "Second [link=http://e.example]x[/link] para.",
                 "Third para stays."]


@pytest.fixture
def small_store(tmp_path: Path) -> Path:
    from provtrack.store import Store
    from provtrack.tracker import snapshot

    store = Store(tmp_path / "s", create=True)
    versions = [HOSTILE_STORY, [HOSTILE_STORY[0].replace("today", "tonight"), *HOSTILE_STORY[1:], HOSTILE_STORY[1]]]
    for n, texts in enumerate(versions, 1):
        snapshot(store, "-", url="https://paper.example/mayor", at=f"2026-03-0{n}T09:00Z",
                 stdin=io.BytesIO("\n\n".join(texts).encode()))
    return store.path


@pytest.mark.parametrize("command", [["diff", "paper"], ["compare"], ["log", "paper"], ["show", "paper"],
                                     ["blame", "paper"], ["history", "paper", "0"]])
def test_every_view_command_exports(run, small_store: Path, tmp_path: Path, command: list[str]) -> None:
    if command == ["compare"]:
        for n, texts in enumerate([HOSTILE_STORY, HOSTILE_STORY[::-1]]):
            (tmp_path / f"{n}.txt").write_text("\n\n".join(texts))
        command = ["compare", str(tmp_path / "0.txt"), str(tmp_path / "1.txt")]
    else:
        command = [*command, "--store", str(small_store)]
    html, svg = tmp_path / "out.html", tmp_path / "out.svg"
    result = run(*command, "--no-pager", "--export-html", str(html), "--export-svg", str(svg))
    assert result.exit_code == 0, result.stderr
    assert "\u202e" not in result.stdout
    assert "\\u202e" in result.stdout or command[0] == "log"  # text files have no title for the log to show
    for path in (html, svg):
        text = path.read_text()
        assert "\u202e" not in text and "\x1b" not in text
        assert not re.search(r"<a\b|href=|<script", text)
    assert "[bold]resigns[/bold]" in html.read_text() or "[bold]resigns[/bold]" not in result.stdout
    bad = run(*command, "--format", "json", "--export-svg", str(tmp_path / "no.svg"))
    assert bad.exit_code == 2 and "drop --format json" in bad.stderr
    assert not (tmp_path / "no.svg").exists()


def test_markdown_from_the_command_line(run, small_store: Path) -> None:
    store = ["--store", str(small_store)]
    blame = run("blame", "paper", "--format", "markdown", *store)
    assert blame.exit_code == 0
    assert "| ¶4 | paragraph (duplicate of ¶2) | v1 | v2 | 0 | Second \\[link=http://e.example\\]x\\[/link\\] para. |" \
        in blame.stdout
    log = run("log", "paper", "--format", "markdown", *store)
    assert log.exit_code == 0 and "| v2 |" in log.stdout and "1 duplicated" in log.stdout
    assert run("log", "--format", "markdown", *store).exit_code == 2


def test_an_export_into_a_missing_directory_fails_in_one_line(run, small_store: Path, tmp_path: Path) -> None:
    result = run("blame", "paper", "--store", str(small_store), "--export-svg", str(tmp_path / "no" / "b.svg"))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "cannot write export" in result.stderr


def test_a_long_view_on_a_terminal_goes_through_the_pager(small_store: Path, tmp_path: Path) -> None:
    from test_browse import Pty

    script = tmp_path / "pager.py"
    script.write_text(PAGER_SCRIPT)
    seen = tmp_path / "paged.txt"
    env = {"PAGER": f"{sys.executable} {script} {seen}", "NO_COLOR": "1"}
    term = Pty(["--store", str(small_store), "blame", "paper"], columns=60, rows=8, env=env)
    assert term.close() == 0
    paged = seen.read_text()
    assert paged.startswith(f"{LESS_DEFAULT}\n") and "¶4" in paged
    seen.unlink()
    term = Pty(["--store", str(small_store), "blame", "paper", "--no-pager"], columns=60, rows=8, env=env)
    assert "¶4" in term.wait_for("this version")
    assert term.close() == 0 and not seen.exists()


@pytest.mark.parametrize("width", [40, 80, 161, 300])
def test_side_by_side_columns_stay_aligned_with_wide_and_right_to_left_text(width: int) -> None:
    from provtrack.model import Change, Diff

    old = (Block("paragraph", "東京の教師は五百人を雇う予定です。" * 3), Block("paragraph", "שלום עולם " * 9))
    new = (Block("paragraph", "東京の教師は五千人を雇う予定です。" * 3), Block("paragraph", "שלום עולם " * 9 + "חדש"))
    changes = (Change("changed", "paragraph", (0,), (0,), old[0].text, new[0].text, 0.9, ("numbers",),
                      (("-", old[0].text), ("+", new[0].text))),
               Change("changed", "paragraph", (1,), (1,), old[1].text, new[1].text, 0.9, (),
                      (("=", old[1].text), ("+", "חדש"))))
    out = render(DiffView(Diff(DIFF.old, DIFF.new, old, new, changes), layout="side-by-side"), width)
    rows = [line for line in out.splitlines() if "│" in line]
    assert len(rows) >= 4
    assert len({cell_len(row[:row.index("│")]) for row in rows}) == 1
    assert max(cell_len(line) for line in out.splitlines()) <= width


# -- log: closing lines in time order, seconds when versions share a minute ----------------------------

def test_log_shows_seconds_when_two_versions_share_a_minute() -> None:
    from dataclasses import replace

    same_minute = tuple(replace(v, ref=replace(v.ref, fetched_at=f"2026-02-05T10:20:0{n}+00:00"))
                        for n, v in enumerate(VERSIONS, 1))
    out = render(LogView("minister-teachers", URL, same_minute), 100)
    lines = out.splitlines()
    assert lines[2].startswith("ver   fetched (UTC)        commit      changes")
    assert lines[4].startswith("v1    2026-02-05 10:20:01  1a2b3c4d5e  first version")
    assert "v3  2026-02-05 10:20:03 UTC · 5e6f7a8b9c" in render(LogView("minister-teachers", URL, same_minute), 40)
    assert "| v2 | 2026-02-05 10:20:02 | `4f2a9c1b3d` |" in log_markdown("minister-teachers", URL, same_minute)
    assert "10:20:" not in render(LogView("minister-teachers", URL, VERSIONS), 100)  # distinct minutes: no seconds


def test_log_closing_lines_are_in_time_order_a_check_after_the_suspect_fetch_it_saw(tmp_path: Path) -> None:
    from provtrack.store import Store
    from provtrack.tracker import snapshot

    store = Store(tmp_path / "s", create=True)
    full = "\n\n".join(f"Paragraph {n} of the story has several words in it, enough to count." for n in range(12))
    url = "https://paper.example/story"
    for at, text in (("2026-03-01T09:00Z", full), ("2026-03-01T10:00Z", "Subscribe to read this story."),
                     ("2026-03-01T10:00Z", full)):
        snapshot(store, "-", url=url, at=at, stdin=io.BytesIO(text.encode()))
    for fmt in ("rich", "markdown"):
        result = CliRunner().invoke(cli, ["--color", "never", "log", "paper", "--no-pager", "--format", fmt,
                                          "--store", str(store.path)])
        assert result.exit_code == 0, result.output
        out = result.stdout.replace("\n", " ")
        assert "suspect fetch 2026-03-01 10:00 UTC after v1" in out
        assert out.index("suspect fetch") < out.index("unchanged since v1 as of 2026-03-01T10:00:00+00:00")


# -- demo: never into an archive, copyable commands that work -----------------------------------------

def test_demo_refuses_a_store_that_already_holds_articles(tmp_path: Path) -> None:
    from provtrack.store import Store
    from provtrack.tracker import snapshot

    store = Store(tmp_path / "archive", create=True)
    snapshot(store, "-", url="https://paper.example/real", at="2026-03-01T09:00Z", stdin=io.BytesIO(b"Real words."))
    head = store.head()
    result = CliRunner().invoke(cli, ["demo", "--store", str(store.path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (f"provtrack: error: {store.path} already holds articles; the demo writes fictional ones "
                             "only into a new or empty store (give another --store DIR, or none for a temporary one)\n")
    assert Store(store.path).head() == head


@pytest.mark.parametrize("width", [40, 80, 120])
def test_demo_prints_whole_commands_that_work(tmp_path: Path, width: int) -> None:
    import shlex

    store = tmp_path / "kept"
    result = CliRunner().invoke(cli, ["--color", "never", "demo", "--store", str(store)], env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert all(line == line.rstrip() for line in lines)
    assert f"$ provtrack --store {store} diff valleyledger v1 v3" in lines
    assert f"$ provtrack --store {store} trace tricountydigest" in lines
    commands = lines[lines.index("Explore the store:") + 1:]
    assert [c.split()[3] for c in commands] == ["log", "show", "blame", "history", "diff", "trace", "browse"]
    for command in commands[:-1]:  # browse needs a terminal
        argv = shlex.split(command)
        assert argv[0] == "provtrack"
        ran = CliRunner().invoke(cli, [*argv[1:], "--no-pager"])
        assert ran.exit_code == 0, (command, ran.output)
    # prose still fits the width; only commands may be longer
    assert all(len(line) <= width for line in lines if "provtrack --store" not in line)


def test_demo_in_a_temporary_store_names_no_deleted_store() -> None:
    result = CliRunner().invoke(cli, ["--color", "never", "demo"], env={"COLUMNS": "40"})
    assert result.exit_code == 0, result.output
    assert "provtrack-demo-" not in result.stdout and "$ provtrack" not in result.stdout
    assert result.stdout.endswith("To keep one and explore it, run:\n  provtrack demo --store ledger-demo\n"
                                  "  provtrack --store ledger-demo log valleyledger\n")
    assert all(line == line.rstrip() for line in result.stdout.splitlines())
