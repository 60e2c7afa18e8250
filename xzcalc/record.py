"""`@record`: a frozen, slotted dataclass — `@dataclass(frozen=True, slots=True)` — made for less at import time.

The standard decorator compiles six methods from source for each class (__init__, __repr__, __eq__, __hash__,
__setattr__, __delattr__): for the profile schema, the model and the thresholds that was a tenth of `xzcalc calc`'s
start-up. Here dataclasses still collects the fields and makes the slotted class (so `fields`, `replace`,
`is_dataclass`, `__match_args__` and pickling work as for any dataclass), only __init__ is compiled, and the other
five are shared functions that read the fields through one operator.attrgetter. They behave as the generated ones:
equality and hashing on the tuple of fields (the same tuples, so the same hash values), the same repr, the same
FrozenInstanceError on assignment or deletion, and for pickling the same state as a frozen slotted dataclass's.

Only what the classes here use: fields with or without a default or a default_factory, ClassVars, __post_init__. A
field that is not in __init__, an InitVar or a keyword-only field is refused (TypeError), not silently half-handled.
mypy sees a frozen dataclass (typing.dataclass_transform).
"""

from __future__ import annotations

import dataclasses
from dataclasses import MISSING, FrozenInstanceError
from operator import attrgetter
from reprlib import recursive_repr
from typing import Any, TypeVar, dataclass_transform

__all__ = ["record"]

T = TypeVar("T")


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field, dataclasses.Field))
def record(cls: type[T]) -> type[T]:
    """The class as `@dataclass(frozen=True, slots=True)` makes it (see the module's docstring)."""
    for name in ("__init__", "__repr__", "__eq__", "__setattr__", "__delattr__"):
        if name in cls.__dict__:
            raise TypeError(f"@record {cls.__qualname__} defines {name}: use @dataclass")
    # an undocumented class gets the field names as its docstring (dataclasses would ask inspect for a signature,
    # which took longer than all the rest)
    documented = bool(cls.__doc__)
    if not documented:
        cls.__doc__ = cls.__name__
    # fields, defaults, __match_args__, __slots__ and the new slotted class, as the standard decorator makes them
    made: Any = dataclasses.dataclass(cls, init=False, repr=False, eq=False, slots=True)
    fields = dataclasses.fields(made)
    for f in made.__dataclass_fields__.values():
        init_var = isinstance(f.type, dataclasses.InitVar) or str(f.type).startswith(("InitVar", "dataclasses.InitVar"))
        if init_var or not (f.init and f.repr and f.compare) or f.hash is not None or f.kw_only is True:
            raise TypeError(f"@record {cls.__qualname__}.{f.name}: only plain fields are supported")
    names = tuple(f.name for f in fields)
    if not documented:
        made.__doc__ = f"{made.__name__}({', '.join(names)})"
    made.__init__ = _init(made, fields)
    for name, method in _methods(made, names).items():
        method.__qualname__ = f"{made.__qualname__}.{name}"
        setattr(made, name, method)
    params = made.__dataclass_params__
    params.init = params.repr = params.eq = params.frozen = True
    return made  # type: ignore[no-any-return]


def _init(cls: type, fields: tuple[dataclasses.Field[Any], ...]) -> Any:
    """__init__ as dataclasses writes it for a frozen class: each field set through object.__setattr__, a
    default_factory called when its argument is not given, then __post_init__ when the class has one."""
    env: dict[str, Any] = {
        "__name__": cls.__module__,  # (the function's __module__, as for the generated one)
        "_set": object.__setattr__,
        "_HAS_DEFAULT_FACTORY": _HAS_DEFAULT_FACTORY,
    }
    params, lines = [], []
    seen_default = False
    for f in fields:
        if f.default is not MISSING:
            env[f"_dflt_{f.name}"] = f.default
            params.append(f"{f.name}=_dflt_{f.name}")
            value = f.name
        elif f.default_factory is not MISSING:
            env[f"_dflt_{f.name}"] = f.default_factory
            params.append(f"{f.name}=_HAS_DEFAULT_FACTORY")
            value = f"_dflt_{f.name}() if {f.name} is _HAS_DEFAULT_FACTORY else {f.name}"
        else:
            if seen_default:
                raise TypeError(f"non-default argument {f.name!r} follows default argument")
            params.append(f.name)
            value = f.name
        seen_default = seen_default or f.default is not MISSING or f.default_factory is not MISSING
        lines.append(f"  _set(self,{f.name!r},{value})")
    if hasattr(cls, "__post_init__"):
        lines.append("  self.__post_init__()")
    source = f"def __init__(self,{','.join(params)}):\n" + ("\n".join(lines) or "  pass") + "\n"
    exec(source, env)
    init = env["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


class _HasDefaultFactory:
    def __repr__(self) -> str:
        return "<factory>"


_HAS_DEFAULT_FACTORY = _HasDefaultFactory()


def _methods(cls: type, names: tuple[str, ...]) -> dict[str, Any]:
    """__repr__, __eq__, __hash__, __setattr__, __delattr__ and the pickling pair, over the fields `names`."""
    owner: Any = cls  # (the class the methods are for: super() past it for a subclass's own attributes)
    values = attrgetter(*names) if names else (lambda self: ())
    if len(names) == 1:  # (attrgetter of one name gives the value, not a tuple of one)
        one = values

        def values(self: Any) -> tuple[Any, ...]:
            return (one(self),)

    @recursive_repr()
    def __repr__(self: Any) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in zip(names, values(self), strict=True))
        return f"{self.__class__.__qualname__}({shown})"

    def __eq__(self: Any, other: object) -> bool:
        if other.__class__ is self.__class__:
            return bool(values(self) == values(other))
        return NotImplemented

    def __hash__(self: Any) -> int:
        return hash(values(self))

    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is owner or name in names:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super(owner, self).__setattr__(name, value)

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is owner or name in names:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super(owner, self).__delattr__(name)

    def __getstate__(self: Any) -> list[Any]:
        return list(values(self))

    def __setstate__(self: Any, state: list[Any]) -> None:
        for name, value in zip(names, state, strict=False):
            object.__setattr__(self, name, value)

    methods: dict[str, Any] = {
        "__repr__": __repr__,
        "__eq__": __eq__,
        "__setattr__": __setattr__,
        "__delattr__": __delattr__,
        "__getstate__": __getstate__,
        "__setstate__": __setstate__,
    }
    if "__hash__" not in cls.__dict__ or cls.__dict__["__hash__"] is None:
        methods["__hash__"] = __hash__
    return methods
