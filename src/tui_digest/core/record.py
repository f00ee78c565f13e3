"""`record`: the dataclass of values that nothing compares or prints.

Python 3.11 compiles each method a dataclass generates from source when the
class is defined: ~60 us each at the reader's start, and 147 of them were
~9 ms of it (issue 13 req 5). A record gets `__init__` only (with slots; and
`__setattr__`/`__delattr__` when frozen): no `__eq__`, `__hash__` or
`__repr__`, so two records are equal only when they are the same object. A
class that is compared (a test, a set, a cache key) stays a plain dataclass.
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
