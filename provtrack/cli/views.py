"""Commands that read the store: list, log, show."""

from __future__ import annotations

import click

from provtrack.cli.base import (
    FORMAT_RICH_JSON, cli, console, dumps, export_check, open_store, render_view, store_option, view_options,
)
from provtrack.errors import UsageError


@cli.command(name="list")
@store_option
@click.option("--format", "fmt", type=FORMAT_RICH_JSON, default="rich", show_default=True)
@click.pass_context
def list_(ctx: click.Context, store_path: str, fmt: str) -> None:
    """List tracked articles with their version counts.

    \b
    Example:
      provtrack list --format json
    """
    from provtrack.render.logview import LONG_LIST, ArticleListView, ArticleRow
    from provtrack.render.plain import article_lines
    from provtrack.summaries import article_summaries

    store = open_store(store_path)
    rows = [ArticleRow(id=e.id, url=e.url, title=e.meta.get("title"), versions=int(e.meta.get("version") or 0),
                       first_fetched=e.meta.get("first_fetched_at") or "", last_fetched=e.meta.get("fetched_at") or "")
            for e in article_summaries(store)]
    if fmt == "json":
        click.echo(dumps({"schema": "provtrack.list/1", "articles": [r.__dict__ for r in rows]}))
    else:
        out = console(ctx)
        if len(rows) > LONG_LIST and not out.is_terminal:  # a pipe: the same lines, without rich's layout cost
            click.echo("\n".join(article_lines(rows)))
        else:
            out.print(ArticleListView(rows))


@cli.command()
@click.argument("article", required=False)
@store_option
@click.option("--since", metavar="TIMESTAMP", help="Without ARTICLE: only versions fetched since then.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True,
              help="Without ARTICLE: at most this many versions.")
@click.option("--format", "fmt", type=click.Choice(["rich", "json", "markdown"]), default="rich", show_default=True)
@view_options
@click.pass_context
def log(ctx: click.Context, article: str | None, store_path: str, since: str | None, limit: int, fmt: str) -> None:
    """Show the versions of ARTICLE, or the newest versions across the store.

    ARTICLE is a URL, an article id or a unique prefix of one.

    \b
    Examples:
      provtrack log valleyledger
      provtrack log --since 2026-02-05 --limit 50
      provtrack log valleyledger --format markdown
    """
    from provtrack.render.jsonout import log_json, store_log_json
    from provtrack.render.logview import LogView, StoreLogView
    from provtrack.render.markdown import log_markdown
    from provtrack.render.layout import fmt_time, minute_clash, time_key
    from provtrack.suspect import suspect_fetches
    from provtrack.checklog import check_note
    from provtrack.tracker import recent, version_infos

    export_check(ctx, fmt)
    if article is None and fmt == "markdown":
        raise UsageError("--format markdown needs ARTICLE")
    store = open_store(store_path)
    if article is None:
        versions = list(recent(store, since=since, limit=limit))
        if fmt == "json":
            click.echo(dumps(store_log_json(versions)))
        else:
            render_view(ctx, StoreLogView(versions))
        return
    if since is not None:
        raise UsageError("--since applies to the store-wide log (no ARTICLE)")
    article_id = store.resolve_article(article)
    infos = version_infos(store, article_id)
    url = (store.latest_meta(article_id) or {}).get("article_url", "")
    suspects = suspect_fetches(store, article_id)
    if fmt == "json":
        click.echo(dumps({**log_json(article_id, url, infos), "suspect_fetches": [s.to_json() for s in suspects]}))
        return
    checks = store.checks(article_id)
    seconds = minute_clash([*(i.ref.fetched_at for i in infos), *(s.fetched_at for s in suspects)])
    # closing lines in time order; at equal times a check comes after the suspect fetch it saw
    closing = [(time_key(s.fetched_at), 0, f"suspect fetch {fmt_time(s.fetched_at, seconds=seconds)} after "
                f"v{s.compared_with}, kept as evidence, not a version (commit {s.commit[:10]}): {s.reason}")
               for s in suspects]
    note = check_note(checks)  # unchanged through when, failures since
    if note:
        start = 1 + max((n for n, c in enumerate(checks) if c.get("result") == "created"), default=-1)
        noted = [time_key(c.get("fetched_at")) for c in checks[start:] if c.get("result") in ("unchanged", "failed")]
        closing.append((max(noted, default=time_key(None)), 1, note))
    notes = [text for _, _, text in sorted(closing, key=lambda c: (c[0], c[1]))]
    if fmt == "markdown":
        click.echo(log_markdown(article_id, url, infos, notes=notes), nl=False)
    else:
        render_view(ctx, LogView(article_id, url, infos, notes=notes))


@cli.command()
@click.argument("spec", metavar="ARTICLE[@REV]")
@store_option
@click.option("--format", "fmt", type=click.Choice(["rich", "json", "text"]), default="rich", show_default=True)
@view_options
@click.pass_context
def show(ctx: click.Context, spec: str, store_path: str, fmt: str) -> None:
    """Show a stored version as the article reads (REV: v3, latest, previous, latest~2, a commit, {TIME}).

    \b
    Examples:
      provtrack show valleyledger@v1
      provtrack show valleyledger@{2026-02-05T12:00Z} --format text
    """
    from provtrack.render.docview import DocumentView
    from provtrack.render.jsonout import extract_json
    from provtrack.render.plain import document_text
    from provtrack.tracker import resolve_spec, side_of, stored_document

    export_check(ctx, fmt)
    store = open_store(store_path)
    version = resolve_spec(store, spec)
    document = stored_document(store, version)
    side = side_of(store, version)
    if fmt == "json":
        click.echo(dumps(extract_json(document, side)))
    elif fmt == "text":
        click.echo(document_text(document))
    else:
        render_view(ctx, DocumentView(document, side=side))
