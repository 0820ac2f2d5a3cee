"""Commands that take and read snapshots: init, extract, snapshot, list, log, show, demo."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import click

from provtrack.cli.base import (
    FORMAT_RICH_JSON, cli, console, dumps, fetch_kwargs, fetch_options, open_store, stdin, store_option,
)
from provtrack.errors import ProvtrackError, UsageError
from provtrack.render.escapes import visible


@cli.command()
@store_option
def init(store_path: str) -> None:
    """Create an empty snapshot store (a git repository).

    \b
    Example:
      provtrack init --store ~/archive
    """
    store = open_store(store_path, create=True)
    with store.locked():
        store.ensure_initialised()
    click.echo(f"store ready at {visible(str(store.path))}")


@cli.command()
@click.argument("source")
@click.option("--format", "fmt", type=click.Choice(["rich", "json", "text"]), default="rich", show_default=True)
@fetch_options
@click.pass_context
def extract(ctx: click.Context, source: str, fmt: str, timeout: float, max_bytes: int) -> None:
    """Extract the typed blocks of SOURCE (URL, file or - for stdin) without storing anything.

    \b
    Example:
      provtrack extract saved-page.html --format json
    """
    from provtrack.render.docview import DocumentView
    from provtrack.render.jsonout import extract_json
    from provtrack.render.plain import document_text
    from provtrack.tracker import load_source

    source_obj = load_source(source, stdin=stdin(), **fetch_kwargs(timeout, max_bytes))
    if fmt == "json":
        click.echo(dumps(extract_json(source_obj.document, source_obj.side)))
    elif fmt == "text":
        click.echo(document_text(source_obj.document))
    else:
        console(ctx).print(DocumentView(source_obj.document, side=source_obj.side))


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@store_option
@click.option("--url", metavar="URL", help="Article URL for a file or stdin (importing a saved copy).")
@click.option("--at", metavar="TIMESTAMP", help="Fetch time of an imported file or stdin (ISO 8601).")
@click.option("--no-raw", is_flag=True, help="Do not keep the raw bytes (they allow re-extraction later).")
@fetch_options
@click.pass_context
def snapshot(ctx: click.Context, sources: tuple[str, ...], store_path: str, url: str | None, at: str | None,
             no_raw: bool, timeout: float, max_bytes: int) -> None:
    """Fetch SOURCE(s) and store each as a new version if its text changed.

    SOURCE is an http(s) URL, a saved file, or - for stdin. Prints the article id,
    version, short commit and a one-line change summary, or `unchanged`.

    \b
    Examples:
      provtrack snapshot https://news.example/2026/02/05/flood
      provtrack snapshot saved.html --url https://news.example/flood --at 2026-02-05T09:00Z
    """
    from provtrack.model import summary_line
    from provtrack.tracker import snapshot as take

    if url and len(sources) > 1:
        raise UsageError("--url names one article; give one SOURCE with it")
    store = open_store(store_path, create=True)
    failed = 0
    for source in sources:
        try:
            result = take(store, source, url=url, at=at, keep_raw=not no_raw,
                          stdin=stdin(), **fetch_kwargs(timeout, max_bytes))
        except ProvtrackError as exc:
            if len(sources) == 1:
                raise
            failed += 1
            message = str(exc) if source in str(exc) else f"{source}: {exc}"
            click.echo(f"provtrack: error: {visible(' '.join(message.split()))}", err=True)
            continue
        ref = result.ref
        if result.created:
            line = "first version" if ref.version == 1 else summary_line(result.summary)
            click.echo(visible(f"{result.article}  v{ref.version}  {ref.short_commit}  {line}"))
        else:
            click.echo(visible(f"{result.article}  unchanged (still v{ref.version}, {ref.short_commit})"))
    if failed:
        raise SystemExit(1)


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
    from provtrack.render.logview import ArticleListView, ArticleRow

    store = open_store(store_path)
    rows = [ArticleRow(id=e.id, url=e.url, title=e.meta.get("title"), versions=int(e.meta.get("version", 0)),
                       first_fetched=e.meta.get("first_fetched_at") or "", last_fetched=e.meta.get("fetched_at") or "")
            for e in store.articles()]
    if fmt == "json":
        click.echo(dumps({"schema": "provtrack.list/1", "articles": [r.__dict__ for r in rows]}))
    else:
        console(ctx).print(ArticleListView(rows))


@cli.command()
@click.argument("article", required=False)
@store_option
@click.option("--since", metavar="TIMESTAMP", help="Without ARTICLE: only versions fetched since then.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True,
              help="Without ARTICLE: at most this many versions.")
@click.option("--format", "fmt", type=FORMAT_RICH_JSON, default="rich", show_default=True)
@click.pass_context
def log(ctx: click.Context, article: str | None, store_path: str, since: str | None, limit: int, fmt: str) -> None:
    """Show the versions of ARTICLE, or the newest versions across the store.

    ARTICLE is a URL, an article id or a unique prefix of one.

    \b
    Examples:
      provtrack log valleyledger
      provtrack log --since 2026-02-05 --limit 50
    """
    from provtrack.render.jsonout import log_json, store_log_json
    from provtrack.render.logview import LogView, StoreLogView
    from provtrack.render.safe import safe_text
    from provtrack.tracker import last_check, recent, version_infos

    store = open_store(store_path)
    if article is None:
        versions = list(recent(store, since=since, limit=limit))
        if fmt == "json":
            click.echo(dumps(store_log_json(versions)))
        else:
            console(ctx).print(StoreLogView(versions))
        return
    if since is not None:
        raise UsageError("--since applies to the store-wide log (no ARTICLE)")
    article_id = store.resolve_article(article)
    infos = version_infos(store, article_id)
    url = (store.latest_meta(article_id) or {}).get("article_url", "")
    if fmt == "json":
        click.echo(dumps(log_json(article_id, url, infos)))
        return
    out = console(ctx)
    out.print(LogView(article_id, url, infos))
    check = last_check(store, article_id)
    if check and check.get("result") == "unchanged":
        out.print(safe_text(f"unchanged since v{check.get('version')} as of {check.get('fetched_at')}",
                            style="provtrack.meta"))


@cli.command()
@click.argument("spec", metavar="ARTICLE[@REV]")
@store_option
@click.option("--format", "fmt", type=click.Choice(["rich", "json", "text"]), default="rich", show_default=True)
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

    store = open_store(store_path)
    version = resolve_spec(store, spec)
    document = stored_document(store, version)
    side = side_of(store, version)
    if fmt == "json":
        click.echo(dumps(extract_json(document, side)))
    elif fmt == "text":
        click.echo(document_text(document))
    else:
        console(ctx).print(DocumentView(document, side=side))


@cli.command()
@click.option("--store", "store_path", metavar="DIR",
              help="Keep the demo store here instead of a temporary directory.")
@click.pass_context
def demo(ctx: click.Context, store_path: str | None) -> None:
    """Snapshot the bundled three-version example article, then show its log and diff (offline).

    \b
    Example:
      provtrack demo --store /tmp/demo-store && provtrack log --store /tmp/demo-store valleyledger
    """
    from provtrack.demo import run_demo
    from provtrack.render.diffview import DiffView
    from provtrack.render.logview import LogView
    from provtrack.render.safe import safe_text

    temporary = store_path is None
    path = Path(tempfile.mkdtemp(prefix="provtrack-demo-") if store_path is None else store_path)
    out = console(ctx)
    try:
        result = run_demo(open_store(str(path), create=True))
        out.print(safe_text(f"Snapshotted {len(result.snapshots)} versions of a fictional article into "
                            f"{'a temporary store' if temporary else path}:", style="provtrack.header"))
        for snap in result.snapshots:
            out.print(safe_text(f"  v{snap.ref.version}  {snap.ref.fetched_at}  {snap.ref.short_commit}  {Path(snap.location).name}"))
        out.print()
        out.print(LogView(result.article, result.url, result.log))
        out.print()
        out.print(safe_text(f"$ provtrack diff {result.article} v1 v{result.log[-1].ref.version}", style="provtrack.meta"))
        out.print(DiffView(result.diff, context=1))
        if temporary:
            out.print(safe_text("Run `provtrack demo --store DIR` to keep the store and explore it with "
                                "`provtrack log/show/diff --store DIR`.", style="provtrack.meta"))
    finally:
        if temporary:
            shutil.rmtree(path, ignore_errors=True)
