#!/usr/bin/env python3
"""Extract the numbered clauses of the five seed documents (stdlib only).

Used to produce the verbatim `text` (and `section`) fields of data/clauses/*.toml.
The summaries, addressee and policy links in those files are hand-written; this
script only gets the texts out reliably.

    python3 tools/extract_clauses.py [SEEDS_DIR]           # JSON of all clauses to stdout
    python3 tools/extract_clauses.py [SEEDS_DIR] --compare  # diff against data/clauses/*.toml

Rules applied (see the `note` fields of the TOML files):
- each source line is stripped and lines are joined without a separator (PDF line
  breaks and page breaks); page-marker lines such as "- 1 -" are dropped;
- the clause number and its delimiter ("46．", "1.", "十三、") are not part of the text;
- extraction artefacts that are not document text are left out: the Word bookmark
  "[bookmark: _GoBack]" before 忻政办发〔2022〕36号 第21条, and the closing paragraph
  ("各有关部门要…") that the PDF extraction runs into 晋政办发〔2022〕34号 第70条.
"""

import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SEEDS = REPO.parent / "shared" / "seeds"

SEEDS = {
    "xz34": "000_4b22abcac525f172.txt",
    "xz86": "001_5c4a7d0e9c55c595.txt",
    "sx34": "002_b7ef323fa9f9b8cf.txt",
    "nm": "003_fdc1b544d65218b6.txt",
    "xz36": "004_698e56af3b006b5e.txt",
}

from check_clauses import CN_NUMS  # noqa: E402 (tools/ is on sys.path when run as a script)

PAGE_MARKER = re.compile(r"^\s*-\s*\d+\s*-\s*$")


def _lines(path):
    return [ln for ln in Path(path).read_text(encoding="utf-8").splitlines() if not PAGE_MARKER.match(ln)]


def _split_numbered(lines, start_re, section_re, stop_re, expected):
    """Generic splitter: clause starts matched by start_re (group 'n' = number,
    group 'rest' = text after the delimiter), expected numbers in order."""
    clauses = []
    section = ""
    cur = None
    want = iter(expected)
    nxt = next(want)
    for raw in lines:
        ln = raw.strip()
        if not ln:
            continue
        if stop_re is not None and stop_re.match(ln):
            break
        if section_re is not None and section_re.match(ln):
            section = ln
            cur = None
            continue
        m = start_re.match(ln)
        if m and nxt is not None and m.group("n") == nxt:
            cur = {"n": nxt, "section": section, "parts": [m.group("rest").strip()]}
            clauses.append(cur)
            nxt = next(want, None)
            continue
        if cur is not None:
            cur["parts"].append(ln)
    for c in clauses:
        c["text"] = "".join(c.pop("parts"))
    return clauses


def extract_xz34(path):
    # one clause per line; "44、…" uses 、 and 45 follows on the same line after spaces
    text = Path(path).read_text(encoding="utf-8")
    text = re.sub(r"(（市发改委、市工信局）)\s+(45．)", r"\1\n\2", text)
    lines = text.splitlines()
    start = re.compile(r"^(?P<n>\d+)[．、](?P<rest>.*)$")
    sec = re.compile(r"^[一二三四五六七八九十]+、")
    stop = re.compile(r"^各有关部门要")
    return _split_numbered(lines, start, sec, stop, [str(i) for i in range(1, 72)])


def extract_xz86(path):
    lines = _lines(path)
    start = re.compile(r"^(?P<n>[一二三四五六七八九十]+)、(?P<rest>.*)$")
    stop = re.compile(r"^抄送")
    return _split_numbered(lines, start, None, stop, CN_NUMS)


def extract_sx34(path):
    lines = _lines(path)
    start = re.compile(r"^(?P<n>\d+)\.(?P<rest>.*)$")
    stop = re.compile(r"^抄送")
    # numbers are matched in sequence, so the preamble and lines that merely start with digits are skipped
    clauses = _split_numbered(lines, start, None, stop, [str(i) for i in range(1, 71)])
    last = clauses[-1]
    cut = last["text"].find("各有关部门要把稳定工业增长")
    if cut >= 0:
        last["text"] = last["text"][:cut]
    return clauses


def extract_nm(path):
    lines = _lines(path)
    start = re.compile(r"^(?P<n>\d+)\.\s*(?P<rest>.*)$")
    sec = re.compile(r"^[一二三四五六七八九十]+、")
    stop = re.compile(r"^信息公开选项")
    clauses = _split_numbered(lines, start, sec, stop, [str(i) for i in range(1, 53)])
    # the 保障措施 section: everything after its heading up to 信息公开选项
    out, in_sec = [], False
    for raw in lines:
        ln = raw.strip()
        if not ln:
            continue
        if ln.startswith("信息公开选项"):
            break
        if in_sec:
            out.append(ln)
        if re.match(r"^八、保障措施", ln):
            in_sec = True
            heading = ln
    clauses.append({"n": "保障措施", "section": heading, "text": "".join(out)})
    return clauses


def extract_xz36(path):
    lines = _lines(path)
    start = re.compile(r"^(?:\[bookmark: _GoBack\])?(?P<n>\d+)\.(?P<rest>.*)$")
    # section headings: "1、 加大纾困资金支持" (autonumber lost) and "四、减轻企业负担"
    sec = re.compile(r"^(?:\d+、|[一二三四五六七八九十]+、)")
    stop = re.compile(r"^抄送")
    return _split_numbered(lines, start, sec, stop, [str(i) for i in range(1, 36)])


EXTRACTORS = {"xz34": extract_xz34, "xz86": extract_xz86, "sx34": extract_sx34, "nm": extract_nm, "xz36": extract_xz36}


def extract_all(seeds_dir=DEFAULT_SEEDS):
    seeds_dir = Path(seeds_dir)
    return {k: EXTRACTORS[k](seeds_dir / SEEDS[k]) for k in EXTRACTORS}


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    seeds = Path(args[0]) if args else DEFAULT_SEEDS
    data = extract_all(seeds)
    if "--compare" in argv:
        import tomllib

        bad = 0
        for key, clauses in data.items():
            doc = tomllib.loads((REPO / "data" / "clauses" / f"{key}.toml").read_text("utf-8"))
            have = {c["n"]: c for c in doc["clause"]}
            for c in clauses:
                h = have.get(c["n"])
                if h is None or h["text"] != c["text"] or h["section"] != c["section"]:
                    bad += 1
                    print(f"{key} {c['n']}: differs from extraction", file=sys.stderr)
        print(f"{bad} difference(s)")
        return 1 if bad else 0
    json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
