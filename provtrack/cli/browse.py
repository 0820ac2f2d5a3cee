"""`provtrack browse`: step through an article's history on a terminal."""

from __future__ import annotations

import sys
from typing import Any

import click

from provtrack.cli.base import cli, console, open_store, store_option
from provtrack.errors import ProvtrackError


@cli.command()
@click.argument("article")
@store_option
@click.option("--at", "rev", metavar="REV", default="latest", show_default=True,
              help="The version to open (v3, latest, previous, a commit, {TIME}).")
@click.option("--view", "mode", type=click.Choice(["diff", "blame", "show"]), default="diff", show_default=True,
              help="The view to open with.")
@click.pass_context
def browse(ctx: click.Context, article: str, store_path: str, rev: str, mode: str) -> None:
    """Browse an article's history interactively: step through versions, switch between diff, blame and show.

    Keys (listed on screen): p/← previous version, n/→ next, d diff against the previous
    version, b blame, s show, g go to a version number, ↑/↓ j/k space scroll, q quit.
    Needs a terminal on standard input and output; in scripts use diff, blame or show.

    \b
    Example:
      provtrack browse valleyledger
      provtrack browse valleyledger --at v2 --view blame
    """
    from provtrack.render.keys import is_interactive

    if not is_interactive():
        raise ProvtrackError("browse needs a terminal on stdin and stdout; in scripts and pipes use "
                             "`provtrack diff`, `blame` or `show`")
    from provtrack.render.browse import run
    from provtrack.tracker import resolve_spec

    try:
        store = open_store(store_path)
        article_id = store.resolve_article(article)
        versions = store.versions(article_id)
        start = resolve_spec(store, f"{article_id}@{rev}").ref.version
        positions = [v.ref.version for v in versions]
        out = console(ctx)
        run(_Views(store, versions), [f"v{n}" for n in positions], title=f"provtrack browse {article_id}",
            start=positions.index(start), mode=mode, fd=sys.stdin.fileno(), out=sys.stdout,
            color_system=None if out.no_color or not out.is_terminal else out.color_system)
    except KeyboardInterrupt:  # Ctrl-C is a documented way to quit: no error line
        raise SystemExit(130) from None


class _Views:
    """The view of one version in one mode, built from the store on first use."""

    def __init__(self, store: Any, versions: list[Any]) -> None:
        self.store = store
        self.versions = versions

    def __call__(self, position: int, mode: str) -> Any:
        from rich.console import Group
        from rich.text import Text

        from provtrack.provenance import blame
        from provtrack.render.blameview import BlameView
        from provtrack.render.diffview import DiffView
        from provtrack.render.docview import DocumentView
        from provtrack.tracker import side_of, stored_diff, stored_document

        version = self.versions[position]
        if mode == "blame":
            return BlameView(blame(self.store, f"{version.ref.article}@v{version.ref.version}"))
        if mode == "show" or position == 0:
            view = DocumentView(stored_document(self.store, version), side=side_of(self.store, version))
            if mode == "diff":
                note = Text(f"v{version.ref.version} is the first version: nothing to compare it with "
                            "(n: next version, s: read it).", style="provtrack.meta")
                return Group(note, Text(), view)
            return view
        return DiffView(stored_diff(self.store, self.versions[position - 1], version), context=2, layout="auto")

