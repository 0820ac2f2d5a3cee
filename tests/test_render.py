"""Rendering tests: exact terminal output at fixed widths, Markdown, JSON against the contract, hostile text."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st
from referencing import Registry, Resource
from rich.cells import cell_len
from rich.console import Console

import provtrack
from provtrack.model import Block, Change, Diff, Document, Metadata, Side, SnapshotRef, VersionInfo
from provtrack.render import (
    THEME,
    ArticleListView,
    ArticleRow,
    DiffView,
    DocumentView,
    LogView,
    StoreLogView,
    diff_json,
    diff_markdown,
    document_text,
    extract_json,
    log_json,
    make_console,
    safe_text,
    store_log_json,
    visible,
)
from provtrack.render.markdown import md_escape, md_word_diff

# -- a small fixed history: v1 -> v3 of one article -------------------------------------------

URL = "https://news.example/2026/02/minister-teachers"
V1 = SnapshotRef("minister-teachers", 1, "1a2b3c4d5e" + "0" * 30, "2026-02-01T08:00:00+00:00", URL)
V2 = SnapshotRef("minister-teachers", 2, "4f2a9c1b3d" + "1" * 30, "2026-02-05T09:42:00+00:00", URL)
V3 = SnapshotRef("minister-teachers", 3, "5e6f7a8b9c" + "2" * 30, "2026-02-05T10:20:00+00:00", URL)
Q_OLD = 'The minister said: "We will hire 500 teachers by autumn."'
Q_NEW = 'The minister said: "We will hire 5,000 teachers by autumn."'
CAPTION = "Photo: The minister at a school in Leeds."
OLD = (Block("title", "Minister promises 500 teachers"),
       Block("paragraph", "The plan was first floated in 2024."),
       Block("paragraph", "Schools in the district have struggled for years."),
       Block("paragraph", Q_OLD),
       Block("paragraph", "Unions welcomed the announcement."),
       Block("caption", CAPTION),
       Block("paragraph", "Budget details will follow next week."),
       Block("paragraph", "Parents\u2019 groups have asked for a timetable."),
       Block("paragraph", "More teachers are expected in rural areas."),
       Block("paragraph", "Applications open in March."),
       Block("paragraph", "An earlier version misnamed the school."),
       Block("paragraph", "The ministry declined further comment."))
NEW = (Block("title", "Minister promises 5,000 teachers"),
       Block("paragraph", "Schools in the district have struggled for years."),
       Block("paragraph", Q_NEW),
       Block("paragraph", "Critics said the figure was unrealistic."),
       Block("paragraph", "Unions welcomed the announcement."),
       Block("caption", CAPTION),
       Block("paragraph", "Budget details will follow next week."),
       Block("paragraph", "Parents' groups have asked for a timetable."),
       Block("paragraph", "The plan was first floated in 2024."),
       Block("paragraph", "More teachers are expected in rural areas."),
       Block("paragraph", "Applications open in March."),
       Block("paragraph", "The ministry declined further comment."),
       Block("caption", CAPTION))
CHANGES = (
    Change("changed", "title", (0,), (0,), OLD[0].text, NEW[0].text, 0.9, ("numbers",),
           (("=", "Minister promises "), ("-", "500"), ("+", "5,000"), ("=", " teachers")), introduced_in=V3),
    Change("moved", "paragraph", (1,), (8,), OLD[1].text, NEW[8].text, 1.0,
           words=(("=", OLD[1].text),), introduced_in=V2),
    Change("changed", "paragraph", (3,), (2,), Q_OLD, Q_NEW, 0.95, ("numbers", "quotes"),
           (("=", 'The minister said: "We will hire '), ("-", "500"), ("+", "5,000"),
            ("=", ' teachers by autumn."')), introduced_in=V2, origin=V1),
    Change("added", "paragraph", (), (3,), None, NEW[3].text, introduced_in=V3),
    Change("changed", "paragraph", (7,), (7,), OLD[7].text, NEW[7].text, 0.99, ("cosmetic",),
           (("-", "Parents\u2019"), ("+", "Parents'"), ("=", " groups have asked for a timetable."))),
    Change("removed", "paragraph", (10,), (), OLD[10].text, None),
    Change("duplicated", "caption", (5,), (12,), CAPTION, CAPTION, 1.0),
)
OLD_SIDE = Side(URL, "a" * 64, V1.fetched_at, V1, "Minister promises 500 teachers")
NEW_SIDE = Side(URL, "b" * 64, V3.fetched_at, V3, "Minister promises 5,000 teachers")
DIFF = Diff(OLD_SIDE, NEW_SIDE, OLD, NEW, CHANGES)

FULL = {"added": 0, "removed": 0, "changed": 0, "moved": 0, "duplicated": 0, "split": 0, "merged": 0}
VERSIONS = (
    VersionInfo(V1, "c" * 64, URL, 200, "Minister promises 500 teachers", {**FULL, "added": 12, "unchanged": 0},
                None, 12),
    VersionInfo(V2, "a" * 64, URL, 200, "Minister promises 500 teachers",
                {**FULL, "changed": 1, "moved": 1, "unchanged": 10}, "Minister promises 500 teachers", 12),
    VersionInfo(V3, "b" * 64, URL, 200, "Minister promises 5,000 teachers",
                {**FULL, "added": 1, "removed": 1, "changed": 2, "duplicated": 1, "unchanged": 8},
                "Minister promises 500 teachers", 13),
)
ROWS = (ArticleRow("minister-teachers", URL, "Minister promises 5,000 teachers", 3, V1.fetched_at, V3.fetched_at),
        ArticleRow("budget-2026", "https://news.example/budget", None, 1, V2.fetched_at, V2.fetched_at))
DOC = Document(
    (Block("title", "Minister promises 5,000 teachers"),
     Block("paragraph", "Schools in the district have struggled for years."),
     Block("quote", "We will not stop until every class has a teacher."),
     Block("heading", "Where the teachers go"),
     Block("list_item", "Leeds: 300"),
     Block("list_item", "York: 200"),
     Block("caption", CAPTION),
     Block("caption", CAPTION)),
    Metadata(title="Minister promises 5,000 teachers", byline="Jane Doe", published="2026-02-05T08:00:00+00:00",
             canonical_url=URL, language="en"),
    format="html", charset="utf-8", charset_source="http", extractor="provtrack", extractor_version="0.1.0")


def render(renderable: object, width: int, *, color: str = "never") -> str:
    console = make_console(color=color, file=io.StringIO(), width=width)
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined]

# -- expected output (reviewed by eye; regenerate only on purpose) --------------------------------

DIFF_100 = """\
old  https://news.example/2026/02/minister-teachers
     minister-teachers@v1 · fetched 2026-02-01 08:00 UTC · commit 1a2b3c4d5e
     Minister promises 500 teachers
new  https://news.example/2026/02/minister-teachers
     minister-teachers@v3 · fetched 2026-02-05 10:20 UTC · commit 5e6f7a8b9c
     Minister promises 5,000 teachers
¶ numbers count blocks from 1

~ CHANGED  title · ¶1 [numbers]
  Minister promises [-500-]{+5,000+} teachers
  introduced in v3 · 2026-02-05 10:20 UTC · 5e6f7a8b9c

  Schools in the district have struggled for years.

~ CHANGED  paragraph · old ¶4 → new ¶3 [numbers, quotes]
  The minister said: "We will hire [-500-]{+5,000+} teachers by autumn."
  introduced in v2 · 2026-02-05 09:42 UTC · 4f2a9c1b3d
  origin v1 · 2026-02-01 08:00 UTC · 1a2b3c4d5e

+ ADDED  paragraph · ¶4
+ Critics said the figure was unrealistic.
  introduced in v3 · 2026-02-05 10:20 UTC · 5e6f7a8b9c

  Unions welcomed the announcement.

… 2 unchanged paragraphs …

  Parents' groups have asked for a timetable.

> MOVED  paragraph · moved from ¶2 to ¶9
  The plan was first floated in 2024.
  introduced in v2 · 2026-02-05 09:42 UTC · 4f2a9c1b3d

  More teachers are expected in rural areas.

  Applications open in March.

- REMOVED  paragraph · was ¶11
- An earlier version misnamed the school.

  The ministry declined further comment.

= DUPLICATED  caption · ¶13, copy of ¶6
= Photo: The minister at a school in Leeds.

1 cosmetic change hidden (--show-cosmetic)
+1 added, -1 removed, ~2 changed, 1 moved, 1 duplicated · 7 unchanged
"""

DIFF_40 = """\
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

~ CHANGED  title · ¶1 [numbers]
  Minister promises [-500-]{+5,000+}
  teachers
  introduced in v3 ·
  2026-02-05 10:20 UTC · 5e6f7a8b9c

  Schools in the district have struggled
  for years.

~ CHANGED  paragraph · old ¶4 → new ¶3
           [numbers, quotes]
  The minister said: "We will hire
  [-500-]{+5,000+} teachers by autumn."
  introduced in v2 ·
  2026-02-05 09:42 UTC · 4f2a9c1b3d
  origin v1 · 2026-02-01 08:00 UTC ·
  1a2b3c4d5e

+ ADDED  paragraph · ¶4
+ Critics said the figure was
+ unrealistic.
  introduced in v3 ·
  2026-02-05 10:20 UTC · 5e6f7a8b9c

  Unions welcomed the announcement.

… 2 unchanged paragraphs …

  Parents' groups have asked for a
  timetable.

> MOVED  paragraph · moved from ¶2 to ¶9
  The plan was first floated in 2024.
  introduced in v2 ·
  2026-02-05 09:42 UTC · 4f2a9c1b3d

  More teachers are expected in rural
  areas.

  Applications open in March.

- REMOVED  paragraph · was ¶11
- An earlier version misnamed the
- school.

  The ministry declined further comment.

= DUPLICATED  caption · ¶13, copy of ¶6
= Photo: The minister at a school in
= Leeds.

1 cosmetic change hidden
(--show-cosmetic)
+1 added, -1 removed, ~2 changed, 1
moved, 1 duplicated · 7 unchanged
"""

DIFF_CONTEXT0_COSMETIC_80 = """\
old  https://news.example/2026/02/minister-teachers
     minister-teachers@v1 · fetched 2026-02-01 08:00 UTC · commit 1a2b3c4d5e
     Minister promises 500 teachers
new  https://news.example/2026/02/minister-teachers
     minister-teachers@v3 · fetched 2026-02-05 10:20 UTC · commit 5e6f7a8b9c
     Minister promises 5,000 teachers
¶ numbers count blocks from 1

~ CHANGED  title · ¶1 [numbers]
  Minister promises [-500-]{+5,000+} teachers
  introduced in v3 · 2026-02-05 10:20 UTC · 5e6f7a8b9c

… 1 unchanged paragraph …

~ CHANGED  paragraph · old ¶4 → new ¶3 [numbers, quotes]
  The minister said: "We will hire [-500-]{+5,000+} teachers by autumn."
  introduced in v2 · 2026-02-05 09:42 UTC · 4f2a9c1b3d
  origin v1 · 2026-02-01 08:00 UTC · 1a2b3c4d5e

+ ADDED  paragraph · ¶4
+ Critics said the figure was unrealistic.
  introduced in v3 · 2026-02-05 10:20 UTC · 5e6f7a8b9c

… 3 unchanged paragraphs …

~ CHANGED  paragraph · ¶8 [cosmetic]
  [-Parents’-]{+Parents'+} groups have asked for a timetable.

> MOVED  paragraph · moved from ¶2 to ¶9
  The plan was first floated in 2024.
  introduced in v2 · 2026-02-05 09:42 UTC · 4f2a9c1b3d

… 2 unchanged paragraphs …

- REMOVED  paragraph · was ¶11
- An earlier version misnamed the school.

… 1 unchanged paragraph …

= DUPLICATED  caption · ¶13, copy of ¶6
= Photo: The minister at a school in Leeds.

+1 added, -1 removed, ~3 changed, 1 moved, 1 duplicated · 7 unchanged
"""

LOG_100 = """\
minister-teachers  https://news.example/2026/02/minister-teachers

ver   fetched (UTC)     commit      changes                             title
────────────────────────────────────────────────────────────────────────────────────────────────────
v1    2026-02-01 08:00  1a2b3c4d5e  first version                       Minister promises 500
                                                                        teachers
v2    2026-02-05 09:42  4f2a9c1b3d  ~1 changed, 1 moved          ▇▇···  Minister promises 500
                                                                        teachers
v3    2026-02-05 10:20  5e6f7a8b9c  +1 added, -1 removed, ~2     ▇▇▇▇▇  * Minister promises 5,000
                                    changed, 1 duplicated               teachers

* title changed from the previous version
"""

LOG_40 = """\
minister-teachers
https://news.example/2026/02/
minister-teachers

v1  2026-02-01 08:00 UTC · 1a2b3c4d5e
    first version
    Minister promises 500 teachers

v2  2026-02-05 09:42 UTC · 4f2a9c1b3d
    ▇▇··· ~1 changed, 1 moved
    Minister promises 500 teachers

v3  2026-02-05 10:20 UTC · 5e6f7a8b9c
    ▇▇▇▇▇ +1 added, -1 removed, ~2
    changed, 1 duplicated
    * Minister promises 5,000 teachers

* title changed from the previous
version
"""

STORE_100 = """\
Newest versions

article            ver   fetched (UTC)     commit      changes                title
────────────────────────────────────────────────────────────────────────────────────────────────────
minister-teachers  v3    2026-02-05 10:20  5e6f7a8b9c  +1 added, -1 removed,  * Minister promises
                                                       ~2 changed, 1          5,000 teachers
                                                       duplicated
minister-teachers  v2    2026-02-05 09:42  4f2a9c1b3d  ~1 changed, 1 moved    Minister promises 500
                                                                              teachers
minister-teachers  v1    2026-02-01 08:00  1a2b3c4d5e  first version          Minister promises 500
                                                                              teachers

* title changed from the previous version
"""

STORE_40 = """\
Newest versions

minister-teachers@v3
  2026-02-05 10:20 UTC · 5e6f7a8b9c
  +1 added, -1 removed, ~2 changed, 1
  duplicated
  * Minister promises 5,000 teachers

minister-teachers@v2
  2026-02-05 09:42 UTC · 4f2a9c1b3d
  ~1 changed, 1 moved
  Minister promises 500 teachers

minister-teachers@v1
  2026-02-01 08:00 UTC · 1a2b3c4d5e
  first version
  Minister promises 500 teachers

* title changed from the previous
version
"""

LIST_100 = """\
article            versions  first (UTC)       last (UTC)        title / url
────────────────────────────────────────────────────────────────────────────────────────────────────
minister-teachers  3         2026-02-01 08:00  2026-02-05 10:20  Minister promises 5,000 teachers
                                                                 https://news.example/2026/02/
                                                                 minister-teachers
budget-2026        1         2026-02-05 09:42  2026-02-05 09:42  https://news.example/budget
"""

LIST_40 = """\
minister-teachers  3 versions
  first 2026-02-01 08:00 UTC
  last  2026-02-05 10:20 UTC
  Minister promises 5,000 teachers
  https://news.example/2026/02/
  minister-teachers

budget-2026  1 version
  fetched 2026-02-05 09:42 UTC
  https://news.example/budget
"""

DOC_60 = """\
https://news.example/2026/02/minister-teachers
minister-teachers@v3 · fetched 2026-02-05 10:20 UTC ·
commit 5e6f7a8b9c
byline     Jane Doe
published  2026-02-05T08:00:00+00:00
canonical  https://news.example/2026/02/minister-teachers
language   en
source     html · utf-8 (from HTTP) · provtrack 0.1.0

¶1  Title: Minister promises 5,000 teachers

¶2  Schools in the district have struggled for years.

¶3  │ We will not stop until every class has a teacher.

¶4  Heading: Where the teachers go

¶5  • Leeds: 300
¶6  • York: 200

¶7  Caption: Photo: The minister at a school in Leeds.

¶8  Caption: Photo: The minister at a school in Leeds.
    (duplicate of ¶7)
"""

MARKDOWN = r"""# Changes: minister-teachers@v1 → minister-teachers@v3

- **Old:** https://news.example/2026/02/minister-teachers · minister-teachers@v1 · fetched 2026-02-01 08:00 UTC · commit 1a2b3c4d5e · title: Minister promises 500 teachers
- **New:** https://news.example/2026/02/minister-teachers · minister-teachers@v3 · fetched 2026-02-05 10:20 UTC · commit 5e6f7a8b9c · title: Minister promises 5,000 teachers

**Summary:** \+1 added, -1 removed, \~2 changed, 1 moved, 1 duplicated · 7 unchanged · 1 cosmetic change not shown

Paragraph numbers (¶) count blocks from 1.

## 1. Changed title · ¶1 · numbers

> Minister promises ~~500~~ **5,000** teachers

- introduced in v3 · 2026-02-05 10:20 UTC · 5e6f7a8b9c · https://news.example/2026/02/minister-teachers

## 2. Changed paragraph · old ¶4 → new ¶3 · numbers, quotes

> The minister said: "We will hire ~~500~~ **5,000** teachers by autumn."

- introduced in v2 · 2026-02-05 09:42 UTC · 4f2a9c1b3d · https://news.example/2026/02/minister-teachers
- origin v1 · 2026-02-01 08:00 UTC · 1a2b3c4d5e · https://news.example/2026/02/minister-teachers

## 3. Added paragraph · ¶4

> Critics said the figure was unrealistic.

- introduced in v3 · 2026-02-05 10:20 UTC · 5e6f7a8b9c · https://news.example/2026/02/minister-teachers

## 4. Moved paragraph · moved from ¶2 to ¶9

> The plan was first floated in 2024.

- introduced in v2 · 2026-02-05 09:42 UTC · 4f2a9c1b3d · https://news.example/2026/02/minister-teachers

## 5. Removed paragraph · was ¶11

> An earlier version misnamed the school.

## 6. Duplicated caption · ¶13, copy of ¶6

> Photo: The minister at a school in Leeds.
"""


# -- safe text ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "shown"), [
    ("plain words", "plain words"),
    ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
    ("\x1b]8;;http://x\x1b\\link", "\\x1b]8;;http://x\\x1b\\link"),
    ("a\u202eb\u2066c\u200fd\u061ce", "a\\u202eb\\u2066c\\u200fd\\u061ce"),
    ("bell\x07 del\x7f csi\x9b nul\x00", "bell\\x07 del\\x7f csi\\x9b nul\\x00"),
    ("line\nbreak\ttab\rcr", "line\\x0abreak\\x09tab\\x0dcr"),
    ("sep\u2028arator", "sep\\u2028arator"),
    ("lone \udcff surrogate", "lone \\udcff surrogate"),
    ("[bold red]x[/] „Zitat“ café – ünïcode ✓", "[bold red]x[/] „Zitat“ café – ünïcode ✓"),
])
def test_visible(raw: str, shown: str) -> None:
    assert visible(raw) == shown


@given(st.text())
def test_visible_leaves_nothing_a_terminal_acts_on(text: str) -> None:
    shown = visible(text)
    assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F or ch in "\u202a\u202b\u202c\u202d\u202e"
                   "\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u2028\u2029" or 0xD800 <= ord(ch) <= 0xDFFF
                   for ch in shown)
    assert visible(shown) == shown
    shown.encode("utf-8")  # lone surrogates would make the terminal write fail


def test_safe_text_never_parses_markup_and_marks_escapes() -> None:
    text = safe_text("[bold red]x[/]\x1b", "provtrack.added")
    assert text.plain == "[bold red]x[/]\\x1b"
    assert text.style == "provtrack.added"
    assert [(s.start, s.end, s.style) for s in text.spans] == [(14, 18, "provtrack.escape")]


# -- consoles and colour ------------------------------------------------------------------------

@pytest.fixture
def plain_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("FORCE_COLOR", "NO_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")


def test_colour_always_and_never(plain_env: None) -> None:
    assert "\x1b[" in render(DiffView(DIFF), 80, color="always")
    assert "\x1b" not in render(DiffView(DIFF), 80, color="never")
    assert "\x1b" not in render(DiffView(DIFF), 80, color="auto")  # a StringIO is not a terminal


def test_colour_always_beats_no_color_and_dumb_terminals(plain_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    assert "\x1b[32m" in render(DiffView(DIFF), 80, color="always")


def test_colour_auto_honours_force_color_and_no_color(plain_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[32m" in render(DiffView(DIFF), 80, color="auto")
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[32m" not in render(DiffView(DIFF), 80, color="auto")


def test_no_color_wins_over_force_color_and_a_false_force_color_forces_nothing(
        plain_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b" not in render(DiffView(DIFF), 80, color="auto")  # not even bold: NO_COLOR wins
    monkeypatch.delenv("NO_COLOR")
    for value in ("0", "false", "FALSE", "no", "off", ""):
        monkeypatch.setenv("FORCE_COLOR", value)
        assert "\x1b" not in render(DiffView(DIFF), 80, color="auto"), value
    monkeypatch.setenv("FORCE_COLOR", "true")
    assert "\x1b[32m" in render(DiffView(DIFF), 80, color="auto")


def test_make_console_never_interprets_markup_or_emoji() -> None:
    console = make_console(color="never", file=io.StringIO(), width=40)
    console.print("[bold]x[/] :smile:")
    assert console.file.getvalue() == "[bold]x[/] :smile:\n"  # type: ignore[attr-defined]
    with pytest.raises(ValueError):
        make_console(color="sometimes")


def test_every_named_style_is_in_the_theme() -> None:
    for name in ("added", "removed", "changed", "moved", "duplicated", "split", "merged", "word.added",
                 "word.removed", "tag", "tag.numbers", "tag.quotes", "tag.cosmetic", "meta", "header", "kind",
                 "fold", "provenance", "title", "escape"):
        assert f"provtrack.{name}" in THEME.styles


# -- diff view ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("width", "expected"), [(100, DIFF_100), (40, DIFF_40)])
def test_diff_view(width: int, expected: str) -> None:
    assert render(DiffView(DIFF, context=1), width) == expected


def test_diff_view_without_context_showing_cosmetic() -> None:
    assert render(DiffView(DIFF, context=0, show_cosmetic=True), 80) == DIFF_CONTEXT0_COSMETIC_80


def test_diff_view_default_context_folds_nothing_here() -> None:
    out = render(DiffView(DIFF), 100)
    assert "unchanged paragraph" not in out
    assert out.count("Unions welcomed") == 1


def test_diff_view_folds_long_unchanged_runs() -> None:
    blocks = tuple(Block("paragraph", f"Paragraph number {i}.") for i in range(20))
    new = blocks[:10] + (Block("paragraph", "Inserted."),) + blocks[10:]
    diff = Diff(Side("a.txt", "a" * 64), Side("b.txt", "b" * 64), blocks, new,
                (Change("added", "paragraph", (), (10,), None, "Inserted."),))
    assert render(DiffView(diff, context=2), 60) == """\
old  a.txt
     sha256 aaaaaaaaaaaa
new  b.txt
     sha256 bbbbbbbbbbbb
¶ numbers count blocks from 1

… 8 unchanged paragraphs …

  Paragraph number 8.

  Paragraph number 9.

+ ADDED  paragraph · ¶11
+ Inserted.

  Paragraph number 10.

  Paragraph number 11.

… 8 unchanged paragraphs …

+1 added · 20 unchanged
"""


def test_diff_view_split_merged_and_fallbacks() -> None:
    old = (Block("paragraph", "One two three. Four five six."), Block("paragraph", "Alpha."),
           Block("paragraph", "Beta."))
    new = (Block("paragraph", "One two three."), Block("paragraph", "Four five six."),
           Block("paragraph", "Alpha. Beta."))
    changes = (
        Change("split", "paragraph", (0,), (0, 1), old[0].text, "One two three.\n\nFour five six.", 0.9, (),
               (("=", "One two three."), ("-", " "), ("+", "\n\n"), ("=", "Four five six."))),
        Change("merged", "paragraph", (1, 2), (2,), "Alpha.\n\nBeta.", "Alpha. Beta.", 0.9),
    )
    diff = Diff(Side("a.txt", "a" * 64), Side("b.txt", "b" * 64, "2026-02-05T10:20:00Z"), old, new, changes)
    assert render(DiffView(diff), 60) == """\
old  a.txt
     sha256 aaaaaaaaaaaa
new  b.txt
     sha256 bbbbbbbbbbbb · fetched 2026-02-05 10:20 UTC
¶ numbers count blocks from 1

/ SPLIT  paragraph · old ¶1 → new ¶1, ¶2
  One two three.[- -]{+¶+}Four five six.

& MERGED  paragraph · old ¶2, ¶3 → new ¶3
- Alpha.
- Beta.
+ Alpha. Beta.

1 split, 1 merged · 0 unchanged
"""
    assert "> One two three. **¶** Four five six." in diff_markdown(diff)
    merge = (("=", "Alpha."), ("-", "\n\n"), ("+", " "), ("=", "Beta."))
    assert md_word_diff(merge, paragraph_marks=True) == "Alpha. ~~¶~~ Beta."


def test_removed_blocks_sit_after_their_old_neighbour() -> None:
    old = tuple(Block("paragraph", t) for t in ("A.", "B.", "C.", "D."))
    new = (old[0], old[2], old[3])
    diff = Diff(Side("a", "a" * 64), Side("b", "b" * 64), old, new,
                (Change("removed", "paragraph", (1,), (), "B.", None),))
    out = render(DiffView(diff), 60)
    assert out.index("  A.") < out.index("- B.") < out.index("  C.")


def test_no_differences_and_only_cosmetic() -> None:
    same = Diff(OLD_SIDE, NEW_SIDE, NEW, NEW, ())
    assert render(DiffView(same), 100).endswith("Minister promises 5,000 teachers\n\nNo differences.\n")
    cosmetic = Diff(OLD_SIDE, NEW_SIDE, OLD, NEW, (CHANGES[4],))
    assert render(DiffView(cosmetic), 100).endswith(
        "\n\nNo substantive differences.\n1 cosmetic change hidden (--show-cosmetic)\n")
    assert "[-Parents’-]{+Parents'+}" in render(DiffView(cosmetic, show_cosmetic=True), 100)


@pytest.mark.parametrize("width", [40, 41, 57, 80, 99, 133, 200])
def test_views_fit_any_width(width: int) -> None:
    views = [DiffView(DIFF), DiffView(DIFF, context=0, show_cosmetic=True), DocumentView(DOC, side=NEW_SIDE),
             LogView("minister-teachers", URL, VERSIONS), StoreLogView(VERSIONS), ArticleListView(ROWS)]
    for view in views:
        out = render(view, width)
        assert all(cell_len(line) <= width for line in out.splitlines())
        assert all(line == line.rstrip() for line in out.splitlines())


def test_every_shown_change_appears_once() -> None:
    out = render(DiffView(DIFF, context=0, show_cosmetic=True), 200)
    for badge in ("+ ADDED", "- REMOVED", "> MOVED", "= DUPLICATED"):
        assert out.count(badge) == 1
    assert out.count("~ CHANGED") == 3


# -- document, log and list views ----------------------------------------------------------------

def test_document_view() -> None:
    assert render(DocumentView(DOC, side=NEW_SIDE), 60) == DOC_60


def test_document_view_blocks_only_and_empty() -> None:
    assert render(DocumentView(Document(DOC.blocks[:2]), blocks_only=True), 60) == """\
¶1  Title: Minister promises 5,000 teachers

¶2  Schools in the district have struggled for years.
"""
    assert render(DocumentView(Document(()), blocks_only=True), 60) == "No article text found.\n"


@pytest.mark.parametrize(("width", "expected"), [(100, LOG_100), (40, LOG_40)])
def test_log_view(width: int, expected: str) -> None:
    assert render(LogView("minister-teachers", URL, VERSIONS), width) == expected


@pytest.mark.parametrize(("width", "expected"), [(100, STORE_100), (40, STORE_40)])
def test_store_log_view(width: int, expected: str) -> None:
    assert render(StoreLogView(VERSIONS[::-1]), width) == expected


@pytest.mark.parametrize(("width", "expected"), [(100, LIST_100), (40, LIST_40)])
def test_article_list_view(width: int, expected: str) -> None:
    assert render(ArticleListView(ROWS), width) == expected


def test_empty_histories() -> None:
    assert render(LogView("a", "https://a", []), 60) == "a  https://a\n\nNo versions stored.\n"
    assert render(StoreLogView([]), 60) == "Newest versions\n\nNo versions stored.\n"
    assert render(ArticleListView([]), 60) == "No articles tracked yet.\n"


# -- markdown and plain text ---------------------------------------------------------------------

def test_markdown() -> None:
    assert diff_markdown(DIFF) == MARKDOWN


def test_markdown_cosmetic_and_empty() -> None:
    assert "~~Parents’~~ **Parents'** groups" in diff_markdown(DIFF, show_cosmetic=True)
    assert diff_markdown(Diff(Side("a.html", "a" * 64), Side("b.html", "b" * 64), (), (), ())) == """\
# Changes: a.html → b.html

- **Old:** a.html · sha256 aaaaaaaaaaaa
- **New:** b.html · sha256 bbbbbbbbbbbb

No differences.
"""


@pytest.mark.parametrize(("raw", "escaped"), [
    ("# Heading", "\\# Heading"),
    ("1. not a list", "1\\. not a list"),
    ("- not a list", "\\- not a list"),
    ("[click](https://evil) <img src=x>", "\\[click\\](https://evil) \\<img src=x\\>"),
    ("*a* _b_ `c` ~~d~~ &#x202e;", "\\*a\\* \\_b\\_ \\`c\\` \\~\\~d\\~\\~ \\&#x202e;"),
    ("\x1b[31m\u202e", "\\\\x1b\\[31m\\\\u202e"),
])
def test_md_escape(raw: str, escaped: str) -> None:
    assert md_escape(raw) == escaped


def test_md_word_diff_keeps_whitespace_outside_delimiters() -> None:
    words = (("=", "hire"), ("-", " 500"), ("+", " 5,000 "), ("=", "teachers"))
    assert md_word_diff(words) == "hire ~~500~~ **5,000** teachers"


def test_document_text() -> None:
    doc = Document((Block("title", "Title"), Block("paragraph", "Body \x1b[31mred\u202e.")))
    assert document_text(doc) == "Title\n\nBody \\x1b[31mred\\u202e."


# -- JSON against the contract -------------------------------------------------------------------

CONTRACT = Path(provtrack.__file__).parent / "contract"


@pytest.fixture(scope="module")
def registry() -> Registry:
    schemas = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(CONTRACT.glob("*.schema.json"))]
    return Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas)


def validate(instance: object, ref: str, registry: Registry) -> None:
    jsonschema.Draft202012Validator({"$ref": ref}, registry=registry).validate(json.loads(json.dumps(instance)))


def test_extract_json(registry: Registry) -> None:
    data = extract_json(DOC, NEW_SIDE)
    validate(data, "provtrack/extract.schema.json", registry)
    assert data["duplicates"] == [[6, 7]]
    assert data["extractor"] == {"name": "provtrack", "version": "0.1.0"}
    assert (data["format"], data["charset"], data["charset_source"]) == ("html", "utf-8", "http")


def test_diff_json(registry: Registry) -> None:
    data = diff_json(DIFF)
    validate(data, "provtrack/diff.schema.json", registry)
    assert len(data["changes"]) == len(CHANGES)
    assert [c["substantive"] for c in data["changes"]].count(False) == 1
    assert data["summary"]["unchanged"] == 7
    assert data["changes"][2]["provenance"]["origin"]["version"] == 1


def test_log_json(registry: Registry) -> None:
    data = log_json("minister-teachers", URL, VERSIONS)
    validate(data, "provtrack/log.schema.json", registry)
    assert [v["version"] for v in data["versions"]] == [1, 2, 3]
    assert [v["title_changed"] for v in data["versions"]] == [False, False, True]


def test_store_log_json(registry: Registry) -> None:
    data = store_log_json(VERSIONS[::-1])
    assert data["schema"] == "provtrack.storelog/1"
    for item in data["versions"]:
        assert item["article"] == "minister-teachers"
        validate(item, "provtrack/log.schema.json#/properties/versions/items", registry)


# -- hostile article text -------------------------------------------------------------------------

HOSTILE = {
    "markup": "[bold red]x[/] [link=https://evil.example]click[/link]",
    "ansi": "\x1b[31mred\x1b[0m\x1b[2J",
    "osc8": "\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\",
    "bidi": "safe\u202eevil\u202c\u2066x\u2069",
    "controls": "bell\x07back\x08cr\r\x00\x9b31m",
}


def hostile_views(text: str) -> list[object]:
    ref = SnapshotRef(text, 2, "f" * 40, "2026-02-05T10:20:00+00:00", "https://x/" + text)
    side = Side(text, "e" * 64, text, ref, text)
    old = (Block("paragraph", text + " old"), Block("caption", text), Block("paragraph", "Gone " + text))
    new = (Block("quote", text + " new"), Block("caption", text), Block("list_item", text), Block("heading", text))
    changes = (Change("changed", "quote", (0,), (0,), old[0].text, new[0].text, 0.5, ("quotes", text),
                      (("=", text), ("-", " old"), ("+", " new")), introduced_in=ref, origin=V1),
               Change("removed", "paragraph", (2,), (), old[2].text, None),
               Change("added", "list_item", (), (2,), None, text),
               Change("duplicated", "heading", (1,), (3,), text, text),
               Change("changed", "caption", (1,), (1,), text, text, 1.0, ("cosmetic",), None))
    diff = Diff(side, side, old, new, changes)
    doc = Document(new, Metadata(title=text, byline=text, published=text, canonical_url=text, language=text),
                   charset=text, charset_source=text, extractor=text)
    info = VersionInfo(ref, "0" * 64, text, 200, text, {"changed": 1}, "other", 4)
    row = ArticleRow(text, text, text, 2, text, text)
    return [DiffView(diff), DiffView(diff, show_cosmetic=True, context=0), DocumentView(doc, side=side),
            LogView(text, text, [info]), StoreLogView([info], title=text), ArticleListView([row]),
            diff_markdown(diff), diff_markdown(diff, show_cosmetic=True), document_text(doc)]


SGR = re.compile("\x1b\\[[0-9;]*m")


@pytest.mark.parametrize("kind", sorted(HOSTILE))
@pytest.mark.parametrize("width", [40, 120])
def test_hostile_text_stays_inert(kind: str, width: int) -> None:
    text = HOSTILE[kind]
    for view in hostile_views(text):
        if isinstance(view, str):
            plain = view
        else:
            plain = render(view, width)
            # colour adds only rich's own SGR codes; a console that parses markup strings changes nothing
            assert SGR.sub("", render(view, width, color="always")) == plain
            assert _render_markup_console(view, width) == plain
        assert "\x1b" not in plain
        assert not any(ch in plain for ch in "\u202e\u202c\u2066\u2069\x07\x08\r\x00\x9b")
        if kind == "markup":
            assert "[bold red]x[/]" in plain or "\\[bold red\\]x\\[/\\]" in plain


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_text_is_shown_not_hidden(kind: str) -> None:
    shown = visible(HOSTILE[kind])
    diff_view, _, doc_view, *_ = hostile_views(HOSTILE[kind])
    assert shown in render(diff_view, 250)
    assert shown in render(doc_view, 250)


def _render_markup_console(view: object, width: int) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None, theme=THEME)
    console.print(view)
    return console.file.getvalue()  # type: ignore[attr-defined]
