"""Generate docs/policies.md and docs/formulas.md from data/ (`make docs`; a test checks they are current)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xzcalc.clauses import all_clauses  # noqa: E402
from xzcalc.data import load_toml, tax_years  # noqa: E402
from xzcalc.params import Parameter, all_policies, jurisdictions, param_set  # noqa: E402
from xzcalc.views.labels import param_value  # noqa: E402

KIND = {
    "tax_reduction": "减税",
    "tax_deferral": "缓税",
    "refund": "退税退费",
    "subsidy": "补贴奖励",
    "cost_saving": "成本节约",
}
DOCS = ("sx34", "nm", "xz34", "xz36", "xz86")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render() -> str:
    policies = {p.id: p for p in all_policies()}
    out = [(ROOT / "docs" / "policies_intro.md").read_text(encoding="utf-8").rstrip(), ""]
    out += [
        "## The catalogue",
        "",
        "Computed policies first (in the order the engine reports them), then the benefits shown without an amount.",
        "",
        "| id | title | kind | certainty | offered in | sources |",
        "|---|---|---|---|---|---|",
    ]
    for p in policies.values():
        out.append(
            f"| `{p.id}` | {p.title.zh}<br>{_cell(p.title.en)} | {p.kind} ({KIND[p.kind]}) | {p.certainty} | "
            f"{', '.join(p.jurisdictions)} | {'<br>'.join(p.sources)} |"
        )
    clauses = all_clauses()
    for key in DOCS:
        doc = load_toml(ROOT / "data" / "clauses" / f"{key}.toml")["document"]
        rows = [c for c in clauses.values() if c.document == doc["cite_prefix"]]
        out += [
            "",
            f"## {doc['cite_prefix']} — {doc['title']} ({doc['issued']})",
            "",
            "| clause | summary | what xzcalc does |",
            "|---|---|---|",
        ]
        for c in rows:
            if c.policies:
                does = "<br>".join(
                    f"`{pid}` ({'eligible_only' if policies[pid].certainty == 'eligible_only' else 'computed'})"
                    if pid in policies
                    else f"`{pid}` (**unknown id**)"
                    for pid in c.policies
                )
            elif c.addressee == "enterprise":
                does = "addressed to enterprises, no separate benefit (see note)"
            else:
                does = "not addressed to an enterprise (a task for government departments)"
            summary = c.summary_zh + ("<br>" + c.summary_en if c.summary_en else "")
            if c.note:
                summary += f"<br>*Note: {c.note}*"
            out.append(f"| {c.n} | {_cell(summary)} | {does} |")
    out += render_years()
    return "\n".join(out) + "\n"


STATUS = {"computed": "computed", "not_in_force": "not in force", "not_computed": "in force, not computed"}


def render_years() -> list[str]:
    """Each computed measure by tax year (data/years.toml): computed, not in force, or in force but not computed;
    and, where computed, the parameters in force on the year's last day with the clause of their window."""
    years = tax_years()
    params: dict[str, Parameter] = {}
    for j in jurisdictions():
        for p in param_set(j, years.default):
            params.setdefault(p.name, p)
    out = [
        "",
        f"## The measures by tax year ({years.first}–{years.last})",
        "",
        "Generated from `data/years.toml`, each policy's `years` in `data/policies.toml` and the dated windows of "
        "`data/params/*.toml` (years.md). A measure is computed with the parameters in force in the year, or listed "
        "as not in force, or as in force but not computed by xzcalc (with its reason) — never computed with another "
        "year's figures. The values are those in force on 31 December (the small-scale VAT measures are read per "
        "filing period: see `docs/formulas.md` for every window).",
    ]
    for pol in all_policies():
        if pol.certainty == "eligible_only":
            continue
        used = [p for n, p in params.items() if any(n == pre or n.startswith(pre + ".") for pre in pol.params)]
        out += [
            "",
            f"### `{pol.id}` — {pol.title.zh} / {pol.title.en}",
            "",
            "| year | status | parameters |",
            "|---|---|---|",
        ]
        for year in years.all:
            status = pol.status_in(year)
            cells = []
            if status == "computed":
                on = date(year, 12, 31)
                for p in used:
                    try:
                        value = p.at(on)
                    except LookupError:
                        continue
                    cells.append(f"`{p.name}` = {param_value(value)} ({p.source_on(on)})")
            out.append(f"| {year} | {STATUS[status]} | {_cell('<br>'.join(cells))} |")
    return out


def render_formulas() -> str:
    """Every computed rule in words, with the dated parameters it reads (value, window, source, who sets it)."""
    params = {}
    for j in jurisdictions():
        for p in param_set(j, tax_years().default):  # (the same parameters in every tax year)
            params.setdefault(p.name, p)
    out = [
        "# Formulas and parameters",
        "",
        "Generated by `make docs` from `data/policies.toml` and `data/params/*.toml`; `xzcalc explain ID` shows the "
        "same for one policy, with the clauses quoted. Amounts are rounded once per item, half-up to the fen.",
        "",
    ]
    for pol in all_policies():
        if pol.certainty == "eligible_only":
            continue
        out += [
            f"## `{pol.id}` — {pol.title.zh} / {pol.title.en}",
            "",
            f"{pol.kind} · {pol.certainty} · offered in {', '.join(pol.jurisdictions)}",
            "",
            pol.summary.zh,
            "",
            pol.summary.en,
            "",
        ]
        used = [p for name, p in params.items() if any(name == pre or name.startswith(pre + ".") for pre in pol.params)]
        if used:
            out += ["| parameter | value | from | until | set by | source |", "|---|---|---|---|---|---|"]
            for p in used:
                for w in p.windows:
                    out.append(
                        f"| `{p.name}` | {_cell(param_value(w.value))} | {w.start} | {w.end} | {p.origin} | "
                        f"{_cell(w.source or p.source)} |"
                    )
            out.append("")
        first, last = pol.computed_years
        out += [
            f"Computed in tax years {first}–{last}"
            + (
                f" (in force {pol.in_force_years[0]}–{pol.in_force_years[1]})"
                if pol.in_force_years != pol.computed_years
                else ""
            )
            + ".",
            "",
        ]
        out += ["Sources: " + "；".join(pol.sources), ""]
    return "\n".join(out)


TARGETS = {"policies.md": render, "formulas.md": render_formulas}


def main() -> int:
    stale = []
    for name, make in TARGETS.items():
        target = ROOT / "docs" / name
        text = make()
        if "--check" in sys.argv:
            if not target.is_file() or target.read_text(encoding="utf-8") != text:
                stale.append(name)
            continue
        target.write_text(text, encoding="utf-8")
        print(f"wrote docs/{name}")
    if stale:
        print(f"docs out of date ({', '.join(stale)}): run `make docs`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
