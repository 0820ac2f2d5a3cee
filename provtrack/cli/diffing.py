"""Commands that compare versions: diff (stored) and compare (any two sources)."""

from __future__ import annotations

from typing import Any, Callable

import click

from provtrack.cli.base import (
    cli, dumps, export_check, fetch_kwargs, fetch_options, open_store, render_view, stdin, store_option, view_options,
)
from provtrack.errors import UsageError


def _kinds(ctx: click.Context, param: click.Parameter, value: str | None) -> frozenset[str] | None:
    from provtrack.model import CHANGE_KINDS

    if value is None:
        return None
    kinds = frozenset(k.strip().lower() for k in value.split(",") if k.strip())
    unknown = sorted(kinds - set(CHANGE_KINDS))
    if not kinds or unknown:
        raise click.BadParameter(f"unknown change kind {', '.join(unknown) or repr(value)}; "
                                 f"choose from {','.join(CHANGE_KINDS)}")
    return kinds


def diff_output(func: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed([
        click.option("--format", "fmt", type=click.Choice(["rich", "json", "markdown"]), default="rich",
                     show_default=True),
        click.option("--context", type=click.IntRange(min=0), default=2, show_default=True,
                     help="Unchanged paragraphs shown around each change."),
        click.option("--show-cosmetic", is_flag=True, help="Also show changes of only case, punctuation or spacing."),
        click.option("--only", metavar="KINDS", callback=_kinds,
                     help="Only these change kinds, comma-separated (added,removed,changed,moved,duplicated,"
                          "split,merged); rich and markdown views, and --exit-code."),
        click.option("--side-by-side", "layout", flag_value="side-by-side",
                     help="Old and new text in two columns (the default from 160 columns)."),
        click.option("--inline", "layout", flag_value="inline",
                     help="One column with [-removed-]{+added+} words, however wide the terminal."),
        click.option("--exit-code", is_flag=True, help="Exit 1 when there are substantive differences."),
    ]):
        func = option(func)
    return view_options(func)


def _emit_diff(ctx: click.Context, diff: Any, fmt: str, context: int, show_cosmetic: bool, exit_code: bool,
               only: frozenset[str] | None, layout: str | None) -> None:
    if fmt == "json":
        from provtrack.render.jsonout import diff_json

        click.echo(dumps(diff_json(diff)))
    elif fmt == "markdown":
        from provtrack.render.markdown import diff_markdown

        click.echo(diff_markdown(diff, show_cosmetic=show_cosmetic, only=only))
    else:
        from provtrack.render.diffview import DiffView

        render_view(ctx, DiffView(diff, context=context, show_cosmetic=show_cosmetic, only=only,
                                  layout=layout or "auto"))
    if exit_code and any(c.shown(only=only) for c in diff.changes):
        raise SystemExit(1)


@cli.command()
@click.argument("article", metavar="ARTICLE[@REV]")
@click.argument("old", required=False, metavar="[OLD")
@click.argument("new", required=False, metavar="[NEW]]")
@store_option
@diff_output
@click.pass_context
def diff(ctx: click.Context, article: str, old: str | None, new: str | None, store_path: str, fmt: str,
         context: int, show_cosmetic: bool, only: frozenset[str] | None, layout: str | None, exit_code: bool) -> None:
    """Show what changed between two stored versions (default: previous against latest).

    \b
    Examples:
      provtrack diff valleyledger                 # previous -> latest
      provtrack diff valleyledger v1 v3           # across several versions
      provtrack diff site-a@v2 site-b@latest      # across two articles
      provtrack diff valleyledger --format json --exit-code
      provtrack diff valleyledger v1 v3 --side-by-side --only added,duplicated
      provtrack diff valleyledger v1 v3 --export-svg changes.svg
    """
    from provtrack.tracker import diff_specs, stored_diff

    export_check(ctx, fmt)
    store = open_store(store_path)
    old_v, new_v = diff_specs(store, article, old, new)
    _emit_diff(ctx, stored_diff(store, old_v, new_v), fmt, context, show_cosmetic, exit_code, only, layout)


@cli.command()
@click.argument("source_a")
@click.argument("source_b")
@diff_output
@fetch_options
@click.pass_context
def compare(ctx: click.Context, source_a: str, source_b: str, fmt: str, context: int, show_cosmetic: bool,
            only: frozenset[str] | None, layout: str | None, exit_code: bool, timeout: float,
            max_bytes: int) -> None:
    """Diff two sources (files or URLs) directly, without a store.

    \b
    Example:
      provtrack compare original.html copy-on-other-site.html
    """
    from provtrack.sources import compare as run_compare

    export_check(ctx, fmt)
    if source_a == "-" and source_b == "-":
        raise UsageError("only one of the two sources can be stdin")
    diff = run_compare(source_a, source_b, stdin=stdin(), **fetch_kwargs(timeout, max_bytes))
    _emit_diff(ctx, diff, fmt, context, show_cosmetic, exit_code, only, layout)
