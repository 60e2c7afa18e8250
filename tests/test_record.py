"""xzcalc/record.py: `@record` behaves as `@dataclass(frozen=True, slots=True)` — the same class body decorated both
ways gives the same equality, hash values, repr, frozen errors, defaults, __post_init__, pickling, fields, replace and
__match_args__; and what it does not support is refused, not half-handled."""

from __future__ import annotations

import copy
import pickle
from dataclasses import FrozenInstanceError, InitVar, dataclass, field, fields, is_dataclass, replace
from decimal import Decimal
from typing import Any, ClassVar

import pytest

from xzcalc.record import record


def _pair(body: dict[str, Any], annotations: dict[str, str], name: str = "Row") -> tuple[Any, Any]:
    """The same class made by @dataclass(frozen=True, slots=True) and by @record."""

    def make() -> type:
        return type(name, (), {**body, "__annotations__": dict(annotations), "__module__": __name__})

    return dataclass(frozen=True, slots=True)(make()), record(make())


def _outcome(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except Exception as e:
        return type(e), str(e)


SHAPES: list[tuple[dict[str, Any], dict[str, str], tuple[Any, ...]]] = [
    ({}, {}, ()),
    ({}, {"a": "int"}, (1,)),
    ({"b": Decimal("2.50")}, {"a": "str", "b": "Decimal"}, ("x",)),
    (
        {"c": field(default_factory=dict), "d": (1, 2), "LIMIT": 3},
        {"a": "int", "c": "dict[str, int]", "d": "tuple[int, ...]", "LIMIT": "ClassVar[int]"},
        (7,),
    ),
]


@pytest.mark.parametrize(("body", "annotations", "args"), SHAPES)
def test_record_behaves_as_a_frozen_slotted_dataclass(
    body: dict[str, Any], annotations: dict[str, str], args: tuple[Any, ...]
) -> None:
    std, rec = _pair(body, annotations)
    a, b = std(*args), rec(*args)
    assert repr(a) == repr(b)
    assert _outcome(hash, a) == _outcome(hash, b)  # (the same value, or the same TypeError for a dict field)
    assert rec(*args) == b and _outcome(hash, rec(*args)) == _outcome(hash, b)
    assert b != a and b != args  # another class: not equal, as between two dataclasses
    assert [f.name for f in fields(b)] == [f.name for f in fields(a)]
    assert is_dataclass(b) and rec.__match_args__ == std.__match_args__
    assert rec.__slots__ == std.__slots__ and not hasattr(b, "__dict__")
    assert b.__getstate__() == a.__getstate__() and copy.deepcopy(b) == b and copy.copy(b) == b
    assert replace(b) == b and replace(b) is not b
    for name in [f.name for f in fields(a)]:
        messages = []
        for obj in (a, b):
            with pytest.raises(FrozenInstanceError) as assigned:
                setattr(obj, name, 1)
            with pytest.raises(FrozenInstanceError) as deleted:
                delattr(obj, name)
            messages.append((str(assigned.value), str(deleted.value)))
        assert messages[0] == messages[1]
    # another name: FrozenInstanceError too (Python 3.11's own raises a TypeError there, from super() given the class
    # before its slotted copy — a bug fixed in 3.12)
    with pytest.raises(FrozenInstanceError):
        b.other = 1


def test_record_values_compare_field_by_field() -> None:
    std, rec = _pair({"b": 0}, {"a": "str", "b": "int"})
    assert rec("x", 1) != rec("x", 2) and rec("x", 1) == rec("x", 1)
    assert {rec("x", 1), rec("x", 1), rec("y", 1)} == {rec("x", 1), rec("y", 1)}
    assert repr(rec("x", 1)) == "Row(a='x', b=1)" == repr(std("x", 1))
    assert rec(b=3, a="z") == rec("z", 3)
    with pytest.raises(TypeError):
        rec()
    made = rec("x")
    assert replace(made, b=5) == rec("x", 5)


CALLS: list[int] = []


@record
class Checked:
    a: int
    seen: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        CALLS.append(self.a)
        if self.a < 0:
            raise ValueError("negative")


def test_record_default_factory_post_init_and_pickling() -> None:
    CALLS.clear()
    one, two = Checked(1), Checked(2)
    assert one.seen == [] and one.seen is not two.seen
    assert CALLS == [1, 2]
    with pytest.raises(ValueError):
        Checked(-1)
    again = pickle.loads(pickle.dumps(one))
    assert again == one and again is not one and CALLS == [1, 2, -1]  # (unpickling runs no __init__)


def test_record_keeps_methods_properties_and_a_docstring() -> None:
    @record
    class Years:
        """A range of years."""

        first: int
        last: int

        def __contains__(self, year: object) -> bool:
            return isinstance(year, int) and self.first <= year <= self.last

        @property
        def span(self) -> int:
            return self.last - self.first + 1

    years = Years(2019, 2027)
    assert 2022 in years and 2030 not in years and years.span == 9
    assert Years.__doc__ == "A range of years."


def test_record_refuses_what_it_does_not_support() -> None:
    for body, notes in (
        ({"b": field(default=0, init=False)}, {"a": "int", "b": "int"}),
        ({"b": field(default=0, compare=False)}, {"a": "int", "b": "int"}),
        ({"b": field(default=0, repr=False)}, {"a": "int", "b": "int"}),
        ({"b": field(default=0, kw_only=True)}, {"a": "int", "b": "int"}),
        ({}, {"a": "int", "b": "InitVar[int]"}),
        ({"__eq__": lambda self, other: True}, {"a": "int"}),
        ({"b": 0}, {"b": "int", "a": "int"}),  # a field without a default after one with
    ):
        with pytest.raises(TypeError):
            record(type("Bad", (), {**body, "__annotations__": notes, "__module__": __name__}))
    assert ClassVar and InitVar  # (the string annotations here are read in this module's namespace)


def test_the_schema_and_model_are_records() -> None:
    """The classes `xzcalc calc` builds at import: made by @record (the start-up budget, issue 9)."""
    from xzcalc.model import Item, Result
    from xzcalc.schema.profile import Income, Profile

    for cls in (Profile, Income, Item, Result):
        assert cls.__eq__.__module__ == "xzcalc.record" and cls.__init__.__module__ == cls.__module__
        assert cls.__dataclass_params__.frozen and cls.__dataclass_params__.eq  # type: ignore[attr-defined]
    assert Profile() == Profile() and hash(Profile()) == hash(Profile())
