#!/usr/bin/env python3
"""Check the clause inventory (data/clauses/*.toml) and data/eligible_only.toml.

    python3 tools/check_clauses.py [SEEDS_DIR]

SEEDS_DIR defaults to ../shared/seeds relative to the repository root. Stdlib only.
Exits 0 when everything holds, 1 on any problem (each problem is printed).

Checks:
- every file loads as TOML and has the expected [document] fields;
- clause counts per document (sx34 70, nm 52 + 保障措施, xz34 71, xz36 35, xz86 18), each number
  exactly once and in order, cite = "<cite_prefix> 第N条" (nm's extra clause: "内蒙古方案 保障措施");
- every clause text, whitespace removed, is a substring of its seed with whitespace and page
  markers ("- 3 -") removed;
- addressee is "enterprise" or "government"; every enterprise clause links at least one policy;
- every policy id is a computed id (policies.md section B) or an eo. id of eligible_only.toml;
- eligible_only.toml: ids unique and well-formed, only the allowed keys and values, every source
  cite exists, and the sources of each eo. id are exactly the clauses that list it.
"""

import re
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SEEDS = REPO.parent / "shared" / "seeds"
DATA = REPO / "data"

# the clause numbers of 86号: 第一条…第十八条
CN_NUMS = [
    "一",
    "二",
    "三",
    "四",
    "五",
    "六",
    "七",
    "八",
    "九",
    "十",
    "十一",
    "十二",
    "十三",
    "十四",
    "十五",
    "十六",
    "十七",
    "十八",
]  # 86号 第一条…第十八条

EXPECTED = {
    # key: (seed, cite prefix, jurisdiction, clause numbers, extra unnumbered clauses)
    "sx34": ("002_b7ef323fa9f9b8cf.txt", "晋政办发〔2022〕34号", "shanxi", [str(i) for i in range(1, 71)], []),
    "nm": ("003_fdc1b544d65218b6.txt", "内蒙古方案", "inner-mongolia", [str(i) for i in range(1, 53)], ["保障措施"]),
    "xz34": ("000_4b22abcac525f172.txt", "忻政办发〔2022〕34号", "xinzhou", [str(i) for i in range(1, 72)], []),
    "xz36": ("004_698e56af3b006b5e.txt", "忻政办发〔2022〕36号", "xinzhou", [str(i) for i in range(1, 36)], []),
    "xz86": ("001_5c4a7d0e9c55c595.txt", "忻政办发〔2022〕86号", "xinzhou", CN_NUMS, []),
}

COMPUTED = {
    "cit.small_low_profit",
    "iit.individual_business_halving",
    "cit.rd_super_deduction",
    "cit.equipment_deduction",
    "vat.small_scale_exemption",
    "local.six_taxes_two_fees",
    "vat.credit_refund",
    "tax.manufacturing_sme_deferral",
    "ui.stable_job_refund",
    "subsidy.innovation_voucher",
    "subsidy.first_set_equipment",
    "subsidy.first_batch_material_insurance",
    "subsidy.tech_upgrade",
    "award.chain_leader_output",
    "award.whitelist_growth",
    "relief.dev_zone_rent",
    "finance.guarantee_fee_halving",
    "finance.startup_loan_interest",
    "fees.water_gas_deferral",
}

DOC_KEYS = {"key", "number", "cite_prefix", "title", "issuer", "issued", "jurisdiction", "seed", "public"}
CLAUSE_KEYS = {"n", "cite", "section", "text", "summary_zh", "summary_en", "addressee", "policies"}
CLAUSE_OPTIONAL = {"note"}

EO_REQUIRED = {"id", "title_zh", "title_en", "jurisdictions", "sources", "benefit_zh", "benefit_en"}
EO_OPTIONAL = {"entity", "sector_sections", "size_class", "taxpayer", "tech_sme", "confirm_zh", "confirm_en"}
EO_VALUES = {
    "jurisdictions": {"national", "shanxi", "xinzhou", "inner-mongolia"},
    "entity": {"company", "individual-business"},
    "size_class": {"large", "medium", "small", "micro"},
    "taxpayer": {"small-scale", "general"},
    "sector_sections": set("ABCDEFGHIJKLMNOPQRST"),
}
EO_ID = re.compile(r"^eo\.[a-z0-9_.]+$")

PAGE_MARKER = re.compile(r"^\s*-\s*\d+\s*-\s*$", re.M)
WS = re.compile(r"\s+")


def squash(text):
    return WS.sub("", text)


def seed_text(path):
    return squash(PAGE_MARKER.sub("", path.read_text(encoding="utf-8")))


def main(argv):
    seeds = Path(argv[0]) if argv else DEFAULT_SEEDS
    problems = []

    def bad(msg):
        problems.append(msg)

    if not seeds.is_dir():
        print(f"seeds directory not found: {seeds}", file=sys.stderr)
        return 1

    # eligible-only catalogue first (its ids are needed for the clause checks)
    eo_path = DATA / "eligible_only.toml"
    try:
        eo_doc = tomllib.loads(eo_path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        print(f"{eo_path}: {exc}", file=sys.stderr)
        return 1
    eo = {}
    for i, p in enumerate(eo_doc.get("policy", [])):
        pid = p.get("id", f"#{i}")
        missing = EO_REQUIRED - p.keys()
        if missing:
            bad(f"eligible_only {pid}: missing {sorted(missing)}")
        extra = p.keys() - EO_REQUIRED - EO_OPTIONAL
        if extra:
            bad(f"eligible_only {pid}: unknown keys {sorted(extra)}")
        if not EO_ID.match(str(pid)):
            bad(f"eligible_only {pid}: id must match {EO_ID.pattern}")
        if pid in eo:
            bad(f"eligible_only {pid}: duplicate id")
        for k, allowed in EO_VALUES.items():
            if k in p:
                vals = p[k]
                if not isinstance(vals, list) or not vals or not set(vals) <= allowed:
                    bad(f"eligible_only {pid}: {k} = {vals!r} not a non-empty list of {sorted(allowed)}")
        if "tech_sme" in p and not isinstance(p["tech_sme"], bool):
            bad(f"eligible_only {pid}: tech_sme must be a boolean")
        if ("confirm_zh" in p) != ("confirm_en" in p) or len(p.get("confirm_zh", [])) != len(p.get("confirm_en", [])):
            bad(f"eligible_only {pid}: confirm_zh and confirm_en must pair up")
        eo[pid] = p

    # clauses
    cites = {}  # cite -> set of policy ids listed by that clause
    totals = {}
    for key, (seed, prefix, jur, numbers, extras) in EXPECTED.items():
        path = DATA / "clauses" / f"{key}.toml"
        try:
            doc = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            bad(f"{path}: {exc}")
            continue
        meta = doc.get("document", {})
        missing = DOC_KEYS - meta.keys()
        if missing:
            bad(f"{key}: [document] missing {sorted(missing)}")
        if meta.get("key") != key:
            bad(f"{key}: document.key is {meta.get('key')!r}")
        if meta.get("cite_prefix") != prefix:
            bad(f"{key}: cite_prefix {meta.get('cite_prefix')!r} != {prefix!r}")
        if meta.get("jurisdiction") != jur:
            bad(f"{key}: jurisdiction {meta.get('jurisdiction')!r} != {jur!r}")
        if meta.get("seed") != seed:
            bad(f"{key}: seed {meta.get('seed')!r} != {seed!r}")
        seed_path = seeds / seed
        if not seed_path.is_file():
            bad(f"{key}: seed file missing: {seed_path}")
            haystack = None
        else:
            haystack = seed_text(seed_path)
        clauses = doc.get("clause", [])
        got = [c.get("n") for c in clauses]
        want = numbers + extras
        if got != want:
            bad(f"{key}: clause numbers {got} != expected {want}")
        numbered = [n for n in got if n in numbers]
        totals[key] = len(set(numbered))
        for c in clauses:
            n = c.get("n")
            where = f"{key} {n}"
            missing = CLAUSE_KEYS - c.keys()
            if missing:
                bad(f"{where}: missing {sorted(missing)}")
                continue
            extra = c.keys() - CLAUSE_KEYS - CLAUSE_OPTIONAL
            if extra:
                bad(f"{where}: unknown keys {sorted(extra)}")
            want_cite = f"{prefix} {n}" if n in extras else f"{prefix} 第{n}条"
            if c["cite"] != want_cite:
                bad(f"{where}: cite {c['cite']!r} != {want_cite!r}")
            if c["cite"] in cites:
                bad(f"{where}: duplicate cite {c['cite']!r}")
            text = squash(c["text"])
            if not text:
                bad(f"{where}: empty text")
            elif haystack is not None and text not in haystack:
                bad(f"{where}: text is not a substring of the seed {seed}")
            for k in ("summary_zh", "summary_en"):
                if not str(c[k]).strip():
                    bad(f"{where}: empty {k}")
            if c["addressee"] not in ("enterprise", "government"):
                bad(f"{where}: addressee {c['addressee']!r}")
            pols = c["policies"]
            if not isinstance(pols, list):
                bad(f"{where}: policies must be a list")
                pols = []
            if len(set(pols)) != len(pols):
                bad(f"{where}: duplicate policy ids")
            for p in pols:
                if p not in COMPUTED and p not in eo:
                    bad(f"{where}: unknown policy id {p!r}")
            if c["addressee"] == "enterprise" and not pols:
                bad(f"{where}: enterprise clause with no policy")
            cites[c["cite"]] = set(pols)

    # eligible-only sources <-> clause links
    for pid, p in eo.items():
        srcs = p.get("sources", [])
        if not srcs:
            bad(f"eligible_only {pid}: no sources")
        if len(set(srcs)) != len(srcs):
            bad(f"eligible_only {pid}: duplicate sources")
        for s in srcs:
            if s not in cites:
                bad(f"eligible_only {pid}: source {s!r} is not a clause cite")
            elif pid not in cites[s]:
                bad(f"eligible_only {pid}: source {s!r} does not list {pid} in its policies")
        linked = {cite for cite, pols in cites.items() if pid in pols}
        for cite in sorted(linked - set(srcs)):
            bad(f"eligible_only {pid}: clause {cite!r} lists it but is not among its sources")

    summary = ", ".join(f"{k} {v}" for k, v in totals.items())
    print(f"clauses: {summary}; total {sum(totals.values())}; eligible_only: {len(eo)} ids")
    for msg in problems:
        print("PROBLEM:", msg, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s)", file=sys.stderr)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
