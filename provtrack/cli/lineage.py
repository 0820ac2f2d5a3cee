"""Commands that answer where text came from: blame and history."""

from __future__ import annotations

import click

from provtrack.cli.base import FORMAT_RICH_JSON, cli, dumps, export_check, open_store, render_view, store_option, view_options


@cli.command()
@click.argument("spec", metavar="ARTICLE[@REV]")
@store_option
@click.option("--format", "fmt", type=click.Choice(["rich", "json", "markdown"]), default="rich", show_default=True)
@view_options
@click.pass_context
def blame(ctx: click.Context, spec: str, store_path: str, fmt: str) -> None:
    """Show where every block of a version came from: origin, last change and edits.

    The origin is the version where a paragraph's lineage began (edits, moves, splits and
    merges keep it; removed text that comes back keeps its first origin); the last change
    is the version where its text last changed or reappeared. REV defaults to latest.

    \b
    Examples:
      provtrack blame valleyledger
      provtrack blame valleyledger@v2 --format json
      provtrack blame valleyledger --export-svg blame.svg
    """
    from provtrack.provenance import blame as run_blame

    export_check(ctx, fmt)
    result = run_blame(open_store(store_path), spec)
    if fmt == "json":
        from provtrack.render.blamejson import blame_json

        click.echo(dumps(blame_json(result)))
    elif fmt == "markdown":
        from provtrack.render.markdown import blame_markdown

        click.echo(blame_markdown(result), nl=False)
    else:
        from provtrack.render.blameview import BlameView

        render_view(ctx, BlameView(result))


@cli.command()
@click.argument("spec", metavar="ARTICLE[@REV]")
@click.argument("block")
@store_option
@click.option("--format", "fmt", type=FORMAT_RICH_JSON, default="rich", show_default=True)
@view_options
@click.pass_context
def history(ctx: click.Context, spec: str, block: str, store_path: str, fmt: str) -> None:
    """Show the life of one block: every version where its lineage began, changed, moved, left or came back.

    BLOCK is a 0-based index (`3`, as in JSON), a paragraph number as the terminal views
    print it (`¶4` or `p4`, from 1), or part of the block's text (case-insensitive; it must
    match exactly one block). Blocks are those of the latest version, or of REV.

    \b
    Examples:
      provtrack history valleyledger p4
      provtrack history valleyledger "people are still missing" --format json
    """
    from provtrack.provenance import paragraph_history

    export_check(ctx, fmt)
    result = paragraph_history(open_store(store_path), spec, block)
    if fmt == "json":
        from provtrack.render.blamejson import history_json

        click.echo(dumps(history_json(result)))
    else:
        from provtrack.render.blameview import HistoryView

        render_view(ctx, HistoryView(result))
