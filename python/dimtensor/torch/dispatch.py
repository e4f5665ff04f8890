"""How each torch function is run on DimTensors: which rule of the core's
table applies (a ufunc rule by name, a function rule by name, or "the unit
is kept"), which arguments are its operands, and how the result is wrapped.

Every unit comes from :mod:`.plans` (the core's table); this module only
maps torch's functions and argument names onto the table's rules. A torch
function with no entry here either returns no tensor (metadata: shapes,
dtypes, devices) or is refused with a ``TypeError`` naming it, never run
with a guessed unit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import torch
from torch.compiler import is_compiling

from dimtensor._backend import ONE, POWERS
from dimtensor._core import DimArray as NumpyDimArray
from dimtensor._core import Unit
from dimtensor.errors import (
    UnitStrippedError,
)

from . import plans
from .plans import WILD, number_key

PLAIN = torch._C.DisableTorchFunctionSubclass
IDENTITY = (1.0, 0.0)

# Filled by tensor.py: the DimTensor class.
CLS: Any = None


def key(x: Any) -> Any:
    """An operand as the plans see it."""
    if isinstance(x, torch.Tensor):
        if isinstance(x, CLS):
            u = x._unit
            return u if u is not None else WILD
        return None
    if isinstance(x, Unit):
        return x
    if isinstance(x, NumpyDimArray):
        return plans.intern(x.__dimtensor_unit__)
    return number_key(x)


def bare(x: torch.Tensor) -> torch.Tensor:
    """A DimTensor's values as a plain tensor: its memory, on its autograd
    graph. Dynamo cannot trace ``as_subclass`` from a subclass; a view
    taken with torch functions disabled is plain there."""
    with PLAIN():
        if is_compiling():
            return x.view_as(x)
        return x.as_subclass(torch.Tensor)


def shape(x: Any) -> tuple[int, ...]:
    if not isinstance(x, torch.Tensor):
        return ()
    with PLAIN():  # a subclass's .shape would go through __torch_function__
        return sizes(x, is_compiling())


def sizes(x: torch.Tensor, compiling: bool) -> tuple[int, ...]:
    """A tensor's shape as the plans take it (torch functions disabled)."""
    if compiling:
        return tuple(int(n) for n in x.shape)  # no symbolic sizes in plans
    return tuple(x.shape)


def convert(x: Any, conv: Sequence[float]) -> Any:
    """The magnitudes of ``x`` converted by ``a·x + b`` (x itself for the identity)."""
    if isinstance(x, NumpyDimArray):
        x = torch.as_tensor(x._data)
    elif isinstance(x, Unit):
        x = 1.0
    a, b = conv
    if a == 1.0 and b == 0.0:
        return x
    with PLAIN():  # torch's functions: a DimTensor's own operators would run its rules
        scaled = torch.mul(x, a)
        return torch.add(scaled, b) if b else scaled


def wrap(values: Any, unit: Unit | None, inputs: Sequence[Any] = ()) -> Any:
    """Tensors become DimTensors in ``unit`` (None: dimensionless). A result
    that is none of the call's ``inputs`` is fresh, and changes class in place."""
    if isinstance(values, torch.Tensor):
        for x in inputs:
            if values is x:
                return CLS._new(values, unit if unit is not None else ONE)
        return CLS._new(values, unit if unit is not None else ONE, True)
    if isinstance(values, (tuple, list)):
        return type(values)([wrap(v, unit, inputs) for v in values])
    return values


def plain(x: Any, what: str | Callable[[], str]) -> Any:
    """An argument that takes no unit: a dimensionless DimTensor's values at
    scale 1; a unit there would be dropped, so a dimensional one is refused.
    ``what`` names the argument (or makes its name, only for the error)."""
    if isinstance(x, CLS):
        u = x._unit
        if u is None:
            return x
        if not u.is_dimensionless:
            if callable(what):
                what = what()
            raise UnitStrippedError(
                f"{what} takes plain numbers here, not a DimTensor in '{u}': its unit would be "
                "dropped; pass .to_value(unit) if you mean the numbers"
            )
        return convert(x, (u.scale, 0.0))
    if isinstance(x, (tuple, list)):
        return type(x)(plain(v, what) for v in x)
    return x


def name_of(func: Any) -> str:
    name = getattr(func, "__name__", None)
    if name in (None, "__get__", "__set__"):
        owner = getattr(func, "__self__", None)
        name = f"{getattr(owner, '__name__', '?')}.{name}"
    return str(name)


def refuse(func: Any) -> TypeError:
    return TypeError(
        f"dimtensor has no unit rule for torch {name_of(func)}; call it on .to_value(unit) "
        "(a plain tensor) and attach the unit you expect with DimTensor(result, unit)"
    )


# ---- ufuncs ---------------------------------------------------------------------


class Ufunc(NamedTuple):
    """A torch function with the unit rule of NumPy ufunc ``rule``: its
    operands in the rule's order, each as (position, keyword)."""

    rule: str
    operands: tuple[tuple[int, str], ...]
    inplace: bool = False
    # what computes it, when not the function called (torch's Python-level
    # operators, which Dynamo cannot run with torch functions disabled)
    call: Callable[..., Any] | None = None


def argument(args: Sequence[Any], kwargs: dict[str, Any], at: tuple[int, str]) -> Any:
    i, kw = at
    if i < len(args):
        return args[i]
    return kwargs.get(kw, MISSING)


MISSING = object()


def _exponent(name: str, x: Any) -> float | None:
    """A power's exponent, known now: a number, or a one-element plain or
    dimensionless tensor read outside compiled code."""
    if name not in POWERS:
        return None
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return float(x)
    if isinstance(x, torch.Tensor) and x.numel() == 1 and not is_compiling():
        with PLAIN():
            value = x.detach().reshape(()).item()
        if isinstance(value, complex):
            return None  # no real exponent: any unit of the base refuses it
        value = float(value)
        if isinstance(x, CLS) and x._unit is not None and x._unit.is_dimensionless:
            value *= x._unit.scale
        return value
    return None


# ---- the eager fast paths ---------------------------------------------------------
# The calls made most (an operator between two DimTensors, a one-operand
# ufunc, a reduction of one tensor) read their plan from the cache by the
# operands' units and turn torch's fresh result into a DimTensor in place:
# about 1.5-2 µs over torch per call (as much as torch charges any subclass
# for a do-nothing __torch_function__), where the general path below takes
# 5-15 µs. They stay short on purpose: at 1e6 elements the operands evict
# the interpreter's data from the CPU caches, so every object touched costs
# more than its instruction count. Where one does not apply (compiled code,
# a pending unit, a keyword, a result that is no fresh tensor) it returns
# None before running anything, and the general path runs the call.

_SAME2 = (IDENTITY, IDENTITY)
_UFUNC_PLANS = plans.UFUNC_PLANS
_token = plans.token


def labelled(result: Any, unit: Unit, fresh: bool, compiling: bool, inputs: Any = ()) -> Any:
    """A result in ``unit``: a fresh plain tensor (none of the ``inputs``)
    changes class in place."""
    if fresh and not compiling and type(result) is torch.Tensor:
        result.__class__ = CLS
        result._unit = unit
        return result
    if result is NotImplemented:
        return result
    if isinstance(result, torch.Tensor):
        return CLS._new(result, unit, fresh)
    return wrap(result, unit, inputs)


def _cached(rule: str, keys: tuple[Any, ...], compiling: bool) -> Any:
    """The plan of ufunc ``rule`` without an exponent (a dict read in eager
    code). Plan caches hold interned units by identity (:func:`plans.token`);
    looking one up by the ids of any live units is safe, since no other live
    object has an interned unit's id (a unit not interned just misses)."""
    plan = None if compiling else _UFUNC_PLANS.get((rule, tuple(map(id, keys)), None))
    return plan if plan is not None else plans.ufunc_plan(rule, None, *keys)


def _pair(spec: Ufunc, func: Any, x: Any, y: Any) -> Any:
    """``x ∘ y`` of two DimTensors (the rule's operands, in its order) whose
    plan converts nothing, or one operand of a sum (see :func:`_scaled_sum`)."""
    if type(x) is not CLS or type(y) is not CLS:
        return None
    ux, uy = x._unit, y._unit
    if ux is None or uy is None:
        return None
    compiling = is_compiling()
    convs, outs, const = _cached(spec.rule, (ux, uy), compiling)
    if const is not None:
        return None
    if convs != _SAME2:
        summed = _scaled_sum(spec.rule, (x, y), convs)
        return None if summed is None else labelled(summed, outs[0], True, compiling)
    call = spec.call or func
    with PLAIN():
        result = call(x, y) if spec.operands[0][0] == 0 else call(y, x)
    return labelled(result, outs[0], result is not x and result is not y, compiling, (x, y))


def _single(spec: Ufunc, func: Any, x: Any) -> Any:
    """``f(x)`` of one DimTensor (``torch.sqrt(a)``, ``-a``, ``a.exp()``)."""
    if type(x) is not CLS:
        return None
    u = x._unit
    if u is None:
        return None
    compiling = is_compiling()
    convs, outs, const = _cached(spec.rule, (u,), compiling)
    if const is not None or convs[0] != IDENTITY:
        return None
    with PLAIN():
        result = (spec.call or func)(x)
    return labelled(result, outs[0], result is not x, compiling, (x,))


def _power(spec: Ufunc, func: Any, x: Any, n: Any) -> Any:
    """``x ** n`` of a DimTensor and a Python number."""
    if type(x) is not CLS or type(n) not in (int, float) or x._unit is None:
        return None
    convs, outs, const = plans.ufunc_plan(spec.rule, float(n), x._unit, number_key(n))
    if const is not None or convs[0] != IDENTITY:
        return None
    with PLAIN():
        result = (spec.call or func)(x, n)
    return labelled(result, outs[0], result is not x, is_compiling(), (x,))


def operator(spec: Ufunc) -> Callable[..., Any]:
    """DimTensor's method for a Python operator (``x + y`` calls it directly,
    without torch's dispatch): a fast path where one applies, else the
    general path."""
    call = spec.call

    def unary(x: Any) -> Any:
        done = _single(spec, call, x)
        return done if done is not None else run_ufunc(spec, call, (x,), {})

    def binary(x: Any, y: Any) -> Any:
        done = _pair(spec, call, x, y)
        return done if done is not None else run_ufunc(spec, call, (x, y), {})

    def power(x: Any, y: Any) -> Any:
        done = _power(spec, call, x, y)
        return done if done is not None else run_ufunc(spec, call, (x, y), {})

    def general(*args: Any) -> Any:
        return run_ufunc(spec, call, args, {})

    if len(spec.operands) == 1:
        return unary
    if spec.inplace or spec.operands[0][0] != 0:
        return general
    return power if spec.rule in POWERS else binary  # new functions each call: named by the table


def run_ufunc(spec: Ufunc, func: Any, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    if not kwargs and not spec.inplace and len(args) == len(spec.operands):
        if len(args) == 1:
            done = _single(spec, func, args[0])
        elif spec.rule in POWERS:
            done = _power(spec, func, *args) if spec.operands[0][0] == 0 else None
        else:
            first, second = spec.operands[0][0], spec.operands[1][0]
            done = _pair(spec, func, args[first], args[second])
        if done is not None:
            return done
    operands = [argument(args, kwargs, at) for at in spec.operands]
    operands = [x for x in operands if x is not MISSING]
    keys = [key(x) for x in operands]
    exponent = None
    scaled = False
    if len(operands) == 2 and spec.rule in POWERS:
        exponent = _exponent(spec.rule, operands[1])  # scale included (50 % is 0.5)
        k = keys[1]
        if isinstance(k, Unit) and k.is_dimensionless:
            # the exponent's values count at scale 1, as its value was read:
            # torch computes with them, and the plan sees plain numbers
            operands[1] = plain(operands[1], "an exponent")
            keys[1], scaled = None, True
    convs, outs, const = plans.ufunc_plan(spec.rule, exponent, *keys)
    if const is None and not spec.inplace and len(args) <= 2 and not kwargs:
        fused = _scaled_sum(spec.rule, operands, convs)
        if fused is not None:
            return wrap(fused, outs[0])
    target = args[0] if args else None  # of an in-place call, before any conversion
    args, kwargs = list(args), dict(kwargs)
    if scaled:
        put(args, kwargs, spec.operands[1], operands[1])
    for at, x, c in zip(spec.operands, operands, convs, strict=False):
        if c != IDENTITY or isinstance(x, (NumpyDimArray, Unit)):
            put(args, kwargs, at, convert(x, c))
    for k_, v in kwargs.items():
        if isinstance(v, CLS) and k_ != "out":
            kwargs[k_] = plain(v, f"torch {name_of(func)}'s {k_}=")
    if spec.inplace:
        return inplace(func, target, args, kwargs, outs[0])
    out = kwargs.pop("out", None)
    if const is not None:
        with PLAIN():
            raws = [x for x in args if isinstance(x, torch.Tensor)]
            sh = torch.broadcast_shapes(*(r.shape for r in raws))
            result = torch.full(sh, const, dtype=torch.bool, device=raws[0].device)
    else:
        with PLAIN():
            result = (spec.call or func)(*args, **kwargs)
    if out is not None:
        return deliver(result, outs[0], out, name_of(func))
    if isinstance(result, tuple):
        return tuple(wrap(r, u, args) for r, u in zip(result, outs, strict=True))
    return wrap(result, outs[0], args)


_ALPHA = {"add": torch.add, "subtract": torch.sub}


def _scaled_sum(rule: str, operands: Sequence[Any], convs: Sequence[Any]) -> Any:
    """``x + s·y`` or ``x − s·y`` in one pass, through torch's ``alpha=``,
    where converting ``y`` first would take a pass (and a tensor) of its
    own: ``m + km`` at the cost of a plain sum. None where it does not
    apply (offsets, integers, compiled code, which fuses by itself)."""
    fn = _ALPHA.get(rule)
    if fn is None or len(operands) != 2:
        return None
    (sx, bx), (sy, by) = convs
    if bx or by or (sx == 1.0 and sy == 1.0) or is_compiling():
        return None
    x, y = operands
    if not all(isinstance(t, torch.Tensor) and t.is_floating_point() for t in (x, y)):
        return None
    if sx == 1.0:
        first, second, alpha = x, y, sy
    elif sy == 1.0 and rule == "add":
        first, second, alpha = y, x, sx
    else:
        return None
    with PLAIN():
        return fn(first, second, alpha=alpha)


def put(args: list[Any], kwargs: dict[str, Any], at: tuple[int, str], value: Any) -> None:
    i, kw = at
    if i < len(args):
        args[i] = value
    else:
        kwargs[kw] = value


def inplace(
    func: Any, target: Any, args: list[Any], kwargs: dict[str, Any], unit: Unit | None
) -> Any:
    """``x.op_(...)``: computed in x's own memory when the result is in x's
    unit and x itself is the operand (not a copy the plan converted); a
    result in another unit of the same dimension, or of a converted x, is
    computed apart and copied in; another dimension is refused before
    anything is written."""
    own = target._unit if isinstance(target, CLS) else ONE
    if own is None:  # a tensor whose unit is not chosen yet takes the result's
        target._unit = own = unit if unit is not None else ONE
    result_unit = unit if unit is not None else ONE
    name = name_of(func)
    # the out-of-place twin: __imul__ -> __mul__, mul_ -> mul
    twin = "__" + name[3:] if name.startswith("__i") else name.rstrip("_")
    write = f"x = x {SYMBOLS[twin]} y" if twin in SYMBOLS else f"x = torch.{twin}(...)"
    a, b = plans.inplace_conversion(name, result_unit, own, f"write `{write}` to get a new tensor")
    if (a, b) == IDENTITY and args[0] is target:
        with PLAIN():
            func(*args, **kwargs)
        return target
    with PLAIN():
        outplace = getattr(torch.Tensor, twin)
        result = outplace(*args, **kwargs)
        target.copy_(convert(result, (a, b)))
    return target


# Python's operator symbols, for messages
SYMBOLS = {
    f"__{name}__": sym
    for name, sym in zip(
        "add sub mul matmul truediv floordiv div mod pow lshift rshift and or xor".split(),
        "+ - * @ / // / % ** << >> & | ^".split(),
        strict=True,
    )
}


def deliver(values: Any, unit: Unit | None, out: Any, what: str) -> Any:
    """The result written into ``out=`` by ``what`` (a name for messages)."""
    if isinstance(out, CLS):
        if out._unit is None:
            out._unit = unit if unit is not None else ONE
        conv = plans.inplace_conversion(
            what, unit or ONE, out._unit, "call it without out= to get a new tensor"
        )
        with PLAIN():
            out.copy_(convert(values, conv))
        return out
    with PLAIN():
        out.copy_(values)
    # the caller's plain tensor stays one: the result is a view of it
    return out if unit is None else wrap(out, unit, (out,))


def as_float(v: Any) -> Any:
    """A converted 0-d bound (``beta=``, ``delta=``) as the float torch wants."""
    if isinstance(v, torch.Tensor):
        with PLAIN():
            return float(v.reshape(()).item())
    return v


__all__ = [
    "CLS",
    "PLAIN",
    "Ufunc",
    "run_ufunc",
]
