"""The bare floor a batch cannot beat: read the CSV, parse five money columns exactly, write 20 columns.

    python bench/floor.py IN.csv OUT.csv

csv.DictReader over the same file `xzcalc batch` reads; five amounts parsed with Decimal (after the minimum
a real file needs: thousands separators and 万/亿); 20 columns written with csv.writer, UTF-8 with BOM.
Both mixes of bench/generate.py have the columns it reads (the bureau's register: the five amounts in plain yuan).
"""

from __future__ import annotations

import csv
import sys
from decimal import Decimal

MONEY = ("total_assets", "revenue", "income.taxable_income", "vat.vat_payable", "local_taxes.property")
UNITS = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}
ZERO = Decimal(0)


def money(text: str) -> Decimal:
    text = text.replace(",", "")
    if not text:
        return ZERO
    unit = UNITS.get(text[-1])
    return Decimal(text[:-1]) * unit if unit is not None else Decimal(text)


def main(src: str, dst: str) -> None:
    with (
        open(src, encoding="utf-8-sig", newline="") as fin,
        open(dst, "w", encoding="utf-8-sig", newline="") as fout,
    ):
        writer = csv.writer(fout, lineterminator="\n")
        writer.writerow(
            [
                "id",
                "name",
                "jurisdiction",
                "sector",
                *MONEY,
                "sum",
                "max",
                "min",
                "share_revenue",
                "entity",
                "taxpayer",
                "employees",
                "year",
                "location",
                "uscc",
                "error",
            ]
        )
        for row in csv.DictReader(fin):
            values = [money(row[c]) for c in MONEY]
            total = sum(values, ZERO)
            writer.writerow(
                [
                    row["id"],
                    row["name"],
                    row["jurisdiction"],
                    row["sector"],
                    *values,
                    total,
                    max(values),
                    min(values),
                    values[1] / total if total else ZERO,
                    row["entity"],
                    row["vat.taxpayer"],
                    row["employees"],
                    row["year"],
                    row["location"],
                    row["uscc"],
                    "",
                ]
            )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
