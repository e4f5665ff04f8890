"""torch calls that no unit rule decides: the unit is kept (views,
moves, copies), indexing and writes (converted into the target's unit),
new tensors, metadata, exports, products with a bias, float bounds, and the
refusal of anything else that returns a tensor."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch

from dimtensor._core import Unit
from dimtensor.errors import DimensionError, UnitConversionError, UnitStrippedError

from . import dispatch, plans
from .dispatch import (
    IDENTITY,
    MISSING,
    PLAIN,
    SYMBOLS,
    argument,
    convert,
    key,
    name_of,
    plain,
    put,
    refuse,
    shape,
    wrap,
)
from .functions import Function, run_function
from .plans import WILD

# ---- the unit is kept ------------------------------------------------------------------


def run_keep(func: Any, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    """Rearranging, copying, moving and casting: the result keeps the unit
    of the first argument (the table's rule of ``reshape``, ``#0:A -> A``).
    Other tensors in the call lend shapes, dtypes or indices."""
    x = args[0]
    k = key(x)
    if isinstance(k, Unit):
        _, units, _, _ = plans.function_plan_of("reshape", (((k, ()),),), ())
        unit = units[0]
    else:
        unit = None
    rest = [
        plain(a, f"torch {name_of(func)}") if isinstance(a, dispatch.CLS) and _is_index(a) else a
        for a in args[1:]
    ]
    with PLAIN():
        result = func(x, *rest, **kwargs)
    if k is WILD or (isinstance(x, dispatch.CLS) and x._unit is None):
        return _pending(result)
    return wrap(result, unit, args)


def _is_index(t: Any) -> bool:
    return not (t.is_floating_point() or t.is_complex())


def _pending(values: Any) -> Any:
    if isinstance(values, torch.Tensor):
        return dispatch.CLS._new(values, None)
    if isinstance(values, (tuple, list)):
        return type(values)(_pending(v) for v in values)
    return values


def run_getitem(func: Any, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    x, index = args[0], args[1]
    if isinstance(index, tuple):
        index = tuple(plain(i, "an index") for i in index)
    else:
        index = plain(index, "an index")
    with PLAIN():
        result = func(x, index)
    return dispatch.CLS._new(result, x._unit) if isinstance(x, dispatch.CLS) else result


def run_setitem(func: Any, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    """``x[i] = value``: value converted to the unit of ``x``."""
    x, index, value = args
    index = (
        tuple(plain(i, "an index") for i in index)
        if isinstance(index, tuple)
        else plain(index, "an index")
    )
    unit, convs = plans.same_unit_plan("assignment", key(x), key(value))
    if isinstance(x, dispatch.CLS) and x._unit is None and unit is not None:
        x._unit = unit
    elif not isinstance(x, dispatch.CLS) and isinstance(unit, Unit) and not unit.is_dimensionless:
        raise UnitStrippedError(
            f"assigning a quantity in '{unit}' into a plain tensor would drop its unit"
        )
    with PLAIN():
        func(x, index, convert(value, convs[1]))


def run_fill(func: Any, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    """``x.fill_(v)`` / ``x.copy_(src)``: the value converted to x's unit."""
    x, value = args[0], args[1]
    unit, convs = plans.same_unit_plan("assignment", key(x), key(value))
    if isinstance(x, dispatch.CLS) and x._unit is None and unit is not None:
        x._unit = unit
    with PLAIN():
        func(x, convert(value, convs[1]), *args[2:], **kwargs)
    return x


def check_shared(x: Any, source: Any, what: str) -> None:
    """``x`` is to share the memory of ``source`` (``set_``): their units must
    be one (a tensor whose unit is not chosen yet takes the source's)."""
    if not isinstance(source, torch.Tensor):
        return  # a storage: raw memory, as when a tensor is made from it
    unit, convs = plans.same_unit_plan("assignment", key(x), key(source))
    if x._unit is None and unit is not None:
        x._unit = unit
    elif convs[1] != IDENTITY:
        raise UnitConversionError(
            f"{what} makes a tensor in '{x._unit}' share the memory of one in "
            f"'{source._unit}', whose values would be read in the wrong unit; convert "
            f"it first: `x.{what}(y.to('{x._unit}'))`"
        )


def run_new(func: Any, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    """``x.new_zeros(n)``, ``x.new_tensor(data)``, …: a new tensor of x's
    dtype and device and no unit, as ``torch.zeros`` makes (x gives only
    those); fill values and data are pure numbers."""
    x, *rest = args
    what = f"torch {name_of(func)}"
    rest = [plain(a, what) for a in rest]
    kwargs = {k: plain(v, what) for k, v in kwargs.items()}
    with PLAIN():
        return func(x, *rest, **kwargs)


def run_passthrough(func: Any, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    with PLAIN():
        return func(*args, **kwargs)


def run_export(func: Any, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    """``item()``, ``tolist()``, ``numpy()``, ``float()``…: plain numbers
    only from a dimensionless tensor (at scale 1); a unit is never dropped."""
    x = args[0]
    if isinstance(x, dispatch.CLS):
        x = plain(x, f"{name_of(func)}()")
    with PLAIN():
        return func(x, *args[1:], **kwargs)


# Python's in-place operators, by their method names
_INPLACE_DUNDERS = frozenset("__i" + name[2:] for name in SYMBOLS)


def run_unknown(func: Any, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    """No rule: an in-place call (``add_``, ``__ixor__``) is refused before it
    runs, since its tensor would already be written; anything else runs, and
    is refused if it returns a tensor (a value without a unit)."""
    name = getattr(func, "__name__", "") or ""
    if (name.endswith("_") and not name.startswith("_")) or name in _INPLACE_DUNDERS:
        raise refuse(func)
    with PLAIN():
        result = func(*args, **kwargs)
    if _has_tensor(result):
        raise refuse(func)
    return result


def _has_tensor(x: Any) -> bool:
    if isinstance(x, torch.Tensor):
        return True
    if isinstance(x, (tuple, list)):
        return any(_has_tensor(v) for v in x)
    return False


# ---- products with a bias: linear and convolutions ------------------------------------


def run_biased(rule: str) -> Callable[..., Any]:
    """``linear(input, weight, bias)``, ``conv*d``: the product's unit by
    the table's rule ``rule`` (``matmul``, ``convolve``), the bias converted
    to it as an added operand (``add``)."""

    def run(func: Any, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
        args, kwargs = list(args), dict(kwargs)
        x, w = args[0], argument(args, kwargs, (1, "weight"))
        _, units, _, _ = plans.function_plan_of(
            rule, (((key(x), shape(x)),), ((key(w), shape(w)),)), ()
        )
        unit = units[0]
        bias = argument(args, kwargs, (2, "bias"))
        if bias is not MISSING and bias is not None:
            convs, _, _ = plans.ufunc_plan("add", None, unit, key(bias))
            put(args, kwargs, (2, "bias"), convert(bias, convs[1]))
        with PLAIN():
            result = func(*args, **kwargs)
        return wrap(result, unit, args)

    return run


# ---- value checks ------------------------------------------------------------------------


def with_float_bound(
    spec: Function, param: str, default: float | None = None, power: int = 1
) -> Callable[..., Any]:
    """A torch function with a float parameter that meets the operands'
    values (a loss's ``beta=``/``delta=``, the ``eps`` a norm adds to a
    variance, in the operands' unit to ``power``; one of ``spec.floats``).
    torch's own default, a plain number, is refused next to dimensional
    operands (it would be a number in whatever unit they came in), with what
    to pass instead. ``default``: torch's default, for a function written in
    C, which does not pass it on."""
    at = next(a for a in spec.params if a is not None and a[1] == param)

    def run(func: Any, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
        bound = argument(args, kwargs, at)
        if bound is MISSING and default is not None:
            bound, kwargs = default, {**kwargs, param: default}
        try:
            return run_function(spec, func, args, kwargs)
        except DimensionError as e:
            if not isinstance(bound, (int, float)):
                raise
            x = args[0] if args else None
            unit = str(x.unit) if isinstance(x, dispatch.CLS) else "m"
            unit = unit if power == 1 else f"{unit}^{power}"
            raise DimensionError(
                f"{e}; here {param}={bound} is a plain number (torch's default when none is "
                f"given): pass {param}= as a quantity, e.g. {param}=DimTensor({bound}, "
                f"'{unit}') (a plain 0 is taken in any unit)"
            ) from None

    return run
