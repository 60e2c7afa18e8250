"""Generate docs/policies.md from the catalogue and the clause inventory (`make docs`; a test checks it is current)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xzcalc.clauses import all_clauses  # noqa: E402
from xzcalc.params import all_policies, load_toml  # noqa: E402

KIND = {"tax_reduction": "减税", "tax_deferral": "缓税", "refund": "退税退费", "subsidy": "补贴奖励", "cost_saving": "成本节约"}
DOCS = ("sx34", "nm", "xz34", "xz36", "xz86")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render() -> str:
    policies = {p.id: p for p in all_policies()}
    out = [(ROOT / "docs" / "policies_intro.md").read_text(encoding="utf-8").rstrip(), ""]
    out += ["## The catalogue", "",
            "Computed policies first (in the order the engine reports them), then the benefits shown without an amount.",
            "", "| id | title | kind | certainty | offered in | sources |", "|---|---|---|---|---|---|"]
    for p in policies.values():
        out.append(f"| `{p.id}` | {p.title.zh}<br>{_cell(p.title.en)} | {p.kind} ({KIND[p.kind]}) | {p.certainty} | "
                   f"{', '.join(p.jurisdictions)} | {'<br>'.join(p.sources)} |")
    clauses = all_clauses()
    for key in DOCS:
        doc = load_toml(ROOT / "data" / "clauses" / f"{key}.toml")["document"]
        rows = [c for c in clauses.values() if c.document == doc["cite_prefix"]]
        out += ["", f"## {doc['cite_prefix']} — {doc['title']} ({doc['issued']})", "",
                "| clause | summary | what xzcalc does |", "|---|---|---|"]
        for c in rows:
            if c.policies:
                does = "<br>".join(
                    f"`{pid}` ({'eligible_only' if policies[pid].certainty == 'eligible_only' else 'computed'})"
                    if pid in policies else f"`{pid}` (**unknown id**)" for pid in c.policies)
            elif c.addressee == "enterprise":
                does = "addressed to enterprises, no separate benefit (see note)"
            else:
                does = "not addressed to an enterprise (a task for government departments)"
            summary = c.summary_zh + ("<br>" + c.summary_en if c.summary_en else "")
            if c.note:
                summary += f"<br>*Note: {c.note}*"
            out.append(f"| {c.n} | {_cell(summary)} | {does} |")
    return "\n".join(out) + "\n"


def main() -> int:
    target = ROOT / "docs" / "policies.md"
    text = render()
    if "--check" in sys.argv:
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            print("docs/policies.md is out of date: run `make docs`", file=sys.stderr)
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
