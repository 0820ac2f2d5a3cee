"""Commands that keep the archive trustworthy: verify and upgrade."""

from __future__ import annotations

from typing import Any

import click

from provtrack.cli.base import FORMAT_RICH_JSON, cli, console, dumps, open_store, store_option


@cli.command()
@click.argument("articles", nargs=-1, metavar="[ARTICLE]...")
@click.option("--expect-head", metavar="COMMIT",
              help="A head published earlier: fail unless it is still an ancestor of main.")
@store_option
@click.option("--format", "fmt", type=FORMAT_RICH_JSON, default="rich", show_default=True)
@click.pass_context
def verify(ctx: click.Context, articles: tuple[str, ...], expect_head: str | None, store_path: str,
           fmt: str) -> None:
    """Check the archive: every hash, version number and parent link, git's objects, and history.

    Each stored raw file and block file is hashed again and compared with meta.json and
    the commit trailers; versions must run v1..vN with correct previous_commit links;
    `git fsck` checks the objects. Exits 1 if anything is wrong (warnings alone exit 0).

    \b
    Examples:
      provtrack verify
      provtrack verify valleyledger --format json
      provtrack verify --expect-head 3f9a1c2
    """
    from provtrack.verify import verify as run_verify

    report = run_verify(open_store(store_path), articles, expect_head=expect_head)
    if fmt == "json":
        click.echo(dumps(report.to_json()))
    else:
        console(ctx).print(_report_view(report))
    if not report.ok:
        ctx.exit(1)


def _report_view(report: Any) -> Any:
    from rich.console import Group
    from rich.text import Text

    from provtrack.render.safe import safe_text

    lines = [Text.assemble(("Verified ", "provtrack.header"), safe_text(report.store),
                           f": {report.articles} article(s), {report.versions} version(s), "
                           f"{report.commits} commit(s)",
                           f", head {report.head[:10]}" if report.head else " (empty store)")]
    lines.append(Text(f"git fsck: {'ok' if report.fsck_ok else 'FAILED'}"))
    if report.signatures:
        counts = ", ".join(f"{n} {name}" for name, n in sorted(report.signatures.items()))
        lines.append(Text(f"signatures: {counts}"))
    if report.expected_head:
        held = not any(p.check == "history" and p.commit and p.message.startswith("published head")
                       for p in report.problems)
        lines.append(Text(f"published head {report.expected_head}: "
                          f"{'still an ancestor of main' if held else 'NOT an ancestor of main'}"))
    if not report.problems:
        lines.append(Text("no problems found", style="provtrack.added"))
    for p in report.problems:
        where = " ".join(x for x in (p.article or "", f"v{p.version}" if p.version else "",
                                     f"({p.commit[:10]})" if p.commit else "") if x)
        style = "provtrack.removed" if p.severity == "error" else "provtrack.changed"
        lines.append(Text.assemble((f"{p.severity:<7}", style), (f" {p.check:<9} ", "provtrack.label"),
                                   safe_text(where), ": " if where else "", safe_text(p.message)))
    errors = len(report.errors)
    if report.problems:
        lines.append(Text(f"{errors} error(s), {len(report.problems) - errors} warning(s)", style="provtrack.summary"))
    return Group(*lines)


@cli.command()
@store_option
@click.option("--dry-run", is_flag=True, help="Show the upgrade steps without changing the store.")
def upgrade(store_path: str, dry_run: bool) -> None:
    """Upgrade an older store to this provtrack's store format, one commit per format step.

    provtrack refuses to read a store of an older format until it is upgraded, and a store
    of a newer format until provtrack is. Keep a copy of the store (`git clone`) first.

    \b
    Examples:
      provtrack upgrade --dry-run
      provtrack upgrade --store archive
    """
    from provtrack.render.escapes import visible
    from provtrack.store import Store
    from provtrack.upgrade import upgrade as run_upgrade

    result = run_upgrade(Store(store_path, any_format=True), dry_run=dry_run)
    where = visible(result.store)
    if not result.steps:
        click.echo(f"{where} is already at store format {result.to_format}; nothing to do")
        return
    verb = "would upgrade" if dry_run else "upgraded"
    click.echo(f"{verb} {where} from store format {result.from_format} to {result.to_format}:")
    for number, summary in enumerate(result.steps):
        commit = f" ({result.commits[number][:10]})" if result.commits else ""
        click.echo(f"  {result.from_format + number} -> {result.from_format + number + 1}: {visible(summary)}{commit}")
