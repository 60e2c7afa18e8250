"""Synthetic enterprises for the batch benchmark: a realistic mix, written as a batch CSV.

    python bench/generate.py N OUT.csv [--seed 1] [--mix today|bureau]

Two mixes of the same enterprises' spread — the three jurisdictions, companies and individual businesses, sectors,
sizes from micro to large, losses, small-scale and general VAT taxpayers:

- today (the default): the header is `xzcalc template --format csv` (every column a user filling in the template
  has), 0–3 pieces of equipment, and money written the ways people write it ("200万", "2,000,000");
- bureau: what a city bureau's register export looks like — the 32 dotted columns of BUREAU_COLUMNS (each a
  template column a rule reads), every amount in plain yuan (digits, sometimes with two decimals; no 万, no
  thousands separators), dates as YYYY-MM-DD.
"""

from __future__ import annotations

import argparse
import csv
import random
from collections.abc import Callable, Iterator
from pathlib import Path

from xzcalc.schema.template import csv_header
from xzcalc.uscc import ALPHABET, check_digit

JURISDICTIONS = (("xinzhou", "忻州", 5), ("shanxi", "太原", 3), ("inner-mongolia", "呼和浩特", 2))
# (sector code, name part, weight)
SECTORS = (
    ("C34", "机械制造", 6),
    ("C13", "农副食品加工", 3),
    ("C26", "化工", 2),
    ("C30", "建材", 3),
    ("C38", "电气设备", 2),
    ("C", "制造", 1),
    ("B06", "煤业", 3),
    ("D44", "电力", 1),
    ("E47", "建筑工程", 3),
    ("F51", "商贸", 4),
    ("F52", "超市", 4),
    ("G54", "运输", 3),
    ("H62", "餐饮", 3),
    ("I65", "软件", 3),
    ("K7010", "房地产开发", 1),
    ("L72", "商务咨询", 2),
    ("M73", "科技", 2),
    ("A01", "农业", 2),
    ("O80", "家政服务", 1),
    ("R88", "文化传媒", 1),
)
SIZES = (("micro", 45), ("small", 35), ("medium", 15), ("large", 5))
GIVEN = "鑫华宏泰晋元顺达恒盛金瑞丰德利源兴茂嘉禾鼎新博远康宁"


def _weighted(rng: random.Random, options: tuple[tuple, ...]) -> tuple:  # type: ignore[type-arg]
    return rng.choices(options, weights=[o[-1] for o in options])[0]


def _money(rng: random.Random, value: int) -> str:
    """An amount the way a spreadsheet user writes it."""
    style = rng.random()
    if style < 0.15 and value >= 10_000 and value % 10_000 == 0:
        return f"{value // 10_000}万"
    if style < 0.25:
        return f"{value:,}"
    return str(value)


def _uscc(rng: random.Random) -> str:
    first17 = (
        "9114" + "".join(rng.choice("0123456789") for _ in range(4)) + "".join(rng.choice(ALPHABET) for _ in range(9))
    )
    return first17 + check_digit(first17)


def _figures(rng: random.Random, size: str) -> tuple[int, int, int]:
    """Employees, total assets and revenue in yuan for a size (every size's figures drawn, then one kept)."""
    return {
        "micro": (rng.randint(1, 19), rng.randint(20, 500) * 10_000, rng.randint(10, 300) * 10_000),
        "small": (rng.randint(20, 299), rng.randint(500, 5_000) * 10_000, rng.randint(300, 2_000) * 10_000),
        "medium": (
            rng.randint(300, 999),
            rng.randint(5_000, 40_000) * 10_000,
            rng.randint(2_000, 40_000) * 10_000,
        ),
        "large": (
            rng.randint(1_000, 8_000),
            rng.randint(40_000, 500_000) * 10_000,
            rng.randint(40_000, 900_000) * 10_000,
        ),
    }[size]


def _identity(
    rng: random.Random,
    ident: str,
    who: tuple[str, str, str, str, bool],
    figures: tuple[int, int, int],
    money: Callable[[random.Random, int], str],
    with_uscc: float,
) -> dict[str, str]:
    """The columns every mix starts with — id, name, USCC (for a share of rows), place, entity, sector, size figures
    — drawing from `rng` in the same order for every mix (today's mix stays the same file for the same seed)."""
    jurisdiction, city, trade, sector, individual = who
    employees, assets, revenue = figures
    return {
        "id": ident,
        "name": f"{city}{''.join(rng.sample(GIVEN, 2))}{trade}{'个体工商户' if individual else '有限公司'}",
        "uscc": _uscc(rng) if rng.random() < with_uscc else "",
        "jurisdiction": jurisdiction,
        "year": "2022",
        "entity": "individual-business" if individual else "company",
        "sector": sector,
        "location": rng.choice(("city", "city", "county", "other")),
        "employees": str(employees),
        "total_assets": money(rng, assets),
        "revenue": money(rng, revenue),
        "prior_revenue": money(rng, revenue * rng.randint(80, 120) // 100),
    }


def _drawn(rng: random.Random) -> tuple[tuple[str, str, str, str, bool], str, tuple[int, int, int]]:
    """An enterprise's place, trade and size as both mixes draw them: (jurisdiction, city, trade, sector,
    individual business), its size and its (employees, assets, revenue)."""
    jurisdiction, city, _ = _weighted(rng, JURISDICTIONS)
    sector, trade, _ = _weighted(rng, SECTORS)
    size = _weighted(rng, SIZES)[0]
    individual = size == "micro" and rng.random() < 0.3
    return (jurisdiction, city, trade, sector, individual), size, _figures(rng, size)


def enterprise(rng: random.Random, i: int) -> dict[str, str]:
    who, size, (employees, assets, revenue) = _drawn(rng)
    sector = who[3]
    row = _identity(rng, f"E{i:07d}", who, (employees, assets, revenue), _money, 0.3)
    row["tech_sme"] = "true" if sector[0] in "CIM" and rng.random() < 0.2 else ""
    margin = rng.choice((-0.15, -0.05, 0, 0.02, 0.05, 0.08, 0.12, 0.2))
    income = int(revenue * margin) // 100 * 100
    row["income.taxable_income"] = _money(rng, income) if income >= 0 else str(income)
    if sector[0] in "CIM" and rng.random() < 0.5:
        rd = revenue * rng.randint(1, 6) // 100 // 100 * 100
        row["income.rd_expense"] = _money(rng, rd)
        row["income.rd_expense_q4"] = str(rd // 4)
    for n in range(1, rng.choice((0, 0, 1, 1, 2, 3)) + 1):
        value = rng.choice((rng.randint(1, 490), rng.randint(501, 2_000))) * 10_000
        row[f"equipment.{n}.name"] = rng.choice(("数控机床", "激光切割机", "叉车", "服务器", "生产线", "检测设备"))
        row[f"equipment.{n}.unit_value"] = _money(rng, value)
        row[f"equipment.{n}.years"] = rng.choice(("3", "4", "5", "10", "10"))
        row[f"equipment.{n}.in_service"] = f"2022-{rng.randint(1, 12):02d}"
    small_scale = size == "micro" or (size == "small" and revenue < 500 * 10_000 and rng.random() < 0.5)
    row["vat.taxpayer"] = "small-scale" if small_scale else "general"
    if small_scale:
        for q in range(1, 5):
            row[f"vat.sales_3pct.{q}"] = str(revenue // 4 * rng.randint(70, 100) // 100)
    else:
        row["vat.vat_payable"] = _money(rng, revenue * rng.randint(1, 6) // 100 // 100 * 100)
        if rng.random() < 0.3:
            row["vat.stock_credit"] = str(rng.randint(0, 500) * 1000)
            row["vat.incremental_credit"] = str(rng.randint(0, 300) * 1000)
            row["vat.input_ratio"] = f"{rng.randint(80, 100)}%"
            row["vat.refund_conditions_met"] = rng.choice(("true", "false", "是"))
    row["local_taxes.property"] = str(assets // 1000 * rng.randint(0, 12) // 10)
    row["local_taxes.land_use"] = str(assets // 1000 * rng.randint(0, 6) // 10)
    row["local_taxes.stamp"] = str(revenue // 3000)
    if rng.random() < 0.3:
        row["employment.ui_premiums_prior_year"] = str(employees * rng.randint(200, 600))
        row["employment.insured_employees"] = str(employees)
    if sector[0] == "C" and rng.random() < 0.4:
        row["deferral.taxes_2021q4"] = str(revenue // 200)
        row["deferral.taxes_2022q1"] = str(revenue // 180)
    return row


# the bureau's register export: 32 template columns, each read by a rule (test_bench checks they are the template's)
BUREAU_COLUMNS = (
    "id",
    "name",
    "uscc",
    "jurisdiction",
    "year",
    "entity",
    "sector",
    "location",
    "employees",
    "total_assets",
    "revenue",
    "prior_revenue",
    "income.taxable_income",
    "income.rd_expense",
    "vat.taxpayer",
    "vat.vat_payable",
    "vat.sales_3pct.1",
    "vat.sales_3pct.2",
    "vat.sales_3pct.3",
    "vat.sales_3pct.4",
    "local_taxes.property",
    "local_taxes.land_use",
    "local_taxes.stamp",
    "employment.ui_premiums_prior_year",
    "employment.insured_employees",
    "employment.layoff_rate",
    "deferral.taxes_2021q4",
    "deferral.taxes_2022q1",
    "dev_zone.monthly_rent",
    "guarantee.amount",
    "guarantee.fee_rate",
    "guarantee.contract_date",
)
MIXES = ("today", "bureau")


def _yuan(rng: random.Random, value: int) -> str:
    """An amount as a register exports it: plain yuan, a third of them with fen (never 万 or separators)."""
    if rng.random() < 1 / 3:
        fen = rng.randint(0, 99)
        if value < 0:
            return f"-{-value}.{fen:02d}"
        return f"{value}.{fen:02d}"
    return str(value)


def bureau_enterprise(rng: random.Random, i: int) -> dict[str, str]:
    """One enterprise of the bureau mix: today's spread, the register's columns, amounts to the yuan or the fen."""
    who, size, (employees, assets, revenue) = _drawn(rng)
    sector = who[3]
    # a register's figures are not round: the yuan below the 万 as well
    assets += rng.randint(0, 9_999)
    revenue += rng.randint(0, 9_999)
    row = _identity(rng, f"B{i:07d}", who, (employees, assets, revenue), _yuan, 0.9)
    margin = rng.choice((-0.15, -0.05, 0, 0.02, 0.05, 0.08, 0.12, 0.2))
    row["income.taxable_income"] = _yuan(rng, int(revenue * margin))
    if sector[0] in "CIM" and rng.random() < 0.5:
        row["income.rd_expense"] = _yuan(rng, revenue * rng.randint(1, 6) // 100)
    small_scale = size == "micro" or (size == "small" and revenue < 500 * 10_000 and rng.random() < 0.5)
    row["vat.taxpayer"] = "small-scale" if small_scale else "general"
    if small_scale:
        for q in range(1, 5):
            row[f"vat.sales_3pct.{q}"] = _yuan(rng, revenue // 4 * rng.randint(70, 100) // 100)
    else:
        row["vat.vat_payable"] = _yuan(rng, revenue * rng.randint(1, 6) // 100)
    row["local_taxes.property"] = _yuan(rng, assets // 1000 * rng.randint(0, 12) // 10)
    row["local_taxes.land_use"] = _yuan(rng, assets // 1000 * rng.randint(0, 6) // 10)
    row["local_taxes.stamp"] = _yuan(rng, revenue // 3000)
    if rng.random() < 0.6:
        insured = max(1, employees * rng.randint(60, 100) // 100)
        row["employment.ui_premiums_prior_year"] = _yuan(rng, insured * rng.randint(200, 600))
        row["employment.insured_employees"] = str(insured)
        row["employment.layoff_rate"] = rng.choice(("0", "0", "0.01", "0.025", "0.055", "0.08", "0.2"))
    if sector[0] == "C" and rng.random() < 0.4:
        row["deferral.taxes_2021q4"] = _yuan(rng, revenue // 200)
        row["deferral.taxes_2022q1"] = _yuan(rng, revenue // 180)
    if sector[0] in "BCD" and rng.random() < 0.2:
        row["dev_zone.monthly_rent"] = _yuan(rng, rng.randint(5, 200) * 1_000)
    if rng.random() < 0.1:
        row["guarantee.amount"] = _yuan(rng, rng.randint(10, 1_000) * 10_000)
        row["guarantee.fee_rate"] = rng.choice(("0.01", "0.015", "0.02"))
        month = rng.choice(("2022-10", "2022-12", "2023-01", "2023-02", "2023-03", "2023-05"))
        row["guarantee.contract_date"] = f"{month}-{rng.randint(1, 28):02d}"
    return row


def rows(n: int, seed: int = 1, mix: str = "today") -> Iterator[dict[str, str]]:
    rng = random.Random(seed)
    make = bureau_enterprise if mix == "bureau" else enterprise
    for i in range(1, n + 1):
        yield make(rng, i)


def columns(mix: str = "today") -> list[str]:
    """The header of a mix's file."""
    return list(BUREAU_COLUMNS) if mix == "bureau" else csv_header().strip().split(",")


def write(n: int, path: Path, seed: int = 1, mix: str = "today") -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, columns(mix), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows(n, seed, mix))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--mix", choices=MIXES, default="today")
    args = parser.parse_args()
    write(args.n, args.out, args.seed, args.mix)


if __name__ == "__main__":
    main()
