"""The terminal (issue 12 §7): `make run`'s table at 80 columns — no line wider, no word, number, field name,
document number or policy title cut; `calc` with no input prints usage (exit 2); help in Chinese with --lang zh or a
Chinese locale, and no machine format that depends on the locale."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from xzcalc.data import load_data
from xzcalc.messages import message_ids
from xzcalc.params import local_documents
from xzcalc.views.wrap import wrap

ROOT = Path(__file__).resolve().parent.parent
TOKEN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.,\-]*[A-Za-z0-9_]|[A-Za-z0-9_]")


def make_run_args() -> list[str]:
    """The arguments of `make run`'s command (the Makefile's run target: $(BIN)/xzcalc ARGS)."""
    lines = (ROOT / "Makefile").read_text(encoding="utf-8").splitlines()
    recipe = lines[lines.index("run: $(STAMP)") + 1].strip()
    command = shlex.split(recipe)
    assert command[0] == "$(BIN)/xzcalc", recipe
    return command[1:]


def _xzcalc(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "xzcalc", *args], capture_output=True, text=True, encoding="utf-8", env=full, cwd=ROOT
    )


def _table(width: int, *extra: str) -> str:
    out = _xzcalc(*make_run_args(), *extra, env={"COLUMNS": str(width), "TERM": "dumb"})
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_make_run_fits_80_columns_and_cuts_no_word(lang: str) -> None:
    narrow = _table(80, "--lang", lang)
    unwrapped = _table(1000, "--lang", lang)
    lines = narrow.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    # every word, number, date and field name of the 80-column output is one of the unwrapped output's or of the
    # JSON's (which has every date of a claim): none was cut
    as_json = _xzcalc(*make_run_args(), "--lang", lang, "--format", "json").stdout
    words = " ".join(t.get(lang) for t in message_ids().values())  # (the claim line's words: no column shows them)
    whole = set(TOKEN.findall(unwrapped)) | set(TOKEN.findall(as_json)) | set(TOKEN.findall(words))
    cut = sorted(t for t in set(TOKEN.findall(narrow)) if t not in whole)
    assert cut == []
    # a local document's number is never cut (晋政办发〔2022〕34号 whole on its line): as many in both outputs
    for doc in local_documents():
        assert narrow.count(doc) == unwrapped.count(doc), doc
    # a Chinese title stands whole on one line (an English one may wrap between its words, checked above)
    if lang == "en":
        return
    data = json.loads(_xzcalc(*make_run_args(), "--format", "json").stdout)
    for item in data["items"]:
        title = item["title"][lang]
        if item["eligible"] or item["certainty"] != "eligible_only":
            assert any(title in line for line in lines), title


def test_the_wide_table_fits_its_width_too() -> None:
    for width in (110, 140):
        assert max(cell_len(line) for line in _table(width).splitlines()) <= width


def test_wrap_keeps_words_field_names_and_citations() -> None:
    text = (
        "未填写制造业业务收入（income.manufacturing_revenue、income.total_income）："
        "财政部 税务总局公告2021年第13号 第一条"
    )
    for width in range(32, 70, 3):  # (from the longest piece on: a piece wider than a line is cut, the only way)
        lines = wrap(text, width)
        assert all(cell_len(line) <= width for line in lines)
        joined = "\n".join(lines)
        for whole in ("income.manufacturing_revenue", "income.total_income", "公告2021年第13号", "第一条"):
            assert whole in joined, (width, whole)
        assert not any(line.startswith(("，", "、", "）", "：")) for line in lines)


def test_calc_with_no_input_prints_usage_and_exits_2() -> None:
    out = _xzcalc("calc")
    assert out.returncode == 2
    assert out.stdout == ""
    assert out.stderr.startswith("xzcalc: error: nothing to compute — Usage: xzcalc calc [OPTIONS] [profile]")
    assert len(out.stderr.splitlines()) == 1  # one line, like every bad input


def test_help_in_chinese_with_lang_zh_or_a_chinese_locale() -> None:
    zh = load_data("help.toml")["command"]["calc"]
    for args, env in (
        (["calc", "--lang", "zh", "--help"], {"LANG": "C", "LC_ALL": ""}),
        (["calc", "--help"], {"LANG": "zh_CN.UTF-8", "LC_ALL": ""}),
        (["calc", "--help"], {"LC_ALL": "zh_CN.GB18030"}),
    ):
        out = _xzcalc(*args, env=env)
        assert out.returncode == 0, out.stderr
        assert zh["help"] in out.stdout, args
        assert "企业信息：TOML 或 JSON 文件" in out.stdout
    narrow = _xzcalc("calc", "--lang", "zh", "--help", env={"COLUMNS": "80"})
    assert max(cell_len(line) for line in narrow.stdout.splitlines()) <= 80  # (click counts a Chinese character once)
    english = _xzcalc("calc", "--lang", "en", "--help", env={"LANG": "zh_CN.UTF-8", "LC_ALL": ""})
    assert "Compute every policy for one enterprise" in english.stdout
    top = _xzcalc("--lang", "zh", "--help")
    assert top.returncode == 0 and load_data("help.toml")["app"] in top.stdout
    # a command without --lang of its own still gives its help
    assert _xzcalc("template", "--lang", "zh", "--help").returncode == 0


def test_every_calc_option_has_chinese_help() -> None:
    import typer.main

    from xzcalc.cli import app

    command = typer.main.get_command(app).commands["calc"]  # type: ignore[attr-defined]
    options = load_data("help.toml")["command"]["calc"]["options"]
    assert sorted(p.name for p in command.params if p.name != "ctx" and p.name not in options) == []


def test_machine_formats_never_depend_on_the_locale() -> None:
    example = make_run_args()[1]
    for fmt in ("json", "csv", "toml"):
        c = _xzcalc("calc", example, "--format", fmt, env={"LANG": "C", "LC_ALL": "C"})
        zh = _xzcalc("calc", example, "--format", fmt, env={"LANG": "zh_CN.UTF-8", "LC_ALL": "zh_CN.UTF-8"})
        assert c.returncode == zh.returncode == 0
        assert c.stdout == zh.stdout, fmt


@pytest.mark.parametrize(
    "extra",
    [("--years", "2021,2022,2023,2025"), (), ("--years", "2019,2020,2021,2022,2023,2024,2025,2026,2027")],
    ids=["four-years", "three-places", "nine-years"],
)
def test_compare_fits_80_columns_with_whole_titles(extra: tuple[str, ...]) -> None:
    """compare's grid too: at 80 columns every line fits and every policy title stands whole on its line (the
    compact form: title above, amounts below); at 200 the one-line table form, as wide as it needs."""
    example = str(ROOT / "data" / "examples" / "xinzhou_manufacturer.toml")
    out = _xzcalc("compare", example, *extra, env={"COLUMNS": "80", "TERM": "dumb"})
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    data = json.loads(_xzcalc("compare", example, *extra, "--format", "json").stdout)
    titles = {item["title"]["zh"] for item in data["items"] if item.get("certainty") != "eligible_only"}
    assert titles and all(any(t in line for line in lines) for t in titles), titles
    wide = _xzcalc("compare", example, *extra, env={"COLUMNS": "200", "TERM": "dumb"}).stdout
    assert max(cell_len(line) for line in wide.splitlines()) <= 200


def test_the_characters_printed_without_rich_measuring_are_measured_alike() -> None:
    """views.table prints pre-wrapped lines without rich wrapping or cropping them again when each character is one
    views.wrap counts as wide as rich does, or wider (_MEASURED_ALIKE): so for every character it lets through, in
    every Unicode version rich can be told to use — otherwise a line rich would fold could be printed whole."""
    from rich._unicode_data._versions import VERSIONS
    from rich.cells import get_character_cell_size

    from xzcalc.views.table import _measured_alike
    from xzcalc.views.wrap import cells

    allowed = [chr(cp) for cp in range(0x30000) if _measured_alike(chr(cp)) and chr(cp) != "\n"]
    assert len(allowed) > 20_000  # (CJK among them)
    for version in ("auto", *VERSIONS):
        narrower = [ch for ch in allowed if cells(ch) < get_character_cell_size(ch, version)]
        assert narrower == [], version
    for sequence in ("\u200d", "\ufe0f", "\t", "\u0301"):  # rich measures these in sequences, or tabs expand
        assert not _measured_alike(sequence)
    assert _measured_alike("\n") and _measured_alike("晋政办发〔2022〕34号 — “≤ 1,000.00”")


@pytest.mark.parametrize("width", [30, 40, 80, 120])
@pytest.mark.parametrize("colour", [False, True])
@pytest.mark.parametrize(
    "name", ["", "☰" * 70, "👩\u200d👩\u200d👧 家庭作坊 ❤\ufe0f"], ids=["plain", "wide-to-rich", "joined"]
)
def test_printing_without_rich_measuring_gives_the_same_bytes(
    width: int, colour: bool, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """print_table's short way (rich told not to wrap or crop again) and rich's own way give the same bytes: at a
    width the table fits and one it does not (30 < the table's 40), with colour and without, for a plain result and
    for names rich measures otherwise than views.wrap (☰ is wide to rich, narrow to unicodedata)."""
    import io

    from rich.console import Console

    from xzcalc.cli.app import build_profile
    from xzcalc.engine import calculate
    from xzcalc.views import table

    profile = build_profile(str(ROOT / "data" / "examples" / "xinzhou_manufacturer.toml"), {"name": name or None}, [])
    result = calculate(profile, explain=True)
    outputs = []
    for short in (True, False):
        console = Console(file=io.StringIO(), width=width, force_terminal=colour, color_system="truecolor")
        if not short:
            monkeypatch.setattr(table, "_measured_alike", lambda text: False)  # (every print the long way)
        table.print_table(result, lang="zh", explain=True, console=console)
        outputs.append(console.file.getvalue())  # type: ignore[attr-defined]
    assert outputs[0] == outputs[1]
