"""calculate(words=False), the batch mode: the same amounts, eligibility and classification, no reasons — and a
words-off run never leaves its blank reasons behind for a later run in the same process (caches are keyed on it)."""

from __future__ import annotations

from pathlib import Path

from xzcalc.engine import calculate
from xzcalc.money import WORDS, say
from xzcalc.schema.build import parse_profile
from xzcalc.schema.profile import load_profile

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "data" / "examples").glob("*.toml"))


def test_words_off_gives_the_same_numbers_and_no_reasons() -> None:
    for path in EXAMPLES:
        profile = parse_profile(load_profile(path.read_text(encoding="utf-8")))
        full = calculate(profile)
        lean = calculate(profile, words=False)
        assert [(i.policy.id, i.eligible, i.amount, i.components) for i in lean.items] == [
            (i.policy.id, i.eligible, i.amount, i.components) for i in full.items
        ]
        assert {k: f.value for k, f in lean.classification.items()} == {
            k: f.value for k, f in full.classification.items()
        }
        assert lean.totals == full.totals and lean.cit == full.cit
        assert all(not i.reasons and not i.trace for i in lean.items)
        assert all(not f.reasons for f in lean.classification.values())


def test_a_words_off_run_does_not_change_a_later_full_run() -> None:
    profile = parse_profile({"sector": "M73", "employees": 8, "vat": {"taxpayer": "small-scale"}})
    before = [[r.en for r in i.reasons] for i in calculate(profile).items]
    calculate(profile, words=False)
    after = [[r.en for r in i.reasons] for i in calculate(profile).items]
    assert after == before
    assert all(reasons for reasons in after)


def test_the_switch_is_scoped_to_one_calculation() -> None:
    calculate(parse_profile({}), words=False)
    assert WORDS.get() is True
    assert say(1234567) == "1,234,567"
