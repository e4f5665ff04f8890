"""Unit plans for the namespace functions, from the core's rule table.

One addition to the table's rules, needed by generic code: an eager
dimensionless array holding only the values 0, ±inf and nan (what
``full(shape, nan)`` or ``zeros(n)`` make as placeholders) takes on the unit
of what it is combined with, as those scalars do. It is checked only when
the units would otherwise not match, so correct code never pays for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Number
from typing import Any

from dimtensor import _core
from dimtensor._core import Unit
from dimtensor._dimarray import is_placeholder
from dimtensor.errors import DimensionError

from ._backend import ONE, Backend, has_unit

Plan = tuple[list[tuple[float, float]], list[Any], Any]


def key(x: Any) -> Any:
    """What the rule table needs to know of an operand."""
    if has_unit(x):
        return x.unit
    if isinstance(x, Unit):
        return x
    if isinstance(x, Number) and not isinstance(x, bool):
        return x  # bare scalars: 0, ±inf and nan meet any unit
    return None


def _retry(what: Any, operands: Sequence[Any], plan: Any) -> Any:
    """``plan(keys)``; on a dimension mismatch, placeholders become wildcards."""
    keys = [key(x) for x in operands]
    try:
        return plan(keys)
    except DimensionError:
        wild = [0.0 if is_placeholder(x) else k for x, k in zip(operands, keys, strict=True)]
        if all(w is k for w, k in zip(wild, keys, strict=True)):
            raise
        return plan(wild)


def ufunc_plan(name: str, operands: Sequence[Any], exponent: float | None = None) -> Plan:
    """``(conversions, output units, constant)`` for the NumPy ufunc ``name``."""
    return _retry(name, operands, lambda keys: _core.ufunc_plan(name, keys, exponent))


def same_unit(what: str, operands: Sequence[Any]) -> tuple[Unit, list[tuple[float, float]]]:
    """One unit for all operands (the first one's) and each one's conversion."""
    unit, convs = _retry(what, operands, lambda keys: _core.same_unit_plan(what, keys))
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
