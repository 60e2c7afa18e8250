"""Text wrapped for a terminal by display width, never inside a word (issue 12 §7).

A Latin word, a number (2,345,000) or a field name (income.manufacturing_revenue) is one unbreakable piece; a line may
break between two Chinese characters, but not before closing punctuation (，。）、：；) nor after opening punctuation
(（“《). Width is counted in terminal cells: a wide (CJK) character takes two. Only a piece longer than the whole
line is cut, where nothing else could be done. No rich here: views.table hands the lines to rich pre-wrapped.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

__all__ = ["cells", "wrap"]

_CLOSING = set("，。、；：！？）」』”’》〕】〉％…,.;:!?)]}%")
_OPENING = set("（「『“‘《〔【〈([{")
# kept whole: an announcement with its issuers (财政部 税务总局 科技部公告2022年第16号, 国家税务总局公告2021年第8号), a
# document number (晋政办发〔2022〕34号, 人社部发〔2022〕23号), a clause (第11条, 第十三条)
_ISSUERS = "财政部|国家税务总局|税务总局|科技部|国家发展改革委|工业和信息化部|人力资源社会保障部|海关总署"
_WHOLE = (  # (a pattern compiled once with the local documents' names, by _token)
    rf"各县〈市、区〉人民政府|(?:(?:{_ISSUERS}) ?)*公告\d{{4}}年第\d+号"
    r"|[\u4e00-\u9fff]{1,8}〔\d{4}〕\d+号|第[\d一二三四五六七八九十百]+[条号款项]"
)
_COUNTERS = set("年月日号条款项元万亿人个次倍")  # 2021年, 第13号, 500万元: a number keeps its unit
_ORDINAL = "第"


@lru_cache(maxsize=4096)
def _char_cells(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def cells(text: str) -> int:
    """The terminal cells `text` takes (as rich counts them: wide characters two, others one)."""
    if text.isascii():  # (no ASCII character is wide or combining)
        return len(text)
    return sum(map(_char_cells, text))


@cache
def _token() -> re.Pattern[str]:
    """_WHOLE, the local documents named without a number (from data/jurisdictions.toml), or one
    character."""
    from ..params import local_documents

    named = "".join(f"|{re.escape(doc)}" for doc in local_documents() if "〔" not in doc)
    return re.compile(_WHOLE + named + r"|.", re.S)


def _pieces(text: str) -> list[tuple[str, bool]]:
    """(piece, space before) in order: Latin runs whole, each wide character alone, punctuation glued to its
    neighbour (closing to the piece before it, opening to the piece after it)."""
    out: list[tuple[str, bool]] = []
    space = False
    run = ""
    pending_open = ""

    def push(piece: str) -> None:
        nonlocal space, pending_open
        piece = pending_open + piece
        pending_open = ""
        glue = piece[0] in _CLOSING or (
            piece[0] in _COUNTERS and (out[-1][0][-1:].isdigit() or out[-1][0][-1:] in "万亿") if out else False
        )  # (500万元: the number, 万 and 元 together)
        glue = glue or piece[:1] == '"'  # an ASCII quote right after a piece ("1.2亿") closes it: never a line's start
        glue = glue or (piece[:1].isdigit() and out[-1][0].endswith(_ORDINAL) if out else False)
        if out and not space and glue:
            prev, prev_space = out[-1]
            out[-1] = (prev + piece, prev_space)
        else:
            out.append((piece, space))
        space = False

    for ch in _token().findall(text):  # (the pattern has no groups: each match whole)
        if len(ch) > 1:  # a span kept whole
            if run:
                push(run)
                run = ""
            push(ch)
        elif ch.isspace():
            if run:
                push(run)
                run = ""
            if pending_open:
                push("")
            space = True
        elif _char_cells(ch) == 2 or ch in _OPENING or (ch in _CLOSING and not run):  # (a wide character)
            if run:
                push(run)
                run = ""
            if ch in _OPENING:
                pending_open += ch
            else:
                push(ch)
        else:
            run += ch
    if run:
        push(run)
    if pending_open:
        push("")
    return out


def wrap(text: str, width: int, indent: str = "", subsequent: str | None = None) -> list[str]:
    """`text` (its own newlines kept) as lines of at most `width` cells: the first line after `indent`, the others
    after `subsequent` (default: `indent`)."""
    rest = indent if subsequent is None else subsequent
    lines: list[str] = []
    for paragraph in text.split("\n"):
        prefix = indent if not lines else rest
        line, used = prefix, cells(prefix)
        empty = True
        for piece, space in _pieces(paragraph):
            size = cells(piece)
            gap = 1 if space and not empty else 0
            if not empty and used + gap + size > width:
                lines.append(line.rstrip())
                line, used, gap, empty = rest, cells(rest), 0, True
            while size > width - used and empty and size > 0:  # a piece longer than a line: cut, the only way
                room = max(1, width - used)
                head = ""
                for ch in piece:
                    if cells(head + ch) > room:
                        break
                    head += ch
                lines.append(line + head)
                piece = piece[len(head) :]
                size = cells(piece)
                line, used = rest, cells(rest)
            line += " " * gap + piece
            used += gap + size
            empty = False
        lines.append(line.rstrip())
    return lines
