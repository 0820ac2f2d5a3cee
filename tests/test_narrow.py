"""Narrow terminals: ids, `story@v3`, commits, fetch times and URLs are never folded mid-word.

Every view at 40 columns, with an article id and a URL wider than the line, in colour and
without, and in its HTML and SVG exports: no line runs over, a commit or a fetch time is
never split, an id breaks only after `-`, `.` or `_`, a URL only after `/`, `?` or `&`.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.cells import cell_len
from rich.text import Text

from provtrack.cli import cli
from provtrack.render.facts import Joined, fit_text
from provtrack.store import Store
from provtrack.tracker import snapshot

WIDTH = 40
URL = ("https://ledger.example/news/2026/02/05/kestrel-flood-evacuation"
       "?ref=front-page&section=regional-news&edition=evening")
COPY_URL = "https://digest.example/2026/02/05/dam-failure-floods/kestrel-valley-and-millbrook"
TIMES = ["2026-02-05T08:10Z", "2026-02-05T11:45Z", "2026-02-05T16:20Z"]
FIRST = "Officials ordered 55,000 residents out of Kestrel Valley on Thursday."
BUILT = "The reservoir was built in 1962 and last inspected in 2023."
BOATS = "Rescue boats worked along Quarry Street all morning."
VERSIONS = [("Flood forces 55,000 from homes", [FIRST, BUILT, BOATS]),
            ("Flood forces 60,000 from homes", [FIRST.replace("55", "60"), BUILT, BOATS]),
            ("Flood forces 60,000 from homes", [FIRST.replace("55", "60"), BOATS, "Critics blamed the governor.", BUILT])]
SGR = re.compile("\x1b\\[[0-9;]*m")


def page(title: str, paragraphs: list[str], *, canonical: str | None = None) -> bytes:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head><title>{title}</title>{link}</head>"
            f"<body><article><h1>{title}</h1>{body}</article></body></html>").encode()


class Facts:
    """The facts a narrow view must not fold, and the only places each may break."""

    def __init__(self, store: Store, article: str, copy: str) -> None:
        self.store, self.article, self.copy = store, article, copy
        refs = [store.resolve(article, f"v{n}").ref for n in (1, 2, 3)] + [store.resolve(copy, "v1").ref]
        #: v1, v2 and v3 of the article, then v1 of the copy
        self.commits = [ref.short_commit for ref in refs]
        self.times = ["2026-02-05 08:10 UTC", "2026-02-05 11:45 UTC", "2026-02-05 16:20 UTC", "2026-02-05 18:30 UTC"]
        self.url = refs[0].url


@pytest.fixture(scope="module")
def facts(tmp_path_factory: pytest.TempPathFactory) -> Facts:
    store = Store(tmp_path_factory.mktemp("narrow") / "store", create=True)
    for at, (title, paragraphs) in zip(TIMES, VERSIONS):
        result = snapshot(store, "-", url=URL, at=at, stdin=io.BytesIO(page(title, paragraphs, canonical=URL)))
    copy = snapshot(store, "-", url=COPY_URL, at="2026-02-05T18:30Z",
                    stdin=io.BytesIO(page("Dam failure floods valley", [FIRST.replace("55", "60"), "A new claim."])))
    assert len(result.article) > WIDTH and len(copy.article) > WIDTH  # ids wider than the line
    return Facts(store, result.article, copy.article)


def placements(lines: list[str], fact: str) -> list[list[int]]:
    """Each place *fact* is shown in *lines*: the offsets in it where a line ends ([] when on one line).

    A fact may go on after a line break on the next line, behind that line's indentation;
    the spaces a break replaced are not shown.
    """
    found = []
    for row, line in enumerate(lines):
        for column in (m.start() for m in re.finditer(re.escape(fact[0]), line)):
            if column and line[column - 1] not in " (":
                continue  # a fact starts a word
            cuts = _follow(lines, row, line[column:], fact)
            if cuts is not None:
                found.append(cuts)
    return found


def _follow(lines: list[str], row: int, text: str, fact: str) -> list[int] | None:
    cuts: list[int] = []
    done = 0
    while not text.startswith(fact[done:]):
        if not text or not fact.startswith(text, done):
            return None
        done += len(text)
        cuts.append(done)
        while fact[done] == " ":
            done += 1
        row += 1
        if row == len(lines):
            return None
        text = lines[row].lstrip()
    return cuts


def id_break(fact: str, cut: int) -> bool:
    return fact[cut - 1] in "-._" and fact[cut] not in "-._"


def url_break(fact: str, cut: int) -> bool:
    return fact[cut - 1] in "/?&" and not fact[:cut].endswith("//")


def check_narrow(out: str, facts: Facts, *, shown: list[str], width: int = WIDTH) -> None:
    """No line of *out* is wider than *width*; every fact in it is whole or breaks only where it may."""
    lines = [line.rstrip() for line in out.splitlines()]
    assert lines and max(cell_len(line) for line in lines) <= width, out
    rules: list[tuple[str, Callable[[str, int], bool] | None]] = [
        *((f"{article}@v{n}", id_break) for article in (facts.article, facts.copy) for n in (1, 2, 3)),
        (facts.article, id_break), (facts.copy, id_break), (facts.url, url_break), (COPY_URL, url_break),
        *((commit, None) for commit in facts.commits), *((time, None) for time in facts.times)]
    for fact, allowed in rules:
        for cuts in placements(lines, fact):
            assert all(allowed is not None and allowed(fact, cut) for cut in cuts), (fact, cuts, out)
    for fact in shown:
        assert placements(lines, fact), (fact, out)


def cli_run(*args: str, color: str = "never") -> str:
    pager = [] if args[0] == "list" else ["--no-pager"]
    result = CliRunner().invoke(cli, ["--color", color, *args, *pager], env={"COLUMNS": str(WIDTH)},
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def commands(facts: Facts) -> dict[str, list[str]]:
    a = facts.article
    return {"diff": ["diff", a, "v1", "v3"], "side-by-side": ["diff", a, "v1", "v3", "--side-by-side"],
            "show": ["show", f"{a}@v1"], "blame": ["blame", a], "history": ["history", a, "reservoir"],
            "log": ["log", a], "store log": ["log"], "list": ["list"], "trace": ["trace", facts.copy]}


def shown_facts(view: str, facts: Facts) -> list[str]:
    """Facts each view must show (so the test cannot pass by showing none)."""
    a, (v1, v2, v3, copy) = facts.article, facts.commits
    return {"diff": [f"{a}@v1", f"{a}@v3", facts.url, "2026-02-05 16:20 UTC", v1, v2, v3],
            "side-by-side": [f"{a}@v1", f"{a}@v3", facts.url, "2026-02-05 08:10 UTC", v1, v3],
            "show": [f"{a}@v1", facts.url, "2026-02-05 08:10 UTC", v1],
            "blame": [f"{a}@v3", facts.url, "2026-02-05 11:45 UTC", v1, v2, v3],
            "history": [f"{a}@v3", facts.url, "2026-02-05 08:10 UTC", v1],
            "log": [a, facts.url, "2026-02-05 11:45 UTC", v1, v2, v3],
            "store log": [f"{a}@v2", f"{facts.copy}@v1", "2026-02-05 18:30 UTC", v2, copy],
            "list": [a, facts.copy, facts.url, COPY_URL, "2026-02-05 16:20 UTC"],
            "trace": [f"{facts.copy}@v1", f"{a}@v1", COPY_URL, facts.url, "2026-02-05 18:30 UTC", copy, v1]}[view]


VIEWS = ["diff", "side-by-side", "show", "blame", "history", "log", "store log", "list", "trace"]


@pytest.mark.parametrize("view", VIEWS)
def test_each_view_at_40_columns_folds_no_fact(facts: Facts, view: str) -> None:
    store = ["--store", str(facts.store.path)]
    plain = cli_run(*commands(facts)[view], *store)
    check_narrow(plain, facts, shown=shown_facts(view, facts))
    coloured = cli_run(*commands(facts)[view], *store, color="always")
    assert "\x1b[" in coloured
    assert SGR.sub("", coloured) == plain  # colour changes no line break


def svg_lines(svg: str) -> list[str]:
    """The terminal lines an SVG export draws, rebuilt from its positioned <text> runs."""
    rows: dict[int, dict[int, str]] = {}
    for match in re.finditer(r'<text [^>]*x="([\d.]+)" [^>]*textLength="([\d.]+)" '
                             r'clip-path="url\(#[\w-]+-line-(\d+)\)">(.*?)</text>', svg):
        x, length, row, content = float(match[1]), float(match[2]), int(match[3]), html.unescape(match[4])
        cell = length / len(content)
        rows.setdefault(row, {})[round(x / cell)] = content.replace("\xa0", " ")
    out = []
    for row in range(max(rows) + 1):
        line = ""
        for column, content in sorted(rows.get(row, {}).items()):
            line = line.ljust(column) + content  # a run of only spaces is not drawn
        out.append(line)
    return out


@pytest.mark.parametrize("view", ["diff", "side-by-side", "show", "blame", "history", "log"])
def test_exports_at_40_columns_fold_no_fact(facts: Facts, view: str, tmp_path: Path) -> None:
    page_html, picture = tmp_path / "v.html", tmp_path / "v.svg"
    plain = cli_run(*commands(facts)[view], "--store", str(facts.store.path),
                    "--export-html", str(page_html), "--export-svg", str(picture))
    pre = re.search(r"<pre[^>]*><code[^>]*>(.*)</code></pre>", page_html.read_text(), re.DOTALL)
    assert pre is not None
    exported = html.unescape(re.sub(r"<[^>]+>", "", pre.group(1)))
    check_narrow(exported, facts, shown=shown_facts(view, facts))
    assert [line.rstrip() for line in exported.splitlines()] == plain.splitlines()
    drawn = svg_lines(picture.read_text())
    check_narrow("\n".join(drawn), facts, shown=shown_facts(view, facts))
    assert [line.rstrip() for line in drawn if line.strip()] == [line for line in plain.splitlines() if line]


def test_compare_of_files_breaks_paths_after_a_slash(tmp_path: Path) -> None:
    folder = tmp_path / "saved-copies-of-the-story" / "from-the-ledger-and-the-digest"
    folder.mkdir(parents=True)
    (folder / "first.html").write_bytes(page("Flood", [FIRST, BUILT]))
    (folder / "second.html").write_bytes(page("Flood", [FIRST.replace("55", "60"), BUILT]))
    out = cli_run("compare", str(folder / "first.html"), str(folder / "second.html"))
    lines = out.splitlines()
    assert max(cell_len(line) for line in lines) <= WIDTH
    for path in (str(folder / "first.html"), str(folder / "second.html")):
        assert len(path) > WIDTH and max(len(part) for part in path.split("/")) < WIDTH - 5  # `old  ` first
        shown = placements(lines, path)
        assert shown and all(url_break(path, cut) for cuts in shown for cut in cuts), (path, out)


def test_the_demo_at_40_columns_folds_no_fact(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--color", "never", "demo", "--store", str(tmp_path / "d")],
                                env={"COLUMNS": str(WIDTH)})
    assert result.exit_code == 0, result.output
    store = Store(tmp_path / "d")
    article = store.resolve_article("valleyledger")
    copy = store.resolve_article("tricountydigest")
    facts = Facts(store, article, copy)
    # commands are printed whole, wider than the line, so that they can be copied
    prose = "\n".join(line for line in result.stdout.splitlines() if "provtrack --store" not in line)
    check_narrow(prose, facts, shown=[article, f"{article}@v1", f"{article}@v3", facts.url, *facts.times[:3],
                                      *facts.commits[:3]])


# -- the layout itself -------------------------------------------------------------------------------

@pytest.mark.parametrize(("fact", "width", "lines"), [
    ("fetched 2026-02-05 08:10 UTC", 25, ["fetched", "2026-02-05 08:10 UTC"]),
    ("fetched 2026-02-05 08:10 UTC", 12, ["fetched", "2026-02-05", "08:10 UTC"]),
    ("ledger.example--kestrel-flood-evacuation-7ba1dcb3@v3", 30,
     ["ledger.example--kestrel-flood-", "evacuation-7ba1dcb3@v3"]),
    ("https://ledger.example/news/2026/02/05/kestrel-flood?ref=front&x=1", 30,
     ["https://ledger.example/news/", "2026/02/05/kestrel-flood?", "ref=front&x=1"]),
    # the last resort: a URL piece wider than the line breaks as an id would, then folds
    ("https://ledger.example/kestrel-valley-flood-evacuation-story", 20,
     ["https://ledger.", "example/kestrel-", "valley-flood-", "evacuation-story"]),
    ("a" * 25, 10, ["a" * 10, "a" * 10, "a" * 5]),
    ("教師を雇う計画は", 5, ["教師", "を雇", "う計", "画は"]),
])
def test_fit_text(fact: str, width: int, lines: list[str]) -> None:
    assert fit_text(Text(fact), width).plain.split("\n") == lines


def test_joined_breaks_between_facts_first_and_keeps_styles() -> None:
    id_ = Text("ledger.example--kestrel-flood-evacuation-7ba1dcb3", style="provtrack.header")
    joined = Joined([id_, "fetched 2026-02-05 08:10 UTC", "commit 5e6f7a8b9c"], "provtrack.meta")
    assert joined.text(40).plain == ("ledger.example--kestrel-flood-\nevacuation-7ba1dcb3 ·\n"
                                     "fetched 2026-02-05 08:10 UTC ·\ncommit 5e6f7a8b9c")
    assert joined.text(200).plain == ("ledger.example--kestrel-flood-evacuation-7ba1dcb3 · fetched 2026-02-05 08:10 UTC"
                                      " · commit 5e6f7a8b9c")
    header = [span for span in joined.text(40).spans if span.style == "provtrack.header"]
    assert [joined.text(40).plain[s.start:s.end] for s in header] == ["ledger.example--kestrel-flood-",
                                                                      "evacuation-7ba1dcb3"]


def test_joined_shows_raw_facts_literally() -> None:
    joined = Joined(["[bold]x[/bold] \x1b[31m https://e.example/a\u202eb"], "provtrack.meta")
    assert joined.text(100).plain == "[bold]x[/bold] \\x1b[31m https://e.example/a\\u202eb"
    assert "provtrack.escape" in {span.style for span in joined.text(20).spans}


@pytest.mark.parametrize("width", [40, 60, 100, 121, 200])
def test_update_and_schedule_tables_fold_no_id_url_or_time(width: int) -> None:
    """Below the width a table needs they stack each row; above it the id column holds the id whole."""
    from datetime import datetime, timedelta, timezone

    from rich.console import Console

    from provtrack.render.theme import THEME
    from provtrack.render.trackview import ScheduleTable, UpdateTable
    from provtrack.schedule import Due
    from provtrack.update import CheckResult

    article = "northcombepost.example--flood-barrier-vote-in-the-harbour-ward-006deae6"
    results = [CheckResult("https://northcombepost.example/flood", article, "changed", 3, "+1 added, ~2 changed"),
               CheckResult(COPY_URL, None, "failed", None, f"HTTP 503 from {COPY_URL}")]
    due = [Due(article, timedelta(hours=1), datetime(2026, 2, 5, 10, tzinfo=timezone.utc), "adaptive")]
    for colour in (None, "truecolor"):
        console = Console(file=io.StringIO(), width=width, color_system=colour, theme=THEME)
        console.print(UpdateTable(results))
        console.print(ScheduleTable(due))
        out = SGR.sub("", console.file.getvalue())
        lines = [line.rstrip() for line in out.splitlines()]
        assert max(cell_len(line) for line in lines) <= width, out
        for fact, allowed in ((article, id_break), (COPY_URL, url_break), ("2026-02-05 10:00 UTC", None)):
            found = placements(lines, fact)
            assert found, (fact, out)
            assert all(allowed is not None and allowed(fact, cut) for cuts in found for cut in cuts), (fact, out)
        if width >= max(len(article), len(COPY_URL)) + 50:
            assert any(line.startswith("result") for line in lines)  # wide enough for the table
