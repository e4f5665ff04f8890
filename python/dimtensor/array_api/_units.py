"""Unit plans for the namespace functions, from the core's rule table.

Eager arrays are handed to the core as they are, so its placeholder rule
(a dimensionless array of only 0, ±inf and nan meets any unit) applies here
exactly as in DimArray's ufuncs; lazy arrays are known by their unit only.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Number
from typing import Any

from dimtensor import _core
from dimtensor._core import Unit

from ._backend import ONE, Backend, has_unit, is_lazy

Plan = tuple[list[tuple[float, float]], list[Any], Any]


def key(x: Any) -> Any:
    """What the rule table needs to know of an operand."""
    if has_unit(x):
        return x.unit if is_lazy(x) else x
    if isinstance(x, Unit):
        return x
    if isinstance(x, Number) and not isinstance(x, bool):
        return x  # bare scalars: 0, ±inf and nan meet any unit
    return None


def ufunc_plan(name: str, operands: Sequence[Any], exponent: float | None = None) -> Plan:
    """``(conversions, output units, constant)`` for the NumPy ufunc ``name``."""
    return _core.ufunc_plan(name, [key(x) for x in operands], exponent)


def same_unit(what: str, operands: Sequence[Any]) -> tuple[Unit, list[tuple[float, float]]]:
    """One unit for all operands (the first one's) and each one's conversion."""
    unit, convs = _core.same_unit_plan(what, [key(x) for x in operands])
    return (unit if unit is not None else ONE), convs


def convert(B: Backend, x: Any, conv: tuple[float, float]) -> Any:
    """The magnitudes of ``x`` after ``value·a + b``."""
    raw = B.raw(x)
    a, b = conv
    if (a, b) == (1.0, 0.0):
        return raw
    if isinstance(raw, Number):
        return raw * a + b  # type: ignore[operator]
    scaled = raw * a
    return scaled + b if b else scaled


def unit_of(x: Any) -> Unit:
    return x.unit if has_unit(x) else ONE
