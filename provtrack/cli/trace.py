"""The command that finds where an article's paragraphs appeared first across the store: trace."""

from __future__ import annotations

import click

from provtrack.cli.base import (
    FORMAT_RICH_JSON, cli, dumps, export_check, fetch_kwargs, fetch_options, open_store, render_view, stdin, store_option,
    view_options,
)


@cli.command()
@click.argument("source", metavar="SOURCE")
@store_option
@click.option("--format", "fmt", type=FORMAT_RICH_JSON, default="rich", show_default=True)
@click.option("--rebuild", is_flag=True, help="Rebuild the store's shingle index from its history first.")
@fetch_options
@view_options
@click.pass_context
def trace(ctx: click.Context, source: str, store_path: str, fmt: str, rebuild: bool, timeout: float,
          max_bytes: int) -> None:
    """Find, for every block of SOURCE, the earliest stored snapshot of any article with the same text.

    SOURCE is a URL, a saved file, - for stdin, or a stored ARTICLE[@REV] (an existing
    file of that name wins). Each block is FOUND EARLIER ELSEWHERE (in another article),
    FIRST SEEN HERE (in this article) or has NO KNOWN ORIGIN; nearly the same text
    (edited, trimmed or extended) counts, and is labelled as such.

    \b
    Examples:
      provtrack trace https://other.example/copied-story
      provtrack trace valleyledger@v2 --format json
    """
    from provtrack.render.tracejson import trace_json
    from provtrack.render.traceview import TraceView
    from provtrack.trace import trace_source

    export_check(ctx, fmt)
    result = trace_source(open_store(store_path), source, rebuild=rebuild, stdin=stdin(),
                          **fetch_kwargs(timeout, max_bytes))
    if fmt == "json":
        click.echo(dumps(trace_json(result)))
    else:
        render_view(ctx, TraceView(result))
