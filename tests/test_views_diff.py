"""The diff view's layouts and filters: side by side, --only, --inline, exact output at several widths."""

from __future__ import annotations

import re

import pytest
from test_render import DIFF, render

from provtrack.model import Block, Change, Diff, Side
from provtrack.render import DiffView
from provtrack.render.escapes import marker_escape
from provtrack.render.diffview import SIDE_BY_SIDE_WIDTH, body_entries, is_shown, ordered_changes
from provtrack.render.markdown import diff_markdown

SIDE_80 = """\
old  https://news.example/2026/02/minister-teachers
     minister-teachers@v1 · fetched 2026-02-01 08:00 UTC · commit 1a2b3c4d5e
     Minister promises 500 teachers
new  https://news.example/2026/02/minister-teachers
     minister-teachers@v3 · fetched 2026-02-05 10:20 UTC · commit 5e6f7a8b9c
     Minister promises 5,000 teachers
¶ numbers count blocks from 1

~ CHANGED  title · ¶1 [numbers]
  old ¶1                                 │ new ¶1
  Minister promises [-500-] teachers     │ Minister promises {+5,000+} teachers
  introduced in v3 · 2026-02-05 10:20 UTC · 5e6f7a8b9c

  Schools in the district have struggled for years.

~ CHANGED  paragraph · old ¶4 → new ¶3 [numbers, quotes]
  old ¶4                                 │ new ¶3
  The minister said: "We will hire       │ The minister said: "We will hire
  [-500-] teachers by autumn."           │ {+5,000+} teachers by autumn."
  introduced in v2 · 2026-02-05 09:42 UTC · 4f2a9c1b3d
  origin v1 · 2026-02-01 08:00 UTC · 1a2b3c4d5e

+ ADDED  paragraph · ¶4
  old                                    │ new ¶4
  (not in the old version)               │ Critics said the figure was
                                         │ unrealistic.
  introduced in v3 · 2026-02-05 10:20 UTC · 5e6f7a8b9c

  Unions welcomed the announcement.

… 2 unchanged paragraphs …

  Parents' groups have asked for a timetable.

> MOVED  paragraph · moved from ¶2 to ¶9
  old ¶2                                 │ new ¶9
  The plan was first floated in 2024.    │ The plan was first floated in 2024.
  introduced in v2 · 2026-02-05 09:42 UTC · 4f2a9c1b3d

  More teachers are expected in rural areas.

  Applications open in March.

- REMOVED  paragraph · was ¶11
  old ¶11                                │ new
  An earlier version misnamed the        │ (not in the new version)
  school.                                │

  The ministry declined further comment.

= DUPLICATED  caption · ¶13, copy of ¶6
  old ¶6 (the original)                  │ new ¶13
  Photo: The minister at a school in     │ Photo: The minister at a school in
  Leeds.                                 │ Leeds.

1 cosmetic change hidden (--show-cosmetic)
+1 added, -1 removed, ~2 changed, 1 moved, 1 duplicated · 7 unchanged
"""

ONLY_40 = """\
old  https://news.example/2026/02/
     minister-teachers
     minister-teachers@v1 ·
     fetched 2026-02-01 08:00 UTC ·
     commit 1a2b3c4d5e
     Minister promises 500 teachers
new  https://news.example/2026/02/
     minister-teachers
     minister-teachers@v3 ·
     fetched 2026-02-05 10:20 UTC ·
     commit 5e6f7a8b9c
     Minister promises 5,000 teachers
¶ numbers count blocks from 1

… 11 paragraphs without shown changes …

- REMOVED  paragraph · was ¶11
- An earlier version misnamed the
- school.

… 1 unchanged paragraph …

= DUPLICATED  caption · ¶13, copy of ¶6
= Photo: The minister at a school in
= Leeds.

1 cosmetic change hidden
(--show-cosmetic)
4 changes of other kinds hidden (--only
duplicated,removed)
+1 added, -1 removed, ~2 changed, 1
moved, 1 duplicated · 7 unchanged
"""

SGR = re.compile("\x1b\\[[0-9;]*m")


def test_side_by_side_at_80() -> None:
    assert render(DiffView(DIFF, layout="side-by-side", context=1), 80) == SIDE_80


def test_only_some_kinds_at_40() -> None:
    # 40 columns is below SIDE_BY_SIDE_WIDTH: auto is inline
    assert render(DiffView(DIFF, layout="auto", only=frozenset({"duplicated", "removed"}), context=0), 40) == ONLY_40


def test_side_by_side_in_colour_marks_each_side() -> None:
    out = render(DiffView(DIFF, layout="side-by-side", context=0, only=frozenset({"changed"})), 60, color="always")
    assert "  \x1b[1mold ¶1\x1b[0m                       \x1b[2m│\x1b[0m \x1b[1mnew ¶1\x1b[0m\n" in out
    assert ("  Minister promises \x1b[9;31m[-500-]\x1b[0m    \x1b[2m│\x1b[0m Minister promises "
            "\x1b[1;32m{+5,000+}\x1b[0m\n") in out
    assert SGR.sub("", out) == render(DiffView(DIFF, layout="side-by-side", context=0, only=frozenset({"changed"})),
                                      60)


@pytest.mark.parametrize(("layout", "width", "columns"), [
    ("auto", SIDE_BY_SIDE_WIDTH - 1, False), ("auto", SIDE_BY_SIDE_WIDTH, True), ("auto", 300, True),
    ("inline", 300, False), ("side-by-side", 40, True),
])
def test_layout_choice(layout: str, width: int, columns: bool) -> None:
    out = render(DiffView(DIFF, layout=layout), width)
    assert ("│ new ¶1" in out) is columns
    assert ("Minister promises [-500-]{+5,000+} teachers" in out) is not columns


def test_an_unknown_layout_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        DiffView(DIFF, layout="diagonal")


@pytest.mark.parametrize("width", [40, 41, 60, 80, 120, 159, 160, 200, 300])
@pytest.mark.parametrize("layout", ["inline", "side-by-side"])
def test_no_line_is_wider_than_the_terminal(width: int, layout: str) -> None:
    from rich.cells import cell_len

    for only in (None, frozenset({"moved"})):
        out = render(DiffView(DIFF, layout=layout, only=only, show_cosmetic=True, context=0), width)
        assert max(cell_len(line) for line in out.splitlines()) <= width
        assert all(line == line.rstrip() for line in out.splitlines())


def test_only_filters_changes_and_their_order() -> None:
    only = frozenset({"added", "moved"})
    assert [c.kind for c in ordered_changes(DIFF, only=only)] == ["added", "moved"]
    assert not is_shown(DIFF.changes[4], only=None)  # cosmetic
    assert is_shown(DIFF.changes[4], show_cosmetic=True)
    assert not is_shown(DIFF.changes[4], show_cosmetic=True, only=only)
    # blocks of left-out changes never fold as "unchanged"
    flagged = {e.index for e in body_entries(DIFF, only=only) if e.cosmetic}
    assert flagged == {0, 2, 7, 12}


def test_markdown_only() -> None:
    md = diff_markdown(DIFF, only=frozenset({"duplicated"}))
    assert "## 1. Duplicated caption · ¶13, copy of ¶6" in md
    assert "## 2." not in md
    assert ("**Summary:** \\+1 added, -1 removed, \\~2 changed, 1 moved, 1 duplicated · 7 unchanged · "
            "1 cosmetic change not shown, 5 of other kinds not shown (only duplicated)") in md


def test_split_and_merge_show_every_part_side_by_side() -> None:
    from provtrack.model import Block, Change, Diff

    old = (Block("paragraph", "One. Two."), Block("paragraph", "Three."), Block("paragraph", "Four."))
    new = (Block("paragraph", "One."), Block("paragraph", "Two."), Block("paragraph", "Three. Four."))
    changes = (Change("split", "paragraph", (0,), (0, 1), "One. Two.", "One.\n\nTwo.", 0.9, (),
                      (("=", "One."), ("-", " "), ("+", "\n\n"), ("=", "Two."))),
               Change("merged", "paragraph", (1, 2), (2,), "Three.\n\nFour.", "Three. Four.", 0.9, (),
                      (("=", "Three."), ("-", "\n\n"), ("+", " "), ("=", "Four."))))
    out = render(DiffView(Diff(DIFF.old, DIFF.new, old, new, changes), layout="side-by-side"), 60)
    body = out.split("¶ numbers count blocks from 1\n\n", 1)[1]
    assert body == """\
/ SPLIT  paragraph · old ¶1 → new ¶1, ¶2
  old ¶1                       │ new ¶1, ¶2
  One. Two.                    │ One.
                               │
                               │ Two.

& MERGED  paragraph · old ¶2, ¶3 → new ¶3
  old ¶2, ¶3                   │ new ¶3
  Three.                       │ Three. Four.
                               │
  Four.                        │

1 split, 1 merged · 0 unchanged
"""


# -- the command line -------------------------------------------------------------------------------

@pytest.fixture
def demo(run, tmp_path):
    assert run("demo", "--store", str(tmp_path / "store")).exit_code == 0
    return "valleyledger"


def test_cli_layouts(run, demo, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    wide = run("diff", demo, "v1", "v3").stdout
    assert "│ new ¶8" in wide
    assert "│ new ¶8" not in run("diff", demo, "v1", "v3", "--inline").stdout
    monkeypatch.setenv("COLUMNS", "100")
    assert "│ new ¶8" not in run("diff", demo, "v1", "v3").stdout
    narrow = run("diff", demo, "v1", "v3", "--side-by-side").stdout
    assert "  (not in the old version)" in narrow and "│ new ¶8" in narrow


def test_cli_only(run, demo) -> None:
    result = run("diff", demo, "v1", "v3", "--only", "added, Duplicated", "--context", "0")
    assert result.exit_code == 0
    assert "+ ADDED  paragraph · ¶8" in result.stdout and "= DUPLICATED  caption · ¶6, copy of ¶5" in result.stdout
    assert "CHANGED" not in result.stdout and "MOVED" not in result.stdout
    assert "4 changes of other kinds hidden (--only added,duplicated)" in result.stdout
    assert run("diff", demo, "v1", "v3", "--only", "moved", "--exit-code").exit_code == 1
    assert run("diff", demo, "v2", "v3", "--only", "changed", "--exit-code").exit_code == 0  # only a cosmetic one
    bad = run("diff", demo, "--only", "added,renamed")
    assert bad.exit_code == 2
    assert bad.stderr.startswith("provtrack: error: Invalid value for '--only': unknown change kind renamed;")
    assert run("diff", demo, "--only", ",").exit_code == 2
    md = run("diff", demo, "v1", "v3", "--only", "added", "--format", "markdown").stdout
    assert "## 1. Added paragraph · ¶8" in md and "## 2." not in md


def test_the_demo_makes_plain_what_changed_and_when(run, demo, monkeypatch) -> None:
    """The issue's done-when: the inserted paragraph, the duplicated caption, the changed figure, each with its version."""
    monkeypatch.setenv("COLUMNS", "100")
    out = run("diff", demo, "v1", "v3").stdout
    added = out[out.index("+ ADDED  paragraph · ¶8"):]
    assert "introduced in v3 · 2026-02-05 16:20 UTC" in added.split("\n\n")[0]
    duplicated = out[out.index("= DUPLICATED  caption · ¶6, copy of ¶5"):].split("\n\n")[0]
    assert "introduced in v2" in duplicated
    assert "  Caption: Rescue boats on Quarry Street in Millbrook on Thursday morning." in out
    figure = out[out.index("~ CHANGED  paragraph · ¶2 [numbers]"):].split("\n\n")[0]
    assert "[-55,000-]{+60,000+}" in figure and "introduced in v2" in figure
    blame = run("blame", demo).stdout
    assert "¶6   v1 → v2    │ Caption: Rescue boats on Quarry Street in Millbrook on Thursday morning." in blame
    assert "(duplicate of ¶5)" in blame
    assert re.search(r"¶8   v3         │ Critics were quick", blame)


# -- marker-like article text and block kinds without colour ----------------------------------------


M_OLD = (Block("heading", "Notices [-as printed-]"),
         Block("paragraph", "The notice read [-12-] in the old style, {+sic+}."),
         Block("paragraph", "Rescuers counted [-12-] people."),
         Block("quote", "Keep {+calm+}."))
M_NEW = (M_OLD[0], M_OLD[1], Block("paragraph", "Rescuers counted [-12-]{+14+} people."), M_OLD[3])
M_DIFF = Diff(Side("a.md", "a" * 64), Side("b.md", "b" * 64), M_OLD, M_NEW, (
    Change("changed", "paragraph", (2,), (2,), M_OLD[2].text, M_NEW[2].text, 0.9, ("numbers",),
           (("=", "Rescuers counted [-12-]"), ("+", "{+14+}"), ("=", " people."))),))

MARKED_60 = """\
old  a.md
     sha256 aaaaaaaaaaaa
new  b.md
     sha256 bbbbbbbbbbbb
¶ numbers count blocks from 1

  Heading: Notices \\[-as printed-\\]

  The notice read \\[-12-\\] in the old style, \\{+sic+\\}.

~ CHANGED  paragraph · ¶3 [numbers]
  Rescuers counted \\[-12-\\]{+\\{+14+\\}+} people.

  Quote: Keep \\{+calm+\\}.

~1 changed · 3 unchanged
"""


def test_marker_like_article_text_is_escaped_so_only_real_edits_read_as_edits() -> None:
    assert render(DiffView(M_DIFF, layout="inline"), 60) == MARKED_60
    side = render(DiffView(M_DIFF, layout="side-by-side"), 60)
    assert """\
  old ¶3                       │ new ¶3
  Rescuers counted \\[-12-\\]    │ Rescuers counted
  people.                      │ \\[-12-\\]{+\\{+14+\\}+}
                               │ people.
""" in side
    # the Markdown report escapes the same article text with the same backslashes
    assert "Rescuers counted \\[-12-\\]**{+14+}** people." in diff_markdown(M_DIFF)


@pytest.mark.parametrize(("text", "inside", "escaped"), [
    ("[-12-]", "", "\\[-12-\\]"), ("{+14+}", "", "\\{+14+\\}"), ("[bold] a-b c+d [+x-}", "", "[bold] a-b c+d [+x-}"),
    ("[-]", "", "\\[-\\]"), ("\\[-x", "", "\\\\\\[-x"), ("a-\\]", "", "a-\\\\\\]"),
    ("]x", "-", "\\]x"), ("a[", "-", "a\\["), ("}q{", "+", "\\}q\\{"), ("a-b", "-", "a-b"),
])
def test_marker_escape(text: str, inside: str, escaped: str) -> None:
    assert marker_escape(text, inside=inside) == escaped


def test_a_backslash_before_a_marker_is_doubled() -> None:
    words = (("=", "path C:\\"), ("+", "x"), ("=", " end"))
    from provtrack.render.diffview import word_diff

    assert word_diff(words).plain == "path C:\\\\{+x+} end"


@pytest.mark.parametrize("width", range(40, 121, 7))
def test_header_facts_never_break_inside(width: int) -> None:
    """`id@v1`, `fetched <time> UTC` and `commit <id>` each stay on one line at any width."""
    lines = render(DiffView(DIFF, context=0), width).splitlines()
    for fact in ("minister-teachers@v1", "fetched 2026-02-01 08:00 UTC", "commit 1a2b3c4d5e",
                 "fetched 2026-02-05 10:20 UTC", "commit 5e6f7a8b9c"):
        assert any(fact in line for line in lines), (fact, width)
