"""The shipped data is consistent: every catalogue item has a rule, cites clauses that exist, and every parameter
has a source and sane dates."""

from __future__ import annotations

import json
import marshal
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from xzcalc.clauses import all_clauses
from xzcalc.params import all_policies, catalogue, jurisdictions, param_set
from xzcalc.rules import FAMILIES

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT_CITE = re.compile(
    r"^(晋政办发〔2022〕34号|忻政办发〔2022〕34号|忻政办发〔2022〕36号|忻政办发〔2022〕86号|内蒙古方案) "
)


def test_every_clause_of_the_five_documents_is_inventoried() -> None:
    counts: dict[str, int] = {}
    for clause in all_clauses().values():
        if clause.n != "保障措施":
            counts[clause.document] = counts.get(clause.document, 0) + 1
    assert counts == {
        "晋政办发〔2022〕34号": 70,
        "内蒙古方案": 52,
        "忻政办发〔2022〕34号": 71,
        "忻政办发〔2022〕36号": 35,
        "忻政办发〔2022〕86号": 18,
    }
    assert sum(counts.values()) == 246


@pytest.mark.parametrize("policy", all_policies(), ids=lambda p: p.id)
def test_catalogue_sources_exist(policy) -> None:  # type: ignore[no-untyped-def]
    clauses = all_clauses()
    local = [s for s in policy.sources if DOCUMENT_CITE.match(s)]
    assert local, f"{policy.id} cites none of the five documents"
    for cite in local:
        assert cite in clauses, f"{policy.id} cites {cite}, which is not a clause of the documents"


def test_every_computed_policy_has_a_rule_and_vice_versa() -> None:
    ruled = {pid for ids, _ in FAMILIES for pid in ids}
    computed = {p.id for p in all_policies() if p.certainty != "eligible_only"}
    assert computed <= ruled, computed - ruled
    assert ruled <= computed, ruled - computed


def test_every_result_carries_exactly_the_declared_classifications() -> None:
    """The batch's columns come from classify.CLASSIFICATIONS: every result (company or not, any jurisdiction) has
    exactly those."""
    from xzcalc.classify import CLASSIFICATIONS
    from xzcalc.engine import calculate
    from xzcalc.schema.build import parse_profile

    for jurisdiction in ("xinzhou", "shanxi", "inner-mongolia"):
        for entity in ("company", "individual-business"):
            result = calculate(parse_profile({"jurisdiction": jurisdiction, "entity": entity}))
            assert set(result.classification) == set(CLASSIFICATIONS), (jurisdiction, entity)


def test_a_policy_id_leads_to_its_rule_module_in_one_hop() -> None:
    """data/policies.toml names each policy's module; that module's POLICIES computes it (and no other module's)."""
    import importlib

    from xzcalc.rules import MODULES

    for policy in all_policies():
        path = Path(policy.module)
        assert path.parts[:2] == ("xzcalc", "rules") and (ROOT / path).is_file(), (policy.id, policy.module)
        module = importlib.import_module(".".join(path.with_suffix("").parts))
        if policy.certainty == "eligible_only":
            assert path.name == "eligible_only.py", policy.id
        else:
            assert policy.id in module.POLICIES, (policy.id, policy.module)
            assert [m.__name__ for m in MODULES if policy.id in m.POLICIES] == [module.__name__], policy.id


def test_clause_policy_links_point_at_catalogue_ids() -> None:
    ids = {p.id for p in all_policies()}
    for clause in all_clauses().values():
        for pid in clause.policies:
            assert pid in ids, f"{clause.cite} links to unknown {pid}"


@pytest.mark.parametrize("jurisdiction", ["xinzhou", "shanxi", "inner-mongolia"])
def test_parameters_have_sources_and_ordered_windows(jurisdiction: str) -> None:
    for param in param_set(jurisdiction, 2022):
        assert param.source, param.name
        for w in param.windows:
            assert w.start <= w.end, param.name


def test_jurisdiction_chains() -> None:
    assert jurisdictions()["xinzhou"]["parent"] == "shanxi"
    assert jurisdictions()["inner-mongolia"]["parent"] == "national"
    xinzhou = {p.id for p in catalogue("xinzhou")}
    shanxi = {p.id for p in catalogue("shanxi")}
    mongolia = {p.id for p in catalogue("inner-mongolia")}
    assert shanxi < xinzhou
    assert not any("xinzhou" in p.jurisdictions or "shanxi" in p.jurisdictions for p in catalogue("inner-mongolia")), (
        mongolia
    )


def test_data_cache_is_keyed_by_content_and_never_runs_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """load_data keeps marshal of plain data named by the SHA-256 of the file: an edit that keeps size and time is
    parsed again, a cache that does not decode to plain data (here a code object) is ignored and replaced."""
    import os

    from xzcalc import data as params

    (tmp_path / "jurisdictions.toml").write_text("", encoding="utf-8")
    monkeypatch.setattr(params, "data_dir", lambda: tmp_path)
    path = tmp_path / "p.toml"
    path.write_text("x = 1.5\nd = 2022-06-01\n", encoding="utf-8")
    assert params.load_data("p.toml") == {"x": Decimal("1.5"), "d": date(2022, 6, 1)}
    [cache] = (tmp_path / "__pycache__").glob("p.toml.*.marshal")
    assert params.load_data("p.toml") == {"x": Decimal("1.5"), "d": date(2022, 6, 1)}  # from the cache
    stat = path.stat()
    path.write_text("x = 2.5\nd = 2022-06-01\n", encoding="utf-8")  # same size, same modification time
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert params.load_data("p.toml")["x"] == Decimal("2.5")
    assert not cache.exists()  # the copy of the old content is removed
    [cache] = (tmp_path / "__pycache__").glob("p.toml.*.marshal")
    cache.write_bytes(marshal.dumps({"x": compile("open('/nonexistent')", "planted", "eval")}))
    assert params.load_data("p.toml")["x"] == Decimal("2.5")
    cache.write_bytes(b"not marshal")
    assert params.load_data("p.toml")["x"] == Decimal("2.5")


class _Planted:
    """A pickle that, if ever unpickled, creates a marker file (as a planted pickle ran a shell command)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (Path.write_text, (Path(self.marker), "ran"))  # type: ignore[return-value]


def test_a_pickle_planted_beside_a_reform_file_is_never_loaded(tmp_path: Path, example_profile: Path) -> None:
    """Issue 14 §1: `--params FILE.toml` read __pycache__/FILE.toml.pickle beside the user's file, so a planted
    pickle ran code and a forged one applied another value. A reform file is parsed every time; nothing is read or
    written beside it."""
    import pickle
    import subprocess
    import sys

    reform = tmp_path / "reform.toml"
    reform.write_text("[subsidy.first_set_equipment.cap]\nvalue = 500000\n", encoding="utf-8")
    marker = tmp_path / "marker"
    forged = {"subsidy": {"first_set_equipment": {"cap": {"value": Decimal(900000), "description": _Planted(marker)}}}}
    stat = reform.stat()
    cache = tmp_path / "__pycache__"
    cache.mkdir()
    planted = pickle.dumps(((stat.st_mtime_ns, stat.st_size), forged))
    (cache / "reform.toml.pickle").write_bytes(planted)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    args = ["calc", str(example_profile), "--set", "first_set.1.price=600万", "--params", str(reform), "-f", "json"]
    done = subprocess.run(
        [sys.executable, "-m", "xzcalc", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert not marker.exists()
    new = {i["policy"]: i for i in json.loads(done.stdout)["reformed"]["items"]}
    assert new["subsidy.first_set_equipment"]["amount"] == "500000.00"  # the TOML's value, not the forged one
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
    assert (cache / "reform.toml.pickle").read_bytes() == planted


def test_no_unpickling_in_the_package() -> None:
    import xzcalc

    package = Path(xzcalc.__file__).parent
    hits = [p.name for p in package.rglob("*.py") if re.search(r"\bpickle\.loads?\(", p.read_text("utf-8"))]
    assert hits == []
