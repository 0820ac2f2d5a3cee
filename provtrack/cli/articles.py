"""Commands that take snapshots: init, extract, snapshot, demo."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

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
    from provtrack.demo import run_demo, snapshot_copy
    from provtrack.render.diffview import DiffView
    from provtrack.render.logview import LogView
    from provtrack.render.safe import safe_text
    from provtrack.trace import trace_source

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
        out.print()
        copy = snapshot_copy(open_store(str(path)))
        traced = trace_source(open_store(str(path)), copy.article)
        out.print(safe_text(f"$ provtrack trace {copy.article}", style="provtrack.meta"))
        out.print(safe_text(f"A fictional aggregator's copy of the story: {traced.count('elsewhere')} of its "
                            f"{len(traced.lines)} blocks were found earlier in the Ledger's article, "
                            f"{traced.count('own')} appear nowhere else in the store (`trace` shows which)."))
        if temporary:
            out.print(safe_text("Run `provtrack demo --store DIR` to keep the store and explore it with "
                                "`provtrack log/show/diff/blame/trace --store DIR`.", style="provtrack.meta"))
    finally:
        if temporary:
            shutil.rmtree(path, ignore_errors=True)
