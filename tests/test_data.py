"""The shipped data is consistent: every catalogue item has a rule, cites clauses that exist, and every parameter
has a source and sane dates."""

from __future__ import annotations

import re

import pytest

from xzcalc.clauses import all_clauses
from xzcalc.params import all_policies, catalogue, jurisdictions, param_set
from xzcalc.rules import FAMILIES

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


def test_parsed_data_cache_follows_the_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """load_toml keeps a parsed copy in __pycache__; a changed file is parsed again, a broken cache is ignored."""
    import os

    from xzcalc.params import load_toml

    path = tmp_path / "p.toml"
    path.write_text("x = 1.5\n", encoding="utf-8")
    assert str(load_toml(path)["x"]) == "1.5"
    cache = tmp_path / "__pycache__" / "p.toml.pickle"
    assert cache.is_file()
    assert str(load_toml(path)["x"]) == "1.5"  # from the cache
    path.write_text("x = 2.25\n", encoding="utf-8")  # a different size (and time): stale
    assert str(load_toml(path)["x"]) == "2.25"
    stat = path.stat()
    path.write_text("x = 3.25\n", encoding="utf-8")  # the same size: the modification time tells
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert str(load_toml(path)["x"]) == "3.25"
    cache.write_bytes(b"not a pickle")
    assert str(load_toml(path)["x"]) == "3.25"
