"""The core's plans as torch needs them: looked up by the units of the
operands (and shapes where a rule reads them), cached, and marked as
constant for ``torch.compile``, so that Dynamo runs them while it traces
(unit errors then, at trace time) and keeps only their numbers: a compiled
graph holds no unit logic and no break for it.

Operands are described by *keys*: a Unit for a quantity, ``None`` for a
plain tensor or number, ``WILD`` for what meets any unit (the numbers 0,
±inf and nan, and tensors whose unit is not chosen yet).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from dimtensor import _core
from dimtensor._core import Unit

# The core classifies the bare number 0.0 as "meets any unit".
WILD = 0.0

_UNITS: dict[Unit, Unit] = {}


def intern(unit: Unit | None) -> Unit | None:
    """One Unit object per value: compiled code guards on the identity of
    the units it was traced with, so equal units must be the same object."""
    if unit is None:
        return None
    return _UNITS.setdefault(unit, unit)


def constant(fn: Callable[..., Any]) -> Callable[..., Any]:
    """What ``torch.compiler.assume_constant_result`` marks (without importing
    Dynamo, which takes seconds): Dynamo calls ``fn`` while tracing and keeps
    its result as a constant."""
    fn._dynamo_marked_constant = True  # type: ignore[attr-defined]
    return fn


def number_key(x: Any) -> Any:
    if isinstance(x, bool):
        return None
    if isinstance(x, (int, float)):
        return WILD if x == 0 or math.isinf(x) or math.isnan(x) else None
    return None


class _Quantity:
    """A stand-in the core classifies as a quantity of ``unit`` and shape."""

    __slots__ = ("__dimtensor_unit__", "shape")

    def __init__(self, unit: Unit | None, shape: tuple[int, ...]) -> None:
        self.__dimtensor_unit__ = unit
        self.shape = shape


class _Plain:
    __slots__ = ("shape",)

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.shape = shape


def _operand(key: Any, shape: tuple[int, ...] | None) -> Any:
    if isinstance(key, Unit):
        return _Quantity(key, shape or ())
    if key is WILD or (isinstance(key, float) and key == 0.0):
        return 0.0 if shape is None else _Quantity(None, shape)
    return _Plain(shape or ())


_UFUNC: dict[Any, Any] = {}
_FUNCTION: dict[Any, Any] = {}
_SAME: dict[Any, Any] = {}


def _remember(cache: dict[Any, Any], key: Any, value: Any) -> Any:
    if len(cache) > 50_000:  # bounded: keys hold exponents and shapes
        cache.clear()
    cache[key] = value
    return value


# Dynamo hands a constant function its arguments one by one (a Unit is an
# opaque object to it, readable only at the top level): units are passed as
# separate arguments, the structure around them as plain constants.


@constant
def ufunc_plan(name: str, exponent: float | None, *keys: Any) -> Any:
    """``(convs, units, constant)`` of ufunc ``name`` (see ``_core.ufunc_plan``)."""
    k = (name, keys, exponent)
    found = _UFUNC.get(k)
    if found is None:
        operands = [_operand(key, None) for key in keys]
        convs, outs, const = _core.ufunc_plan(name, operands, exponent)
        found = _remember(_UFUNC, k, (tuple(convs), tuple(intern(u) for u in outs), const))
    return found


@constant
def function_plan(name: str, layout: tuple[Any, ...], options: tuple[Any, ...], *keys: Any) -> Any:
    """``(convs, units, repeat, known)`` of function ``name``. ``layout`` holds
    per rule parameter None (absent) or the shapes of its operands, whose
    keys follow in ``keys``, in order."""
    k = (name, layout, options, keys)
    found = _FUNCTION.get(k)
    if found is None:
        it = iter(keys)
        values = [
            None if shapes is None else [_operand(next(it), sh) for sh in shapes]
            for shapes in layout
        ]
        convs, units, repeat, known, _ = _core.function_plan(name, values, dict(options))
        found = _remember(
            _FUNCTION,
            k,
            (
                tuple(tuple(c) for c in convs),
                tuple(intern(u) for u in units),
                repeat,
                known,
            ),
        )
    return found


@constant
def same_unit_plan(what: str, *keys: Any) -> Any:
    """``(unit, convs)``: operands brought to one unit (assignment, fills)."""
    k = (what, keys)
    found = _SAME.get(k)
    if found is None:
        unit, convs = _core.same_unit_plan(what, [_operand(key, None) for key in keys])
        found = _remember(_SAME, k, (intern(unit), tuple(convs)))
    return found


def function_plan_of(name: str, params: Any, options: tuple[Any, ...] = ()) -> Any:
    """:func:`function_plan` for ``params``: per rule parameter None or a
    sequence of ``(key, shape)``."""
    layout = tuple(None if p is None else tuple(sh for _, sh in p) for p in params)
    keys = [k for p in params if p is not None for k, _ in p]
    return function_plan(name, layout, options, *keys)
