"""The core's plans as torch needs them: looked up by the units of the
operands (and shapes where a rule reads them), cached, and marked as
constant for ``torch.compile``, so that Dynamo runs them while it traces
(unit errors then, at trace time) and keeps only their answers, numbers and
unit names: a compiled graph holds no unit logic and no break for it.

Operands are described by *keys*: a Unit for a quantity, ``None`` for a
plain tensor or number, ``WILD`` for what meets any unit (the numbers 0,
±inf and nan, and tensors whose unit is not chosen yet).
"""

from __future__ import annotations

import math
import threading
import types
from collections.abc import Callable
from typing import Any

from torch.compiler import is_compiling

from dimtensor import _core
from dimtensor._core import Unit

# The core classifies the bare number 0.0 as "meets any unit".
WILD = 0.0


def constant(fn: Callable[..., Any]) -> Callable[..., Any]:
    """What ``torch.compiler.assume_constant_result`` marks (without importing
    Dynamo, which takes seconds): Dynamo calls ``fn`` while tracing and keeps
    its result as a constant."""
    fn._dynamo_marked_constant = True  # type: ignore[attr-defined]
    return fn


# Every unit seen, once, as an attribute of a module of its own (``u0``,
# ``u1``, ...). Compiled code guards on the identity of the units it was
# traced with, so equal units must be the same object. The plans below
# answer with these attribute names, which Dynamo keeps as plain
# constants, and the units are read from the module outside them: Dynamo
# reads a module's attributes live, so a unit first seen while tracing is
# there when the next plan names it, with a source to guard on.
UNITS = types.ModuleType("dimtensor.torch.units_seen")
# Keyed by the unit and its text: equal units under other names (rad and
# the dimensionless 1, J/K and J/Δ°C) stay apart, so a result shows the
# name its rule gives it, as on NumPy.
_NAMES: dict[tuple[Unit, str], str] = {}
_ONE: dict[tuple[Unit, str], Unit] = {}
_NEW = threading.Lock()
# The ids of those units (held in _ONE for good, so no id is reused).
_IDS: set[int] = set()


def token(k: Any) -> Any:
    """An operand key as plan caches hold it. Units compare equal by value
    (rad == 1, J/K == J/Δ°C), so a cache keyed by them would hand one the
    plan of the other, named wrongly: an interned unit is keyed by its
    identity, any other unit by its value and text."""
    if id(k) in _IDS:
        return id(k)
    return (k, str(k)) if isinstance(k, Unit) else k


@constant
def unit_name(unit: Unit | None) -> str | None:
    """The unit's attribute name in :data:`UNITS` (None for None); run by
    Dynamo while it traces (units have a C hash it cannot trace into)."""
    if unit is None:
        return None
    key = (unit, str(unit))
    found = _NAMES.get(key)
    if found is None:
        with _NEW:  # one name per unit, and never one name for two
            found = _NAMES.get(key)
            if found is None:
                found = f"u{len(_NAMES)}"
                setattr(UNITS, found, unit)
                _ONE[key] = unit
                _IDS.add(id(unit))
                _NAMES[key] = found
    return found


def intern(unit: Unit | None) -> Unit | None:
    """The one Unit object of this value and name."""
    if unit is None:
        return None
    if is_compiling():
        return getattr(UNITS, unit_name(unit))  # type: ignore[arg-type]
    key = (unit, str(unit))
    found = _ONE.get(key)
    if found is None:
        unit_name(unit)
        found = _ONE[key]
    return found


@constant
def parsed(text: str) -> str:
    """The attribute name in :data:`UNITS` of the unit ``text`` names."""
    return unit_name(Unit.parse(text))  # type: ignore[return-value]


@constant
def inplace_conversion(name: str, unit: Unit, target: Unit, instead: str) -> tuple[float, float]:
    """``(scale, offset)`` of a result in ``unit`` written in place into a
    tensor in ``target`` by ``name``; the core's refusal (saying what to
    write ``instead``) where that tensor cannot hold it."""
    return _core.inplace_conversion(name, unit, target, "tensor", instead)


@constant
def conversion(source: Unit, target: Unit) -> tuple[float, float]:
    """``(scale, offset)`` from ``source`` to ``target`` (a DimensionError
    across dimensions, at trace time under ``torch.compile``)."""
    return source.conversion_affine(target)


def _units(names: tuple[str | None, ...]) -> tuple[Unit | None, ...]:
    if len(names) == 1:
        n = names[0]
        return (None if n is None else getattr(UNITS, n),)
    return tuple(None if n is None else getattr(UNITS, n) for n in names)


def number_key(x: Any) -> Any:
    if isinstance(x, bool):
        return None
    if isinstance(x, int):  # no isinf for ints: Dynamo may trace them as symbols
        return WILD if x == 0 else None
    if isinstance(x, float):
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


# (rule, operand keys, exponent) -> plan; the eager fast paths of dispatch read it directly
UFUNC_PLANS: dict[Any, Any] = {}
_FUNCTION: dict[Any, Any] = {}
_SAME: dict[Any, Any] = {}


def remember(cache: dict[Any, Any], key: Any, value: Any) -> Any:
    if len(cache) > 50_000:  # bounded: keys hold exponents and shapes
        cache.clear()
    cache[key] = value
    return value


# Each plan is computed once per key, with its units interned, and read
# from the cache in eager code. Under torch.compile it is read through a
# constant function that answers with the units' names (see UNITS).
# Dynamo hands a constant function its arguments one by one (a Unit is an
# opaque object to it, readable only at the top level): units are passed as
# separate arguments, the structure around them as plain constants.


def _named(plan: tuple[Any, ...], at: int) -> tuple[Any, ...]:
    """``plan`` with its units (the tuple at index ``at``) as names."""
    return (*plan[:at], tuple(unit_name(u) for u in plan[at]), *plan[at + 1 :])


def _unnamed(plan: tuple[Any, ...], at: int) -> tuple[Any, ...]:
    return (*plan[:at], _units(plan[at]), *plan[at + 1 :])


def ufunc_plan(name: str, exponent: float | None, *keys: Any) -> Any:
    """``(convs, units, constant)`` of ufunc ``name`` (see ``_core.ufunc_plan``)."""
    if is_compiling():
        return _unnamed(_ufunc_names(name, exponent, *keys), 1)
    return _ufunc(name, exponent, keys)


def _ufunc(name: str, exponent: float | None, keys: tuple[Any, ...]) -> Any:
    k = (name, tuple(map(token, keys)), exponent)
    found = UFUNC_PLANS.get(k)
    if found is None:
        operands = [_operand(key, None) for key in keys]
        convs, outs, const = _core.ufunc_plan(name, operands, exponent)
        found = remember(UFUNC_PLANS, k, (tuple(convs), tuple(intern(u) for u in outs), const))
    return found


@constant
def _ufunc_names(name: str, exponent: float | None, *keys: Any) -> Any:
    return _named(_ufunc(name, exponent, keys), 1)


def function_plan(name: str, layout: tuple[Any, ...], options: tuple[Any, ...], *keys: Any) -> Any:
    """``(convs, units, repeat, known)`` of function ``name``. ``layout`` holds
    per rule parameter None (absent) or the shapes of its operands, whose
    keys follow in ``keys``, in order."""
    if is_compiling():
        return _unnamed(_function_names(name, layout, options, *keys), 1)
    return _function(name, layout, options, keys)


def _function(name: str, layout: tuple[Any, ...], options: tuple[Any, ...], keys: Any) -> Any:
    k = (name, layout, options, tuple(map(token, keys)))
    found = _FUNCTION.get(k)
    if found is None:
        it = iter(keys)
        values = [
            None if shapes is None else [_operand(next(it), sh) for sh in shapes]
            for shapes in layout
        ]
        convs, units, repeat, known, _ = _core.function_plan(name, values, dict(options))
        plan = (tuple(tuple(c) for c in convs), tuple(intern(u) for u in units), repeat, known)
        found = remember(_FUNCTION, k, plan)
    return found


@constant
def _function_names(
    name: str, layout: tuple[Any, ...], options: tuple[Any, ...], *keys: Any
) -> Any:
    return _named(_function(name, layout, options, keys), 1)


def same_unit_plan(what: str, *keys: Any) -> Any:
    """``(unit, convs)``: operands brought to one unit (assignment, fills)."""
    if is_compiling():
        n, convs = _same_unit_names(what, *keys)
        return (None if n is None else getattr(UNITS, n)), convs
    return _same_unit(what, keys)


def _same_unit(what: str, keys: tuple[Any, ...]) -> Any:
    k = (what, tuple(map(token, keys)))
    found = _SAME.get(k)
    if found is None:
        unit, convs = _core.same_unit_plan(what, [_operand(key, None) for key in keys])
        found = remember(_SAME, k, (intern(unit), tuple(convs)))
    return found


@constant
def _same_unit_names(what: str, *keys: Any) -> Any:
    unit, convs = _same_unit(what, keys)
    return unit_name(unit), convs


def function_plan_of(name: str, params: Any, options: tuple[Any, ...] = ()) -> Any:
    """:func:`function_plan` for ``params``: per rule parameter None or a
    sequence of ``(key, shape)``."""
    layout = tuple(None if p is None else tuple(sh for _, sh in p) for p in params)
    keys = [k for p in params if p is not None for k, _ in p]
    return function_plan(name, layout, options, *keys)
