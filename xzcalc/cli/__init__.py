"""The command line: `xzcalc` (typer). Thin: parse the arguments, call the core, hand the numbers to a view.

Exit status: 0 computed; 2 unusable arguments or an invalid profile (one line naming the field, the value and what
was expected — never a traceback); 1 a batch in which some rows failed; 3 a batch that could not finish (a worker
lost, the output unwritable: one line, no output left); 130 interrupted.

    app.py        the typer app and what every command shares
    calc.py       calc (with advisories, reforms, --html, --svg)
    catalogue.py  policies, explain, template, schema
    batch.py      batch
    whatif.py     compare, sweep
Importing a command module registers its commands on `app`.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import sys
from typing import Any, NoReturn

import typer

from ..inputs import OutputLost
from . import batch, calc, catalogue, whatif  # noqa: F401  (registers the commands)
from .app import app, build_profile, help_language, run_with_chinese_help, without_lang

__all__ = ["app", "build_profile", "main"]


def main() -> None:
    """Console-script entry point.

    typer turns every command's signature into options before it runs one; when the command line names a command,
    only that one is built (the others cost a tenth of `xzcalc calc`'s start-up). `xzcalc --help` still lists all.
    A usage error (an unknown option or command, a value not among the choices) is one line and exit 2, like every
    other bad input.
    """
    # every write to standard output that fails (a full disk, a closed pipe, none at start) becomes OutputLost, which
    # click's own handling (a silent exit 1 on a closed pipe) does not catch; the real one is back when main returns
    real = sys.stdout
    sys.stdout = _Guarded(real)
    try:
        _main()
    finally:
        sys.stdout = real


def _main() -> None:
    chosen = next((arg for arg in sys.argv[1:] if not arg.startswith("-")), None)
    commands = [c for c in app.registered_commands if _command_name(c) == chosen]
    if commands:
        app.registered_commands = commands
    if help_language(sys.argv[1:], os.environ) == "zh":
        run_with_chinese_help(sys.argv[1:])  # help only: machine formats never depend on the locale
        return
    if "--help" in sys.argv[1:]:  # --lang only chooses the help's language (template has no --lang of its own)
        sys.argv[1:] = without_lang(sys.argv[1:])
    try:
        # (also under python -m xzcalc: the usage names the command people type)
        code = app(prog_name="xzcalc", standalone_mode=False)
        sys.stdout.flush()  # (a full disk or a closed pipe shows here, not at the interpreter's exit)
    except OutputLost as e:
        _output_lost(e.cause)
    except typer.Abort:  # Ctrl-C while typer parses or a command runs without its own handler
        sys.stderr.write("xzcalc: interrupted\n")
        sys.exit(130)
    except Exception as e:  # click's usage errors (an unknown option, a bad choice): one line, exit 2
        if not hasattr(e, "format_message") or not hasattr(e, "exit_code"):
            raise
        if type(e).__name__ == "NoArgsIsHelpError":  # `xzcalc` alone: the help, as before
            e.show()  # type: ignore[attr-defined]
        else:
            where = f"xzcalc {chosen}" if commands and chosen else "xzcalc"
            message = " ".join(str(e.format_message()).split())
            sys.stderr.write(f"xzcalc: error: {message} (see {where} --help)\n")
        sys.exit(int(e.exit_code))
    if isinstance(code, int) and code:  # (a command's typer.Exit(code), returned when not standalone)
        sys.exit(code)


class _Guarded(io.TextIOBase):
    """Standard output whose failed writes raise OutputLost (with the OSError); `None` (started without one) fails
    every write."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def _lost(self, e: OSError) -> NoReturn:
        raise OutputLost(e) from e

    def write(self, text: str) -> int:
        if self.real is None:
            self._lost(OSError(errno.EBADF, "standard output is closed"))
        try:
            return int(self.real.write(text))
        except OSError as e:
            self._lost(e)

    def flush(self) -> None:
        if self.real is not None:
            try:
                self.real.flush()
            except OSError as e:
                self._lost(e)

    def isatty(self) -> bool:
        return self.real is not None and bool(self.real.isatty())

    def fileno(self) -> int:
        if self.real is None:
            raise io.UnsupportedOperation("fileno")
        return int(self.real.fileno())

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return str(getattr(self.real, "encoding", None) or "utf-8")

    @property
    def buffer(self) -> Any:
        return getattr(self.real, "buffer", None)


def _output_lost(e: OSError) -> NoReturn:
    """Standard output could not be written (a full disk, /dev/full, a closed pipe): one line and exit 3 (contract.md:
    the output cannot be written), never a traceback — and nothing more is tried on it."""
    with contextlib.suppress(OSError, ValueError, AttributeError, io.UnsupportedOperation):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    sys.stderr.write(f"xzcalc: error: standard output cannot be written ({e.strerror or e.__class__.__name__})\n")
    sys.exit(3)


def _command_name(info: Any) -> str:
    return str(info.name or info.callback.__name__.replace("_", "-"))
