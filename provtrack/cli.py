"""The provtrack command line: parse options, make one library call, render the result."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

import click

from provtrack import __version__
from provtrack.errors import ProvtrackError, UsageError
from provtrack.fetch import DEFAULT_MAX_BYTES, DEFAULT_TOTAL_TIMEOUT
from provtrack.render.safe import safe_text, visible
from provtrack.render.theme import make_console

DEFAULT_STORE = "snapshots"
_UNSAFE_JSON = re.compile("[\u0080-\u009f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]")

FORMAT_RICH_JSON = click.Choice(["rich", "json"])
# click >= 8.2 raises this for a bare `provtrack`; older versions print the help themselves
_NO_ARGS_IS_HELP: Any = getattr(click.exceptions, "NoArgsIsHelpError", ())


# -- plumbing shared by commands ---------------------------------------------------------

def dumps(data: Any) -> str:
    """JSON for scripts: UTF-8 text, but C1 controls and bidi overrides escaped so a terminal never acts on them."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    return _UNSAFE_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def console(ctx: click.Context, **kwargs: Any):
    return make_console(color=ctx.find_root().params.get("color") or "auto", **kwargs)


def open_store(path: str, *, create: bool = False) -> Any:
    from provtrack.store import Store  # gitpython is imported only by commands that use a store

    return Store(path, create=create)


def _store_default(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    # the command's --store wins, then the group's --store, then PROVTRACK_STORE, then ./snapshots
    return value or ctx.find_root().params.get("store_path") or os.environ.get("PROVTRACK_STORE") or DEFAULT_STORE


def store_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--store", "store_path", metavar="DIR", callback=_store_default,
                        help="Snapshot store (a git repository; default ./snapshots, or PROVTRACK_STORE).")(func)


def fetch_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option("--timeout", type=click.FloatRange(min=0.1), default=DEFAULT_TOTAL_TIMEOUT,
                        show_default=True, help="Give up fetching a URL after this many seconds.")(func)
    func = click.option("--max-bytes", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES,
                        show_default=True, help="Refuse sources larger than this.")(func)
    return func


def _stdin() -> Any:
    """Standard input as bytes (for SOURCE `-`)."""
    return getattr(sys.stdin, "buffer", sys.stdin)


def _fetch_kwargs(timeout: float, max_bytes: int) -> dict[str, Any]:
    return {"total_timeout": timeout, "max_bytes": max_bytes}


class ProvtrackGroup(click.Group):
    """Turns expected failures into one line on stderr and an exit code; never a traceback."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except _NO_ARGS_IS_HELP as exc:  # `provtrack` alone: show the help, not an error line
            click.echo(exc.ctx.get_help() if exc.ctx is not None else "provtrack --help")
            raise SystemExit(2) from None
        except click.UsageError as exc:
            hint = f" (see `{exc.ctx.command_path} --help`)" if exc.ctx is not None else ""
            _fail(exc.format_message() + hint, exc.exit_code)
        except click.ClickException as exc:
            _fail(exc.format_message(), exc.exit_code)
        except click.Abort:
            _fail("aborted", 1)
        raise SystemExit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ProvtrackError as exc:
            _fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except BrokenPipeError:
            sys.stderr = open(os.devnull, "w")  # the reader went away (e.g. `| head`); stay quiet
            raise SystemExit(1) from None
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except Exception as exc:  # an unexpected failure still gets one line; details on request
            if os.environ.get("PROVTRACK_DEBUG"):
                raise
            _fail(f"internal error: {type(exc).__name__}: {exc} (set PROVTRACK_DEBUG=1 for a traceback)", 1)


def _fail(message: str, code: int) -> None:
    first = visible(" ".join(message.split()))
    click.echo(f"provtrack: error: {first}", err=True)
    raise SystemExit(code)


# -- the commands -------------------------------------------------------------------------

@click.group(cls=ProvtrackGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="provtrack")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour in terminal output (NO_COLOR and FORCE_COLOR are honoured with auto).")
@click.option("--store", "store_path", metavar="DIR", envvar="PROVTRACK_STORE",
              help="Snapshot store for every command (default ./snapshots); also PROVTRACK_STORE.")
def cli(color: str, store_path: str | None) -> None:
    """Track how news articles change: snapshot, diff and trace every paragraph.

    \b
    Quick start:
      provtrack demo
      provtrack snapshot https://news.example/story
      provtrack log news.example
      provtrack diff news.example
    """


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

    source_obj = load_source(source, stdin=_stdin(), **_fetch_kwargs(timeout, max_bytes))
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
                          stdin=_stdin(), **_fetch_kwargs(timeout, max_bytes))
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


def diff_output(func: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed([
        click.option("--format", "fmt", type=click.Choice(["rich", "json", "markdown"]), default="rich",
                     show_default=True),
        click.option("--context", type=click.IntRange(min=0), default=2, show_default=True,
                     help="Unchanged paragraphs shown around each change."),
        click.option("--show-cosmetic", is_flag=True, help="Also show changes of only case, punctuation or spacing."),
        click.option("--exit-code", is_flag=True, help="Exit 1 when there are substantive differences."),
    ]):
        func = option(func)
    return func


def _emit_diff(ctx: click.Context, diff: Any, fmt: str, context: int, show_cosmetic: bool, exit_code: bool) -> None:
    from provtrack.render.diffview import DiffView
    from provtrack.render.jsonout import diff_json
    from provtrack.render.markdown import diff_markdown

    if fmt == "json":
        click.echo(dumps(diff_json(diff)))
    elif fmt == "markdown":
        click.echo(diff_markdown(diff, show_cosmetic=show_cosmetic))
    else:
        console(ctx).print(DiffView(diff, context=context, show_cosmetic=show_cosmetic))
    if exit_code and diff.has_differences:
        raise SystemExit(1)


@cli.command()
@click.argument("article", metavar="ARTICLE[@REV]")
@click.argument("old", required=False, metavar="[OLD")
@click.argument("new", required=False, metavar="[NEW]]")
@store_option
@diff_output
@click.pass_context
def diff(ctx: click.Context, article: str, old: str | None, new: str | None, store_path: str, fmt: str,
         context: int, show_cosmetic: bool, exit_code: bool) -> None:
    """Show what changed between two stored versions (default: previous against latest).

    \b
    Examples:
      provtrack diff valleyledger                 # previous -> latest
      provtrack diff valleyledger v1 v3           # across several versions
      provtrack diff site-a@v2 site-b@latest      # across two articles
      provtrack diff valleyledger --format json --exit-code
    """
    from provtrack.tracker import diff_specs, stored_diff

    store = open_store(store_path)
    old_v, new_v = diff_specs(store, article, old, new)
    _emit_diff(ctx, stored_diff(store, old_v, new_v), fmt, context, show_cosmetic, exit_code)


@cli.command()
@click.argument("source_a")
@click.argument("source_b")
@diff_output
@fetch_options
@click.pass_context
def compare(ctx: click.Context, source_a: str, source_b: str, fmt: str, context: int, show_cosmetic: bool,
            exit_code: bool, timeout: float, max_bytes: int) -> None:
    """Diff two sources (files or URLs) directly, without a store.

    \b
    Example:
      provtrack compare original.html copy-on-other-site.html
    """
    from provtrack.tracker import compare as run_compare

    if source_a == "-" and source_b == "-":
        raise UsageError("only one of the two sources can be stdin")
    diff = run_compare(source_a, source_b, stdin=_stdin(), **_fetch_kwargs(timeout, max_bytes))
    _emit_diff(ctx, diff, fmt, context, show_cosmetic, exit_code)


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

    temporary = store_path is None
    path = Path(tempfile.mkdtemp(prefix="provtrack-demo-")) if temporary else Path(store_path)
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


@cli.command()
@click.argument("spec", metavar="ARTICLE[@REV]")
@store_option
@click.option("--format", "fmt", type=FORMAT_RICH_JSON, default="rich", show_default=True)
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
    """
    from provtrack.provenance import blame as run_blame
    from provtrack.render.blamejson import blame_json
    from provtrack.render.blameview import BlameView

    result = run_blame(open_store(store_path), spec)
    if fmt == "json":
        click.echo(dumps(blame_json(result)))
    else:
        console(ctx).print(BlameView(result))


@cli.command()
@click.argument("spec", metavar="ARTICLE[@REV]")
@click.argument("block")
@store_option
@click.option("--format", "fmt", type=FORMAT_RICH_JSON, default="rich", show_default=True)
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
    from provtrack.render.blamejson import history_json
    from provtrack.render.blameview import HistoryView

    result = paragraph_history(open_store(store_path), spec, block)
    if fmt == "json":
        click.echo(dumps(history_json(result)))
    else:
        console(ctx).print(HistoryView(result))


def main() -> None:
    """Entry point for `python -m provtrack`."""
    cli(prog_name="provtrack")
