"""Plumbing shared by every command: the group, its one-line error handling, common options.

This module is imported at every start-up, so it imports only click and provtrack's
light modules; stores, fetching and rich views load inside the commands that use them.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import re
import sys
from typing import Any, Callable, Mapping

import click

from provtrack import __version__
from provtrack.errors import ProvtrackError, UsageError
from provtrack.limits import DEFAULT_MAX_BYTES, DEFAULT_TOTAL_TIMEOUT

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


def console(ctx: click.Context, **kwargs: Any) -> Any:
    """A rich console honouring the group's --color (rich is imported only by commands that draw)."""
    from provtrack.render.theme import make_console

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


def stdin() -> Any:
    """Standard input as bytes (for SOURCE `-`)."""
    return getattr(sys.stdin, "buffer", sys.stdin)


def fetch_kwargs(timeout: float, max_bytes: int) -> dict[str, Any]:
    return {"total_timeout": timeout, "max_bytes": max_bytes}


# -- terminal views: paging and exports (see provtrack/render/output.py) ------------------

_VIEW_KEY = "provtrack.view"


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    ctx.meta.setdefault(_VIEW_KEY, {})[param.name] = value
    return value


def view_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--no-pager, --export-html FILE, --export-svg FILE; read back by `render_view` (not passed to the command)."""
    for option in reversed([
        click.option("--no-pager", "no_pager", is_flag=True, expose_value=False, callback=_remember,
                     help="Never page long output (by default it goes through PAGER, or less, on a terminal)."),
        click.option("--export-html", "export_html", metavar="FILE", expose_value=False, callback=_remember,
                     help="Also write the view as a self-contained HTML file."),
        click.option("--export-svg", "export_svg", metavar="FILE", expose_value=False, callback=_remember,
                     help="Also write the view as a self-contained SVG picture."),
    ]):
        func = option(func)
    return func


def render_view(ctx: click.Context, renderable: Any) -> None:
    """Print a rich view (paged when long on a terminal) and write the exports asked for."""
    from provtrack.render.output import ViewOutput, deliver

    wanted = ctx.meta.get(_VIEW_KEY, {})
    exports = {k: wanted.get(k) for k in ("export_html", "export_svg")}
    deliver(console(ctx), renderable, ViewOutput(pager=not wanted.get("no_pager"), title=ctx.command_path,
                                                 **exports))


def export_check(ctx: click.Context, fmt: str) -> None:
    """Refuse exports with a non-terminal --format before any work is done."""
    wanted = ctx.meta.get(_VIEW_KEY, {})
    if fmt != "rich" and (wanted.get("export_html") or wanted.get("export_svg")):
        raise UsageError(f"--export-html and --export-svg draw the terminal view; drop --format {fmt}")


_COLOR = click.Choice(["auto", "always", "never"])


def _late_color(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:  # `provtrack log X --color never` means what `provtrack --color never log X` does
        ctx.find_root().params["color"] = value


class ProvtrackGroup(click.Group):
    """Turns expected failures into one line on stderr and an exit code; never a traceback.

    Every command also accepts the global `--color` after its name, where people type it.
    """

    group_class = type  # `feed` and its subcommands get the same treatment
    #: command name -> module of provtrack.cli that registers it, imported when the command is
    #: asked for: `compare` alone does not pay for the other commands' imports
    lazy: Mapping[str, str] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            # an unknown name loads every module: click suggests close names from self.commands
            for module in [self.lazy[cmd_name]] if cmd_name in self.lazy else sorted(set(self.lazy.values())):
                importlib.import_module(f"provtrack.cli.{module}")
        return self.commands.get(cmd_name)

    def load_all(self) -> dict[str, click.Command]:
        """Every command, its module imported (for tests and documentation)."""
        for module in sorted(set(self.lazy.values())):
            importlib.import_module(f"provtrack.cli.{module}")
        return dict(self.commands)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        if not any("--color" in getattr(p, "opts", ()) for p in cmd.params):
            cmd.params.append(click.Option(["--color"], type=_COLOR, default=None, expose_value=False,
                                           callback=_late_color, hidden=True,
                                           help="The global --color, given after the command."))
        super().add_command(cmd, name)

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
    from provtrack.render.escapes import visible  # errors only: its patterns cost a start-up ~1 ms

    first = visible(" ".join(message.split()))
    click.echo(f"provtrack: error: {first}", err=True)
    raise SystemExit(code)


# -- the group --------------------------------------------------------------------------

@click.group(cls=ProvtrackGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="provtrack")
@click.option("--color", type=_COLOR, default="auto", show_default=True,
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



def main() -> None:
    """Entry point for the `provtrack` script and `python -m provtrack`."""
    # What is loaded by now (click, the standard library, this package's start-up modules) lives
    # until the process ends: keep it out of the cycle collector's passes, the last of which runs
    # at exit and walks every object once more (~5 ms of a one-shot compare). Only here, not in
    # `cli` itself, so a process that calls `cli` many times (the tests) still collects everything.
    gc.freeze()
    # A diff or an extraction allocates tens of thousands of small containers (blocks, tuples,
    # token lists) that are live until the output is written; with the default first-generation
    # threshold of 700 the collector walks them over and over (about 2% of a compare of 5,000
    # paragraphs). Cycles are still collected, after every 50,000 net allocations.
    gc.set_threshold(50_000, *gc.get_threshold()[1:])
    cli(prog_name="provtrack")
