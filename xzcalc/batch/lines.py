"""A block's rows written column by column: the output CSV lines and the summary of rows read as columns
(batch/cells.py), from the block's outcome arrays — the text ChunkWriter.csv_line gives each row from its RowResult,
and what Summary.add counts of it, without a RowResult, an item tuple or a Decimal per row.

    lines = block_lines(shape, block, outcome, line_numbers, ids, names)
    add_block(summary, block, outcome)

For a header without carried or claimed columns (--keep, --group-by, claimed.*): those are written row by row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import repeat
from typing import Any

import numpy as np

from ..inputs import neutralise
from .columnar import Array, Block, Outcome
from .io import csv_field
from .rows import CLASSIFIED_ORDER, cell_text
from .summary import Summary

__all__ = ["Shape", "add_block", "block_lines"]


@dataclass(frozen=True, slots=True)
class Shape:
    """Where a row's values go in an output line: the number of columns, each classification's and each kind's
    total's column, each policy's eligible and amount columns (-1: none)."""

    width: int
    classifications: Sequence[tuple[str, int]]
    totals: Sequence[tuple[str, int]]
    positions: Mapping[str, tuple[int, int]]


_WORDS = np.array(["false", "true"], dtype=object)


def fen_text(fen: int) -> str:
    """An amount in fen as the output writes yuan: str() of the Decimal with two decimals (12345 → "123.45")."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"


_SIGNS = np.array(["", "-"])
_CENTS = np.array([f".{cents:02d}" for cents in range(100)])


def _amounts(fen: Array) -> list[str]:
    """A column of amounts in fen as text, as fen_text writes each ("0.00" shared: most amounts are 0); the texts
    put together by numpy's string functions (an object column, past int64, one by one)."""
    out = ["0.00"] * len(fen)
    at = np.flatnonzero(fen)
    if fen.dtype == object:
        for i in at.tolist():
            out[i] = fen_text(int(fen[i]))
        return out
    value = fen[at]
    magnitude = np.abs(value)
    sign = _SIGNS[(value < 0).view(np.int8)]
    texts = np.strings.add(np.strings.add(sign, (magnitude // 100).astype(str)), _CENTS[magnitude % 100])
    for i, text in zip(at.tolist(), texts.tolist(), strict=True):
        out[i] = text
    return out


def block_lines(
    shape: Shape,
    block: Block,
    outcome: Outcome,
    line_numbers: Sequence[int],
    ids: Sequence[str],
    names: Sequence[str],
) -> list[str]:
    """Each row of the block as its output CSV line (ending "\\n"), in the block's order."""
    n = block.n
    columns: list[Any] = [""] * shape.width  # a list of each row's text, or one text every row has
    columns[0] = list(map(str, line_numbers))
    columns[1] = [csv_field(neutralise(i)) for i in ids]
    columns[2] = [csv_field(neutralise(name)) for name in names]
    columns[3] = block.jurisdiction
    columns[4] = str(block.year)
    decided = [name for name in CLASSIFIED_ORDER if name in outcome.classification]
    for name, col in shape.classifications:
        columns[col] = list(map(cell_text, outcome.classification[name])) if name in decided else ""
    for kind, col in shape.totals:
        total = outcome.total_fen.get(kind)
        columns[col] = "0.00" if total is None else _amounts(total)
    for pid, (at_eligible, at_amount) in shape.positions.items():
        if pid not in block.offered:
            continue
        held = block.settled.get(pid)
        if held is not None:  # years.md: a measure not in force that year, or not computed, says so
            columns[at_eligible] = "false" if held.status == "computed" else held.status
            if at_amount >= 0 and held.amount is not None:
                columns[at_amount] = str(held.amount)
            continue
        eligible, amount = outcome.arrays[pid]
        columns[at_eligible] = _WORDS[eligible.astype(np.intp)].tolist()  # (two shared texts, not one a row)
        if at_amount >= 0 and amount is not None:
            columns[at_amount] = _amounts(amount)
    # adjacent columns every row has the same text in are joined once (a jurisdiction's measures not offered, those
    # not in force that year, the error): a row joins fewer pieces
    pieces: list[Any] = []
    for column in columns:
        if isinstance(column, list) or not pieces or isinstance(pieces[-1], list):
            pieces.append(column)
        else:
            pieces[-1] = pieces[-1] + "," + column
    if isinstance(pieces[-1], list):
        pieces[-1] = [text + "\n" for text in pieces[-1]]
    else:
        pieces[-1] += "\n"
    cells = [piece if isinstance(piece, list) else repeat(piece, n) for piece in pieces]
    return list(map(",".join, zip(*cells)))  # noqa: B905 (repeat is endless; the lists have n)


def add_block(summary: Summary, block: Block, outcome: Outcome) -> None:
    """The block's rows counted in the summary (Summary.add_computed: as Summary.add counts them one by one, with no
    --group-by column and nothing claimed) from its outcome arrays."""
    eligible: dict[str, int] = {}
    paid: dict[str, tuple[int, Decimal]] = {}
    at_zero: dict[str, int] = {}
    for pid, (holds, amount) in outcome.arrays.items():
        if pid in block.settled:
            continue
        eligible[pid] = int(np.count_nonzero(holds))
        if amount is None:  # (an eligible-only benefit)
            continue
        above = holds & (amount != 0)
        paid[pid] = (int(np.count_nonzero(above)), _yuan(sum(amount[above].tolist())))
        at_zero[pid] = eligible[pid] - paid[pid][0]
    totals = {kind: _yuan(sum(total.tolist())) for kind, total in outcome.total_fen.items()}
    summary.add_computed(block.jurisdiction, block.n, totals, eligible, paid, at_zero)


def _yuan(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)
