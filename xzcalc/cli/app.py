"""The typer app and what every command shares: the output enums, panels, the --set option, reading and
building the profile, one-line errors (exit 2), the reform and margin options, writing a file, emitting a result.
Thin: no rule logic; heavy imports inside the functions that need them."""

from __future__ import annotations

import contextlib
import sys
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from .. import __version__
from ..inputs import echo

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from ..messages import Lang as LangCode
    from ..model import Advisory, Result
    from ..reform import Reform

app = typer.Typer(
    name="xzcalc",
    help="What the relief and support policies of Xinzhou, Shanxi and Inner Mongolia, and the national tax measures "
    "they restate, are worth to an enterprise in a tax year, in yuan — each amount with its clause and its arithmetic.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    toml = "toml"
    csv = "csv"


class Lang(StrEnum):
    zh = "zh"
    en = "en"


class TemplateFormat(StrEnum):
    toml = "toml"
    csv = "csv"


class ListFormat(StrEnum):
    table = "table"
    json = "json"


def fail(message: str, code: int = 2) -> NoReturn:
    """One line on stderr and the exit code; the only way bad input leaves the CLI."""
    sys.stderr.write(f"xzcalc: error: {message}\n")
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"xzcalc {__version__}\n")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """xzcalc: relief calculator for Xinzhou, Shanxi and Inner Mongolia (tax year 2022)."""


PROFILE_PANEL = "Profile fields (override the file)"
OUTPUT_PANEL = "Output"

# --set PATH=VALUE, shared by every command that reads a profile
BomOption = Annotated[
    bool | None,
    typer.Option(
        "--excel/--no-bom",
        help="CSV for Excel: a UTF-8 BOM even on a pipe (--excel), or none (--no-bom); by default one when standard "
        "output is a file.",
        rich_help_panel=OUTPUT_PANEL,
    ),
]
SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="PATH=VALUE",
        help="Set any profile field by dotted path (repeatable).",
        rich_help_panel=PROFILE_PANEL,
    ),
]


def read_profile_source(profile: str | None) -> dict[str, Any]:
    """The raw nested mapping of a profile file (TOML/JSON) or stdin (`-`), before overrides: bytes decoded as UTF-8
    (with or without a BOM), else GB18030 (contract.md "Encodings"); one line and exit 2 for anything else."""
    from ..inputs import InputError, document_text
    from ..schema.profile import load_profile

    if profile is None:
        return {}
    if profile == "-":
        if sys.stdin is None or sys.stdin.closed:
            fail("profile: stdin is closed — expected a TOML or JSON profile on stdin")
        source, what, suffix = "stdin", "stdin", ""
        try:
            raw = sys.stdin.buffer.read()
        except (OSError, ValueError) as e:
            fail(f"profile: stdin cannot be read ({e.__class__.__name__}) — expected a TOML or JSON profile")
    else:
        path = Path(profile)
        if not path.is_file():
            fail(f"profile: {echo(profile)!r} is not a readable file — expected a TOML or JSON profile, or - for stdin")
        source, what, suffix = profile, f"profile: {echo(profile)!r}", path.suffix.lower()
        try:
            raw = path.read_bytes()
        except OSError as e:
            fail(f"{what} cannot be read ({e.strerror or e.__class__.__name__}) — expected a TOML or JSON file")
    try:
        text = document_text(raw, what)
    except InputError as e:
        fail(str(e))
    if not text.strip():  # nothing at all (`< /dev/null`, an empty file): no enterprise, not a default one
        fail(
            f"{'profile: stdin' if profile == '-' else what} is empty — expected a TOML or JSON profile "
            "(`xzcalc template` writes one)"
        )
    return load_profile(text, source=source, fmt="json" if suffix == ".json" else "auto")


def build_profile(profile: str | None, options: dict[str, str | None], assignments: list[str]) -> Any:
    """File, then options, then --set PATH=VALUE; parsed and validated once through the declared schema."""
    from ..schema.build import parse_profile
    from ..schema.paths import set_path

    data = read_profile_source(profile)
    for path, value in options.items():
        if value is not None:
            set_path(data, path, value)
    for assignment in assignments:
        path, sep, value = assignment.partition("=")
        if not sep or not path.strip():
            fail(f"--set: {assignment!r} is not valid — expected PATH=VALUE, e.g. --set vat.sales_3pct.2=600000")
        set_path(data, path.strip(), value)
    return parse_profile(data)


def run_guarded(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Turn the core's input errors into one line and exit code 2."""
    from ..money import MoneyError
    from ..params import UnsupportedYear
    from ..schema.profile import ProfileError

    try:
        return fn(*args, **kwargs)
    except (ProfileError, UnsupportedYear) as e:
        fail(str(e))
    except MoneyError as e:
        fail(f"{e.value!r} is not valid — expected {e.expected}")


def emit_result(
    result: Result,
    fmt: str,
    lang: str,
    explain: bool,
    advisories: Sequence[Advisory] = (),
    reform_sha256: str | None = None,
    bom: bool | None = None,
) -> None:
    """The result in `fmt`; a JSON or TOML result carries the receipt (contract.md), `reform` the --params bytes."""
    lg: LangCode = "en" if lang == "en" else "zh"
    if fmt == "table":
        from ..views.table import print_table

        print_table(result, lang=lg, explain=explain, advisories=advisories)
    else:
        from ..receipt import receipt
        from ..views.machine import dumps

        text = dumps(result, fmt, lang=lg, explain=explain, advisories=advisories, receipt=receipt(reform_sha256))
        if fmt == "csv":
            write_csv(text, bom)
        else:
            sys.stdout.write(text)


def write_csv(text: str, bom: bool | None) -> None:
    """CSV on standard output; for Excel, which reads UTF-8 only after a BOM (contract.md), with one when `bom` (the
    --excel/--no-bom option) says so, or by default when standard output is a regular file (`> r.csv`)."""
    if stdout_is_file() if bom is None else bom:
        text = "\ufeff" + text
    sys.stdout.write(text)


def stdout_is_file() -> bool:
    """Whether standard output is a regular file (`> r.csv`), which Excel will open; not a pipe or a terminal."""
    import os
    import stat

    try:
        return sys.stdout is not None and stat.S_ISREG(os.fstat(sys.stdout.fileno()).st_mode)
    except (OSError, ValueError, AttributeError):
        return False


WHATIF_PANEL = "What-if"


class TableJsonCsv(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def lang_code(lang: str) -> LangCode:
    return "en" if lang == "en" else "zh"


def load_reform_option(path: str | None) -> Reform | None:
    """--params FILE.toml → a Reform, or exit 2 with the one-line reason."""
    if path is None:
        return None
    from ..reform import ReformError, load_reform

    try:
        return load_reform(path)
    except ReformError as e:
        fail(str(e))


def parse_margin(text: str) -> Decimal:
    from ..money import MoneyError, parse_rate

    try:
        return parse_rate(text)
    except MoneyError as e:
        fail(f"--margin: {text!r} is not valid — expected {e.expected}")


# ── help in Chinese (issue 12 §7): --lang zh or a Chinese locale; help only, never an output format ───────────────


def help_language(argv: Sequence[str], environ: Mapping[str, str]) -> LangCode:
    """zh when the command line asks for help (--help, or nothing at all) and says --lang zh, or says no --lang and
    the locale is Chinese (the first of LC_ALL, LC_MESSAGES, LANG that is set, as POSIX orders them); else en."""
    if argv and "--help" not in argv:
        return "en"
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return "zh" if argv[i + 1] == "zh" else "en"
        if arg.startswith("--lang="):
            return "zh" if arg == "--lang=zh" else "en"
    locale = next((environ[k] for k in ("LC_ALL", "LC_MESSAGES", "LANG") if environ.get(k)), "")
    return "zh" if locale.lower().startswith("zh") else "en"


def without_lang(argv: Sequence[str]) -> list[str]:
    """argv less its --lang option: help needs none, and a command without --lang (template) would refuse it."""
    out: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--lang":
            skip = True
        elif not arg.startswith("--lang="):
            out.append(arg)
    return out


def run_with_chinese_help(argv: Sequence[str]) -> None:
    """Build the click command of `app`, put the Chinese help of data/help.toml on it, and run it on `argv`."""
    import typer.main

    from ..data import load_data

    texts = load_data("help.toml")
    group = typer.main.get_command(app)
    group.help = texts["app"]
    for name, command in getattr(group, "commands", {}).items():
        entry = texts.get("command", {}).get(name)
        if entry is None:
            continue
        command.help = entry.get("help", command.help)
        command.short_help = entry.get("short", command.short_help)
        options = entry.get("options", {})
        for param in command.params:
            if param.name in options and hasattr(param, "help"):
                param.help = options[param.name]
    # click measures text in characters, a Chinese one takes two cells: lay the help out for a terminal about half as
    # wide (its first column, the options, is Latin) so that the lines fit the real one
    import shutil

    columns = shutil.get_terminal_size().columns
    group(args=without_lang(argv), prog_name="xzcalc", terminal_width=max(40, (columns + 32) // 2))


def refuse_inputs(option: str, target: str | Path | None, *inputs: str | Path | None) -> None:
    """Exit 2 when an output file (`target`, given by `option`) is one of the command's input files — by name, link
    or path: writing it would destroy the input (a bureau's only list, a profile) before or while it is read."""
    import os

    if target is None or str(target) == "-" or not os.path.exists(target):
        return
    for given in inputs:
        if given is None or str(given) == "-" or not os.path.exists(given):
            continue
        try:
            same = os.path.samefile(target, given)
        except OSError:
            continue
        if same:
            fail(
                f"{option}: {echo(str(target))!r} is the input {echo(str(given))!r} — expected another file (it would "
                "be overwritten)"
            )


def write_file(path: Path, text: str, option: str, inputs: Sequence[str | Path | None] = ()) -> None:
    """`text` to `path` whole or not at all (a temporary file beside it, renamed over it); never over an input."""
    import os
    import tempfile

    from ..inputs import publish

    refuse_inputs(option, path, *inputs)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(
            dir=path.parent if str(path.parent) else ".", prefix=f".{path.name}.", suffix=".part"
        )
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        publish(tmp, path)
        tmp = None
    except OSError as e:
        fail(f"{option}: {str(path)!r} cannot be written ({e.strerror or e.__class__.__name__})")
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    sys.stderr.write(f"xzcalc: wrote {path}\n")
