"""Commands for tracking many articles: import, update, schedule, feed, sync, stats."""

from __future__ import annotations

import click

from provtrack.cli.base import FORMAT_RICH_JSON, cli, console, dumps, fetch_options, open_store, store_option
from provtrack.render.escapes import visible


@cli.command(name="import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(), metavar="PATH...")
@store_option
@click.option("--no-raw", is_flag=True, help="Do not keep the raw bytes (they allow re-extraction later).")
@click.option("--skip-bad", is_flag=True, help="Import the good rows even if some are bad (default: import nothing).")
@click.option("--max-bytes", type=click.IntRange(min=1), default=None, help="Refuse saved pages larger than this.")
@click.option("--accept-shorter", is_flag=True,
              help="Store copies whose text collapsed (paywall, consent or error page?) as versions anyway.")
def import_(paths: tuple[str, ...], store_path: str, no_raw: bool, skip_bad: bool, max_bytes: int | None,
            accept_shorter: bool) -> None:
    """Import saved copies as versions, in fetch-time order: folders of saved pages or CSV manifests.

    A folder: every .html/.htm/.xhtml file in it (and below), fetched at its modification
    time, named by its canonical link. A CSV manifest: rows `url,fetched_at,path` (a header
    row may reorder the columns; an empty url means the page's canonical link; paths are
    relative to the manifest and must stay inside its folder). A copy whose text is
    drastically shorter than the article's previous version is kept as a suspect fetch, as
    `snapshot` keeps it, unless --accept-shorter.

    \b
    Examples:
      provtrack import saved-pages/
      provtrack import manifest.csv --skip-bad
    """
    from provtrack.importer import import_saved
    from provtrack.limits import DEFAULT_MAX_BYTES

    report = import_saved(open_store(store_path, create=True), paths, keep_raw=not no_raw, skip_bad=skip_bad,
                          max_bytes=max_bytes or DEFAULT_MAX_BYTES, accept_shorter=accept_shorter)
    for problem in report.problems:
        click.echo(f"provtrack: error: {visible(' '.join(str(problem).split()))}", err=True)
    if not report.written:
        if report.problems:
            click.echo(f"provtrack: nothing imported: {len(report.problems)} bad row(s) "
                       f"(fix them, or pass --skip-bad to import the rest)", err=True)
        else:
            click.echo("nothing to import")
        raise SystemExit(1 if report.problems else 0)
    click.echo(f"imported {report.created} version(s) of {report.articles} article(s) from {report.rows} row(s); "
               f"{report.unchanged} unchanged" + (f"; {len(report.suspect)} suspect" if report.suspect else "")
               + (f"; {len(report.problems)} bad row(s) skipped" if report.problems else ""))
    for kept in report.suspect:
        click.echo(visible(f"{kept.article}  SUSPECT copy fetched {kept.fetched_at}, not stored as a version "
                           f"(still v{kept.compared_with}): {kept.reason} Kept as evidence in commit {kept.commit[:10]}; "
                           f"if the article really was cut, import again with --accept-shorter"))
    if report.problems:
        raise SystemExit(1)


@cli.command()
@click.argument("articles", nargs=-1, metavar="[ARTICLE...]")
@store_option
@click.option("--jobs", type=click.IntRange(min=1, max=64), default=8, show_default=True,
              help="Fetch this many articles at once.")
@click.option("--due", is_flag=True, help="Only articles whose next check is due (adaptive schedule).")
@click.option("--no-raw", is_flag=True, help="Do not keep the raw bytes of new versions.")
@fetch_options
@click.pass_context
def update(ctx: click.Context, articles: tuple[str, ...], store_path: str, jobs: int, due: bool, no_raw: bool,
           timeout: float, max_bytes: int) -> None:
    """Re-fetch tracked articles (all, the named ones, or those --due) and store what changed.

    Without ARTICLEs, new article links in followed feeds (`provtrack feed add`) are
    snapshotted too. Requests are conditional (If-None-Match / If-Modified-Since); every check is recorded.
    Ends with a table of changed, unchanged and failed articles; exits 1 if any failed.

    \b
    Examples:
      provtrack update --due --jobs 16        # from cron, every few minutes
      provtrack update valleyledger
    """
    from provtrack.update import plan, update as run_update

    store = open_store(store_path)
    targets, done = plan(store, articles, due=due, jobs=jobs, timeout=timeout)
    results = run_update(store, targets, jobs=jobs, keep_raw=not no_raw, timeout=timeout, max_bytes=max_bytes)
    out = console(ctx)
    for failure in done:  # feeds that could not be read
        click.echo(visible(f"{failure.result:9}  {failure.url}  {failure.detail}"), err=True)
    if out.is_terminal and targets:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(TextColumn("checking"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=out, transient=True) as progress:
            task = progress.add_task("update", total=len(targets))
            for result in results:
                done.append(result)
                progress.advance(task)
    else:
        for result in results:
            done.append(result)
            click.echo(visible(f"{result.result:9}  {result.article or result.url}  {result.full_detail}"))
    from provtrack.render.trackview import UpdateTable

    out.print(UpdateTable(done))
    if any(r.result == "failed" for r in done):
        raise SystemExit(1)


@cli.command()
@click.argument("articles", nargs=-1, metavar="[ARTICLE...]")
@store_option
@click.option("--every", metavar="DURATION", help="Check the ARTICLEs at this fixed interval (30m, 1h, 2d, 1w).")
@click.option("--auto", is_flag=True, help="Return the ARTICLEs to the adaptive schedule.")
@click.pass_context
def schedule(ctx: click.Context, articles: tuple[str, ...], store_path: str, every: str | None, auto: bool) -> None:
    """Show when each article is next due for `update --due`, or set a per-article interval.

    \b
    Examples:
      provtrack schedule                          # every article: interval, next check
      provtrack schedule valleyledger --every 1h  # a fixed interval for one article
      provtrack schedule valleyledger --auto      # back to the adaptive rule
    """
    from provtrack.errors import UsageError
    from provtrack.schedule import parse_duration
    from provtrack.update import schedules, set_schedule

    store = open_store(store_path)
    if every is not None or auto:
        if not articles or (every is not None and auto):
            raise UsageError("give ARTICLE(s) with exactly one of --every DURATION or --auto")
        changed = set_schedule(store, articles, every=None if auto else parse_duration(every or ""))
        for article in changed:
            click.echo(visible(f"{article}  {'adaptive' if auto else f'every {every}'}"))
        return
    from provtrack.render.trackview import ScheduleTable

    rows = schedules(store)
    if articles:
        wanted = {store.resolve_article(a) for a in articles}
        rows = [(e, d) for e, d in rows if e.id in wanted]
    console(ctx).print(ScheduleTable([d for _, d in rows]))


@cli.command()
@click.argument("remote", required=False, default="origin")
@store_option
def sync(remote: str, store_path: str) -> None:
    """Fetch the store's `main` from REMOTE (default origin), put local versions on top, push.

    REMOTE is a remote's name or any URL or path git accepts. Versions both sides took
    of the same article are all kept, ordered by fetch time.

    \b
    Examples:
      git -C snapshots remote add origin git@git.example:newsroom/archive.git
      provtrack sync
      provtrack sync /srv/archive.git
    """
    from provtrack.sync import sync as run_sync

    report = run_sync(open_store(store_path), remote)
    merged = f", {report.merged} concurrent version(s) merged by fetch time" if report.merged else ""
    click.echo(visible(f"synced with {remote}: {report.received} commit(s) received, {report.sent} sent{merged}"))


@cli.command()
@store_option
@click.option("--format", "fmt", type=FORMAT_RICH_JSON, default="rich", show_default=True)
@click.pass_context
def stats(ctx: click.Context, store_path: str, fmt: str) -> None:
    """Show store statistics: articles, versions, size on disk, feeds, checks and failures per day.

    \b
    Example:
      provtrack stats --format json
    """
    from provtrack.stats import store_stats

    data = store_stats(open_store(store_path))
    if fmt == "json":
        click.echo(dumps(data))
        return
    from provtrack.render.trackview import StatsView

    console(ctx).print(StatsView(data))


@cli.group()
def feed() -> None:
    """Follow RSS and Atom feeds: `update` starts tracking the articles they link to.

    \b
    Examples:
      provtrack feed add https://news.example/rss.xml
      provtrack feed list
      provtrack feed remove https://news.example/rss.xml
    """


@feed.command(name="add")
@click.argument("url")
@store_option
def feed_add(url: str, store_path: str) -> None:
    """Follow the feed at URL."""
    from provtrack.feeds import FeedList

    added = FeedList(open_store(store_path, create=True)).add(url)
    click.echo(visible(f"{'following' if added else 'already following'} {url}"))


@feed.command(name="list")
@store_option
def feed_list(store_path: str) -> None:
    """List the followed feeds."""
    from provtrack.feeds import FeedList

    for url in FeedList(open_store(store_path)).load():
        click.echo(visible(url))


@feed.command(name="remove")
@click.argument("url")
@store_option
def feed_remove(url: str, store_path: str) -> None:
    """Stop following the feed at URL (articles already tracked stay tracked)."""
    from provtrack.feeds import FeedList

    FeedList(open_store(store_path)).remove(url)
    click.echo(visible(f"no longer following {url}"))
