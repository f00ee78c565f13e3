"""`record`: the dataclass of values that nothing compares or prints.

Python 3.11 compiles each method a dataclass generates from source when the
class is defined: ~60 us each at the reader's start, and 147 of them were
~9 ms of it (issue 13 req 5). A record gets `__init__` only (with slots; and
`__setattr__`/`__delattr__` when frozen): no `__eq__`, `__hash__` or
`__repr__`, so two records are equal only when they are the same object. A
class that is compared (a test, a set, a cache key) stays a plain dataclass.

A frozen value made while the reader starts is cheaper still as a
`typing.NamedTuple`: Python makes one in ~50 us, where even a frozen record
compiles its `__init__`, `__setattr__` and `__delattr__` (~250-380 us). So the
start's `Clock`, `Timing`, `ListingRequest`, `FlagChange`, `Matcher` and the
footer's keys are NamedTuples (each says so, pointing here).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar, dataclass_transform

T = TypeVar("T")


@dataclass_transform(eq_default=False)
def record(*, frozen: bool = False) -> Callable[[type[T]], type[T]]:
    """`@dataclass(slots=True, eq=False, repr=False, frozen=frozen)`."""

    def make(cls: type[T]) -> type[T]:
        return dataclass(slots=True, eq=False, repr=False, frozen=frozen)(cls)

    return make
