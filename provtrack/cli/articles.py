"""Commands that take snapshots: init, extract, snapshot, demo."""

from __future__ import annotations

import click

from provtrack.cli.base import cli, console, dumps, fetch_kwargs, fetch_options, open_store, stdin, store_option
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
@click.option("--accept-shorter", is_flag=True,
              help="Store a page whose text collapsed against the latest version as a version anyway.")
@fetch_options
@click.pass_context
def snapshot(ctx: click.Context, sources: tuple[str, ...], store_path: str, url: str | None, at: str | None,
             no_raw: bool, accept_shorter: bool, timeout: float, max_bytes: int) -> None:
    """Fetch SOURCE(s) and store each as a new version if its text changed.

    SOURCE is an http(s) URL, a saved file, or - for stdin. Prints the article id,
    version, short commit and a one-line change summary, or `unchanged`. A page whose
    text is less than half of the latest version's (a paywall, consent or error page)
    is kept as a suspect fetch, not stored as a version, unless --accept-shorter.

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
            result = take(store, source, url=url, at=at, keep_raw=not no_raw, accept_shorter=accept_shorter,
                          stdin=stdin(), **fetch_kwargs(timeout, max_bytes))
        except ProvtrackError as exc:
            if len(sources) == 1:
                raise
            failed += 1
            message = str(exc) if source in str(exc) else f"{source}: {exc}"
            click.echo(f"provtrack: error: {visible(' '.join(message.split()))}", err=True)
            continue
        ref = result.ref
        if result.suspect is not None:
            click.echo(visible(f"{result.article}  SUSPECT fetch, not stored as a version (still v{ref.version}): "
                               f"{result.suspect.reason} Kept as evidence in commit {result.suspect.commit[:10]}; "
                               f"if the article really was cut, run again with --accept-shorter"))
        elif result.created:
            line = "first version" if ref.version == 1 else summary_line(result.summary)
            click.echo(visible(f"{result.article}  v{ref.version}  {ref.short_commit}  {line}"))
        else:
            click.echo(visible(f"{result.article}  unchanged (still v{ref.version}, {ref.short_commit})"))
        for note in result.notes:
            click.echo(visible(f"  note: {note}"))
    if failed:
        raise SystemExit(1)


@cli.command()
@click.argument("articles", nargs=-1)
@store_option
@click.option("--dry-run", is_flag=True, help="Say what would change; store nothing.")
def reextract(articles: tuple[str, ...], store_path: str, dry_run: bool) -> None:
    """Re-run the current extractor over the stored raw bytes of ARTICLE(s) (default: all).

    When the latest version reads differently, the result is stored as a new version
    whose meta.json and commit say it is a re-extraction (of which version, by which
    extractor), keeping the original fetch provenance; `diff` notes that its changes
    come from the extractor, not the publisher. Versions stored with --no-raw are skipped.

    \b
    Examples:
      provtrack reextract --dry-run
      provtrack reextract valleyledger
    """
    from provtrack.model import summary_line
    from provtrack.reextract import reextract as run

    store = open_store(store_path)
    ids = [store.resolve_article(a) for a in articles] if articles else [e.id for e in store.articles()]
    failed = 0
    for article_id in ids:
        try:
            result = run(store, article_id, dry_run=dry_run)
        except ProvtrackError as exc:
            failed += 1
            click.echo(f"provtrack: error: {visible(article_id)}: {visible(' '.join(str(exc).split()))}", err=True)
            continue
        ref, how = result.ref, f"{result.extractor_before} -> {result.extractor_after}"
        if result.status == "created":
            line = f"v{ref.version}  {ref.short_commit}  re-extraction of v{result.source_version} ({how}): " \
                   f"{summary_line(result.summary)}"
        elif result.status == "would-change":
            line = f"would store v{ref.version + 1}: re-extraction of v{ref.version} ({how}): {summary_line(result.summary)}"
        elif result.status == "unchanged":
            line = f"unchanged (v{ref.version} reads the same with {result.extractor_after})"
        else:
            line = f"skipped: {result.reason}"
        click.echo(visible(f"{article_id}  {line}"))
    if failed:
        raise SystemExit(1)


@cli.command()
@click.option("--store", "store_path", metavar="DIR",
              help="Keep the demo store here instead of a temporary directory.")
@click.pass_context
def demo(ctx: click.Context, store_path: str | None) -> None:
    """Snapshot the bundled three-version example article, then show its log and diff (offline).

    It also snapshots a fictional aggregator's copy of the story as a second article, and
    says what `trace` finds in it.

    \b
    Example:
      provtrack demo --store /tmp/demo-store && provtrack log --store /tmp/demo-store valleyledger
    """
    import shutil
    import tempfile

    from provtrack.demo import run_demo, snapshot_copy
    from provtrack.render.demoview import DemoView, TraceCount
    from provtrack.trace import trace_source

    temporary = store_path is None
    path = tempfile.mkdtemp(prefix="provtrack-demo-") if store_path is None else store_path
    try:
        result = run_demo(open_store(path, create=True))  # refuses a store that already holds articles
        copy = snapshot_copy(open_store(path))
        traced = trace_source(open_store(path), copy.article)
        count = TraceCount(copy.article, len(traced.lines), traced.count("elsewhere"), traced.count("own"))
        console(ctx).print(DemoView(result, count, store=None if temporary else path), crop=False)
    finally:
        if temporary:
            shutil.rmtree(path, ignore_errors=True)
